/**
 * @module
 * What a KMS-encrypted object (SSE-KMS, DSSE-KMS) stores with it, none of it secret: the key ARN,
 * the caller's context pairs, the bucket-key flag and each layer's wrapped key; and those facts
 * read back (parsed once per frozen fields object, since a GET reads them twice).
 */

import type { StringMap } from '../model/encryption.ts';
import type { StoredFields } from '../storage/types.ts';
import type { WrappedDataKey } from './envelope-adapter.ts';

/** Stored field names of a KMS-encrypted object. */
export const SSE_KMS_FIELDS: Readonly<{ keyArn: string; context: string; bucketKey: string; wrappedKeys: string }> = Object.freeze({
  keyArn: 'sse-kms-key-arn',
  context: 'sse-kms-context',
  bucketKey: 'sse-kms-bucket-key',
  wrappedKeys: 'sse-kms-wrapped-keys',
});

/** The KMS facts of a stored object, as responses echo them. */
export interface StoredKmsEncryption {
  readonly keyArn: string;
  readonly bucketKeyEnabled: boolean;
  /** The caller's pairs (without `aws:s3:arn`). */
  readonly context: StringMap;
}

/**
 * Reads the KMS facts of an object's stored fields.
 * @throws Error if the fields lack them (the object is not KMS-encrypted: a bug upstream).
 * @example
 * ```ts
 * import { storedKmsEncryption } from '@strongbox/s3';
 * storedKmsEncryption(record.info.metadata).keyArn; // 'arn:aws:kms:us-east-1:…:key/…'
 * ```
 */
export function storedKmsEncryption(stored: StoredFields): StoredKmsEncryption {
  const known = STORED_KMS.get(stored);
  if (known !== undefined) return known;
  const keyArn = stored[SSE_KMS_FIELDS.keyArn];
  if (keyArn === undefined) throw new Error('the object has no KMS key');
  const text = stored[SSE_KMS_FIELDS.context];
  // Most objects have no caller pairs, and then no context field: nothing to parse.
  const context = text === undefined ? NO_PAIRS : pairMap(Object.entries(JSON.parse(text) as Record<string, string>));
  const parsed = kmsFacts(keyArn, stored[SSE_KMS_FIELDS.bucketKey] === 'true', context);
  if (Object.isFrozen(stored)) STORED_KMS.set(stored, parsed);
  return parsed;
}

/**
 * The KMS facts of frozen stored fields, by fields object: a store hands out one frozen fields
 * object per stored object (a GET reads the facts twice: for the response and for KMS Decrypt),
 * and a PUT's own fields are entered as `fieldsOf` makes them (its response echoes them), so
 * neither parses the JSON it could not have changed. Facts are frozen: every reader shares them.
 */
const STORED_KMS = new WeakMap<StoredFields, StoredKmsEncryption>();
/** The facts' context of an object stored without caller pairs (frozen, like every facts' context). */
const NO_PAIRS: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);

/** Caller pairs as a null-prototype map (a `__proto__` name stays a pair), `NO_PAIRS` for none. */
function pairMap(entries: readonly (readonly [string, string])[]): Record<string, string> {
  if (entries.length === 0) return NO_PAIRS;
  const map = Object.create(null) as Record<string, string>;
  for (const [name, value] of entries) map[name] = value;
  return map;
}

function kmsFacts(keyArn: string, bucketKeyEnabled: boolean, context: Record<string, string>): StoredKmsEncryption {
  return Object.freeze({ keyArn, bucketKeyEnabled, context: Object.freeze(context) });
}

/**
 * The stored fields of a KMS-encrypted object, frozen, with their facts remembered (a PUT's
 * response echoes them without parsing them back).
 * @example fieldsOf(keyArn, { team: 'a' }, false, [wrapped])['sse-kms-key-arn'] // keyArn
 */
export function fieldsOf(keyArn: string, pairs: StringMap, bucketKey: boolean, wrapped: readonly WrappedDataKey[]): StoredFields {
  const entries = Object.entries(pairs);
  // Assigned one by one: computed keys and conditional spreads in one literal make V8 build a
  // slow object, and every SSE-KMS PUT stores these fields.
  const fields: Record<string, string> = {};
  fields[SSE_KMS_FIELDS.keyArn] = keyArn;
  if (entries.length > 0) fields[SSE_KMS_FIELDS.context] = JSON.stringify(Object.fromEntries(entries));
  if (bucketKey) fields[SSE_KMS_FIELDS.bucketKey] = 'true';
  fields[SSE_KMS_FIELDS.wrappedKeys] = wrappedKeysJson(wrapped);
  // What `storedKmsEncryption` would parse back from these fields: the same strings (JSON keeps
  // every string as it is), as a null-prototype map.
  Object.freeze(fields);
  STORED_KMS.set(fields, kmsFacts(keyArn, bucketKey, pairMap(entries)));
  return fields;
}

/**
 * `[{"id":…,"blob":…}, …]`: the JSON text `JSON.stringify` gives the list of `{ id, blob }`
 * (keyring id, base64 of the wrapped key), written without building that list; base64 needs no
 * escaping, and the id is escaped by `JSON.stringify` itself.
 */
function wrappedKeysJson(wrapped: readonly WrappedDataKey[]): string {
  let json = '[';
  for (let index = 0; index < wrapped.length; index++) {
    const entry = wrapped[index] as WrappedDataKey;
    if (index > 0) json += ',';
    json += `{"id":${JSON.stringify(entry.keyringId)},"blob":"${Buffer.from(entry.ciphertext.buffer, entry.ciphertext.byteOffset, entry.ciphertext.byteLength).toString('base64')}"}`;
  }
  return `${json}]`;
}

/**
 * Each layer's wrapped key, as stored with the object.
 * @throws Error if the fields lack them or hold other than one or two (a bug or damage upstream).
 * @example storedWrappedKeys(stored).map(parseRoot)
 */
export function storedWrappedKeys(stored: StoredFields): WrappedDataKey[] {
  const text = stored[SSE_KMS_FIELDS.wrappedKeys];
  if (text === undefined) throw new Error('the object has no KMS data keys');
  const parsed = JSON.parse(text) as { id: string; blob: string }[];
  if (!Array.isArray(parsed) || parsed.length < 1 || parsed.length > 2) throw new Error('the object has a damaged KMS key record');
  return parsed.map((entry) => ({ keyringId: String(entry.id), ciphertext: new Uint8Array(Buffer.from(String(entry.blob), 'base64')) }));
}
