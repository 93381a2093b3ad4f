/**
 * @module
 * The string-to-string JSON maps of the formats (`x-amz-matdesc`, `x-amz-t`, `x-amz-m`, instruction
 * files). Writers differ in key order and whitespace (Ruby/Java compact, Go sorted, Python spaced),
 * so maps are parsed and compared as maps, never as strings. Parsed maps are `Map`s, so a key such
 * as `__proto__` is an ordinary key and never reaches a prototype setter.
 */

import { S3EncryptionClientError } from '../errors.ts';

/**
 * Parses a JSON object whose values are all strings.
 *
 * @param what - names the value in the error (e.g. `x-amz-matdesc`).
 * @throws S3EncryptionClientError `MalformedMetadata` for invalid JSON, a non-object, or a non-string value.
 * @example
 * ```ts
 * parseStringMap('{"aws:x-amz-cek-alg":"115"}', 'x-amz-t').get('aws:x-amz-cek-alg'); // '115'
 * ```
 */
export function parseStringMap(text: string, what: string): Map<string, string> {
  let parsed: unknown;
  try {
    // JSON.parse defines own properties (it never assigns), so `__proto__` arrives as plain data.
    parsed = JSON.parse(text);
  } catch (error) {
    throw new S3EncryptionClientError('MalformedMetadata', `${what} is not valid JSON`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new S3EncryptionClientError('MalformedMetadata', `${what} is not a JSON object`);
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new S3EncryptionClientError('MalformedMetadata', `${what} has a non-string value for ${JSON.stringify(key)}`);
    map.set(key, value);
  }
  return map;
}

/**
 * Serialises a map as compact JSON in insertion order (Java's and Ruby's style), escaping every
 * non-ASCII character as `\uXXXX`. S3 metadata must be US-ASCII on the way in; the escapes keep the
 * value ASCII while every JSON reader still gets the same map back.
 *
 * @example
 * ```ts
 * stringifyStringMap(new Map([['k', 'é']])); // '{"k":"\\u00e9"}'
 * ```
 */
export function stringifyStringMap(map: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const [key, value] of map) parts.push(`${asciiJson(key)}:${asciiJson(value)}`);
  return `{${parts.join(',')}}`;
}

/** True when both maps hold the same keys with the same values. */
export function sameStringMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** A record (such as an SDK `EncryptionContext`) as a Map, refusing non-string values. */
export function mapFromRecord(record: Readonly<Record<string, string>> | undefined, what: string): Map<string, string> {
  const map = new Map<string, string>();
  if (record === undefined) return map;
  if (typeof record !== 'object' || record === null) throw new TypeError(`"${what}" expected an object of strings`);
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'string') throw new TypeError(`"${what}" expected string values, got ${typeof value} for ${JSON.stringify(key)}`);
    map.set(key, value);
  }
  return map;
}

/** A Map as a null-prototype record (for SDK inputs such as KMS `EncryptionContext`). */
export function recordFromMap(map: ReadonlyMap<string, string>): Record<string, string> {
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of map) Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  return record;
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
