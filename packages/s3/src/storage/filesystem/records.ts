/**
 * @module
 * The JSON of the data directory's manifests, checked field by field when read back: a manifest
 * that does not parse or lacks a field is reported (with its path), never skipped, since skipping
 * it would silently lose an acknowledged object. Metadata maps come back with a null prototype,
 * so a stored `__proto__` pair stays a pair.
 */

import type { BucketRecord, ObjectRecord, PartRecord, UploadRecord } from '../persistence.ts';
import type { StoredFields } from '../types.ts';

/**
 * The file format version written into every manifest. Version 2 added blob pins (`pin` on object
 * segments and parts, `../blob-pin.ts`); version 1 manifests, written before, have none and stay
 * readable (their blobs are served unchecked, as before).
 */
const VERSION = 2;
/** The versions this Strongbox reads. */
const READABLE_VERSIONS: ReadonlySet<unknown> = new Set([1, 2]);
/** A pin: hex SHA-256. */
const PIN = /^[0-9a-f]{64}$/;

/** Encodes a manifest. */
export function encodeRecord(record: BucketRecord | ObjectRecord | UploadRecord | PartRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ version: VERSION, ...record }));
}

export function decodeBucket(bytes: Uint8Array, path: string): BucketRecord {
  const json = parse(bytes, path);
  const created = number(json, 'created', path);
  // A bucket written before ids were kept has none: its creation time stands in, stable across
  // opens. Unique all the same: every bucket made since has a random id of 24 base64url
  // characters, never this shorter form.
  const id = json['id'] === undefined ? `created-${created}` : string(json, 'id', path);
  return { name: string(json, 'name', path), id, created, metadata: fields(json, path) };
}

export function decodeObject(bytes: Uint8Array, path: string): ObjectRecord {
  const json = parse(bytes, path);
  const segments = json['segments'];
  if (!Array.isArray(segments)) throw corrupt(path, 'segments');
  return {
    key: string(json, 'key', path),
    segments: segments.map((segment: unknown) => {
      if (typeof segment !== 'object' || segment === null) throw corrupt(path, 'segments');
      const entry = segment as Record<string, unknown>;
      return { blobId: string(entry, 'blobId', path), size: number(entry, 'size', path), ...pin(entry, path) };
    }),
    lastModified: number(json, 'lastModified', path),
    metadata: fields(json, path),
  };
}

export function decodeUpload(bytes: Uint8Array, path: string): UploadRecord {
  const json = parse(bytes, path);
  return { uploadId: string(json, 'uploadId', path), key: string(json, 'key', path), initiated: number(json, 'initiated', path), metadata: fields(json, path) };
}

export function decodePart(bytes: Uint8Array, path: string): PartRecord {
  const json = parse(bytes, path);
  return {
    partNumber: number(json, 'partNumber', path),
    blobId: string(json, 'blobId', path),
    size: number(json, 'size', path),
    ...pin(json, path),
    lastModified: number(json, 'lastModified', path),
    metadata: fields(json, path),
  };
}

function parse(bytes: Uint8Array, path: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new Error(`The data directory manifest ${path} is not valid JSON`, { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw corrupt(path, 'the top level');
  const record = json as Record<string, unknown>;
  if (!READABLE_VERSIONS.has(record['version']))
    throw new Error(`The data directory manifest ${path} has version ${String(record['version'])}; this Strongbox reads versions 1 and ${VERSION}`);
  return record;
}

function string(json: Record<string, unknown>, name: string, path: string): string {
  const value = json[name];
  if (typeof value !== 'string') throw corrupt(path, name);
  return value;
}

function number(json: Record<string, unknown>, name: string, path: string): number {
  const value = json[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw corrupt(path, name);
  return value;
}

/** A segment's or part's pin, if it has one (version 1 manifests and their segments have none). */
function pin(json: Record<string, unknown>, path: string): { pin?: string } {
  const value = json['pin'];
  if (value === undefined) return {};
  if (typeof value !== 'string' || !PIN.test(value)) throw corrupt(path, 'pin');
  return { pin: value };
}

function fields(json: Record<string, unknown>, path: string): StoredFields {
  const value = json['metadata'];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(path, 'metadata');
  const map = Object.create(null) as Record<string, string>;
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw corrupt(path, `metadata.${name}`);
    map[name] = entry;
  }
  return Object.freeze(map);
}

function corrupt(path: string, field: string): Error {
  return new Error(`The data directory manifest ${path} is damaged: ${field} is missing or malformed`);
}
