/**
 * @module
 * Conditional requests: `If-Match`, `If-None-Match`, `If-Modified-Since` and
 * `If-Unmodified-Since` on GetObject and HeadObject, and their `x-amz-copy-source-if-*` forms on
 * CopyObject, evaluated against an object's ETag and Last-Modified time.
 *
 * The order and outcomes are those recorded against real S3 (LS-snapshot
 * `test_s3_get_object_preconditions`, `test_s3_copy_object_preconditions`):
 *
 * 1. `If-Match` that does not match: 412 `PreconditionFailed`, `Condition: If-Match`.
 * 2. `If-Unmodified-Since` earlier than the object: 412, `Condition: If-Unmodified-Since`.
 * 3. `If-None-Match` that matches: 304 Not Modified on reads; 412 on a copy source.
 * 4. `If-Modified-Since` not earlier than the object: 304 on reads, 412 on a copy source; a date
 *    in the future is ignored.
 *
 * Precedence (GetObject and CopyObject API references): when `If-Match` is present and holds,
 * `If-Unmodified-Since` is not evaluated (200 even if it would fail); when `If-None-Match` is
 * present, `If-Modified-Since` is not evaluated (RFC 9110 §13.2.2; S3's documents state the
 * matching case, the other is UNCONFIRMED). Times compare at whole seconds, as the HTTP dates
 * that carry them: an `If-Modified-Since` equal to the object's `Last-Modified` is "not modified".
 * ETags compare without their quotes (S3 accepts them unquoted, LS-snapshot); `*` matches any
 * object and a comma-separated list matches any member (RFC 9110; UNCONFIRMED for S3).
 */

import { S3Error } from '../errors.ts';

/** The conditions of a request; undefined members are absent. */
export interface RequestConditions {
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
  /** Epoch milliseconds. */
  readonly ifModifiedSince?: number | undefined;
  /** Epoch milliseconds. */
  readonly ifUnmodifiedSince?: number | undefined;
}

/** What the conditions are evaluated against. */
export interface ConditionTarget {
  /** The object's ETag, quoted as stored. */
  readonly etag: string;
  /** The object's Last-Modified, epoch milliseconds. */
  readonly lastModified: number;
}

/** Which request the conditions came with: a read answers 304, a copy source 412 with prefixed names. */
export type ConditionKind = 'read' | 'copy-source';

/**
 * Evaluates a request's conditions against an object.
 *
 * @param now - the request time (epoch milliseconds): an `If-Modified-Since` after it is ignored.
 * @throws S3Error PreconditionFailed with its `Condition`; NotModified (reads only), whose
 *   `fields` are the `ETag` and `Last-Modified` a 304 sends as headers (it has no body).
 * @example
 * ```ts
 * import { checkConditions } from '@strongbox/s3';
 * checkConditions({ ifNoneMatch: '"abc"' }, { etag: '"abc"', lastModified: 0 }, 'read', Date.now()); // throws NotModified (304)
 * ```
 */
export function checkConditions(conditions: RequestConditions, target: ConditionTarget, kind: ConditionKind, now: number): void {
  const lastModified = wholeSeconds(target.lastModified);
  const { ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince } = conditions;
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, target.etag)) throw preconditionFailed('If-Match', kind);
  } else if (ifUnmodifiedSince !== undefined && lastModified > wholeSeconds(ifUnmodifiedSince)) {
    throw preconditionFailed('If-Unmodified-Since', kind);
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, target.etag)) throw notModified('If-None-Match', kind, target);
  } else if (ifModifiedSince !== undefined && ifModifiedSince <= now && lastModified <= wholeSeconds(ifModifiedSince)) {
    throw notModified('If-Modified-Since', kind, target);
  }
}

/** Whether an `If-Match` / `If-None-Match` value names `etag` (quotes and weak prefixes ignored). */
export function etagMatches(header: string, etag: string): boolean {
  const wanted = unquote(etag);
  return header.split(',').some((member) => {
    const tag = member.trim();
    return tag === '*' || unquote(tag.startsWith('W/') ? tag.slice(2) : tag) === wanted;
  });
}

function unquote(tag: string): string {
  return tag.length >= 2 && tag.startsWith('"') && tag.endsWith('"') ? tag.slice(1, -1) : tag;
}

function wholeSeconds(milliseconds: number): number {
  return Math.floor(milliseconds / 1000) * 1000;
}

type Header = 'If-Match' | 'If-None-Match' | 'If-Modified-Since' | 'If-Unmodified-Since';

function conditionName(header: Header, kind: ConditionKind): string {
  return kind === 'read' ? header : `x-amz-copy-source-${header}`;
}

function preconditionFailed(header: Header, kind: ConditionKind): S3Error {
  return new S3Error('PreconditionFailed', { fields: [['Condition', conditionName(header, kind)]] });
}

function notModified(header: Header, kind: ConditionKind, target: ConditionTarget): S3Error {
  // A copy source that has not changed is a failed precondition, not a cached answer.
  if (kind !== 'read') return preconditionFailed(header, kind);
  // A 304 has no body; RFC 9110 §15.4.5 has it carry the ETag (and the validators a 200 would), so
  // the protocol edge sends these two as the `ETag` and `Last-Modified` headers.
  return new S3Error('NotModified', {
    fields: [
      ['ETag', target.etag],
      ['Last-Modified', new Date(wholeSeconds(target.lastModified)).toUTCString()],
    ],
  });
}
