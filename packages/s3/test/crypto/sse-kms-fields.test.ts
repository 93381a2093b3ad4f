/**
 * The stored fields of a KMS-encrypted object: the facts a PUT remembers from its own fields are
 * what the stored fields parse back to, are frozen and shared per frozen fields object, and the
 * wrapped keys are stored as the JSON text of `{ id, blob }` per layer.
 */

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BucketKeyCache, DsseKmsProvider, SseKmsProvider, type StoredFields, storedKmsEncryption } from '../../src/index.ts';
import { kmsEngine, newKey, REGION, user } from '../helpers/kms.ts';

let engine: ReturnType<typeof kmsEngine>;
let bucketKeys: BucketKeyCache;

beforeEach(() => {
  engine = kmsEngine();
  bucketKeys = new BucketKeyCache({ clock: engine.clock });
});

afterEach(async () => {
  bucketKeys.close();
  await engine.close();
});

const random = { bytes: (length: number) => new Uint8Array(randomBytes(length)) };
const alice = user('alice', ['kms:GenerateDataKey', 'kms:Decrypt']);

describe('the KMS facts of stored fields', () => {
  const pairsArb = fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 8 }), { maxKeys: 4 });

  it('as a PUT knows them from its own fields are what the stored fields parse back to', async () => {
    const { arn } = await newKey(engine.kms);
    const provider = new SseKmsProvider({ kms: engine.kms, bucketKeys, random });
    await fc.assert(
      fc.asyncProperty(pairsArb, fc.boolean(), async (pairs, bucketKey) => {
        const keys = await provider.forSealing({ bucket: 'b', key: 'k' }, { caller: alice, region: REGION, keyId: arn, context: pairs, bucketKey });
        try {
          const known = storedKmsEncryption(keys.fields);
          // A copy of the fields is another object: its facts are parsed from the JSON.
          const parsed = storedKmsEncryption({ ...keys.fields });
          expect(known).toEqual(parsed);
          expect(Object.getPrototypeOf(known.context)).toBe(Object.getPrototypeOf(parsed.context));
          expect(known).toEqual({ keyArn: arn, bucketKeyEnabled: bucketKey, context: expect.anything() });
          expect({ ...known.context }).toEqual({ ...pairs });
        } finally {
          keys.dispose();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('are frozen, shared by the readers of one frozen fields object, and parsed afresh for another', () => {
    const fields: StoredFields = Object.freeze({ 'sse-kms-key-arn': 'arn:aws:kms:us-east-1:000000000000:key/k', 'sse-kms-context': '{"a":"1"}' });
    const facts = storedKmsEncryption(fields);
    expect(Object.isFrozen(facts) && Object.isFrozen(facts.context)).toBe(true);
    expect(storedKmsEncryption(fields)).toBe(facts);
    // An object whose fields are not frozen could change under a cached answer: never cached.
    const open: Record<string, string> = { ...fields };
    expect(storedKmsEncryption(open)).not.toBe(storedKmsEncryption(open));
    open['sse-kms-context'] = '{"a":"2"}';
    expect(storedKmsEncryption(open).context).toEqual({ a: '2' });
  });

  it('store each layer’s wrapped key as the JSON text of the list of { id, blob } (base64), one per layer', async () => {
    const { arn } = await newKey(engine.kms);
    for (const provider of [new SseKmsProvider({ kms: engine.kms, bucketKeys, random }), new DsseKmsProvider({ kms: engine.kms, bucketKeys, random })]) {
      const keys = await provider.forSealing({ bucket: 'b', key: 'k' }, { caller: alice, region: REGION, keyId: arn });
      try {
        const wrapped = keys.layers.map((layer) => (layer.keyring as unknown as { wrapped: { keyringId: string; ciphertext: Uint8Array } }).wrapped);
        expect(wrapped).toHaveLength(provider.mode === 'SSE-KMS' ? 1 : 2);
        const expected = JSON.stringify(wrapped.map((entry) => ({ id: entry.keyringId, blob: Buffer.from(entry.ciphertext).toString('base64') })));
        expect(keys.fields['sse-kms-wrapped-keys']).toBe(expected);
      } finally {
        keys.dispose();
      }
    }
  });
});
