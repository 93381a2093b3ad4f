/**
 * @module
 * `Limit` / `Marker` pagination shared by the List operations. Markers are opaque to callers (as
 * in AWS); Strongbox's encode the offset of the next item, base64url, with a version prefix, so a
 * marker from elsewhere is rejected with InvalidMarkerException instead of silently restarting.
 */

import { KmsError } from '../../errors.ts';
import { integer, type Shape, string } from '../../protocol/shapes.ts';

/** `LimitType`: 1..1000. */
export const LIMIT: Shape = integer({ min: 1, max: 1000 });
/** `MarkerType`: 1..1024 characters of `[\u0020-\u00FF]`. */
export const MARKER: Shape = string({ min: 1, max: 1024, pattern: '^[\\u0020-\\u00FF]*$' });

const PREFIX = 'sb1.';

/** One page of a list. */
export interface Page<T> {
  readonly items: T[];
  /** Set when more items follow: pass it as `Marker` to get them. */
  readonly nextMarker?: string;
  readonly truncated: boolean;
}

/**
 * Cuts one page out of `items` (which must be in a stable order).
 * @param defaultLimit - page size when `Limit` is absent (100 for most KMS List operations).
 * @throws KmsError InvalidMarkerException for a marker Strongbox did not issue.
 */
export function paginate<T>(items: readonly T[], limit: number | undefined, marker: string | undefined, defaultLimit = 100): Page<T> {
  const start = marker === undefined ? 0 : decodeMarker(marker);
  const end = start + (limit ?? defaultLimit);
  const page = items.slice(start, end);
  return end < items.length ? { items: page, nextMarker: encodeMarker(end), truncated: true } : { items: page, truncated: false };
}

function encodeMarker(offset: number): string {
  return PREFIX + Buffer.from(String(offset)).toString('base64url');
}

function decodeMarker(marker: string): number {
  const offset = marker.startsWith(PREFIX) ? Number(Buffer.from(marker.slice(PREFIX.length), 'base64url').toString()) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new KmsError('InvalidMarkerException', 'Invalid marker');
  return offset;
}
