/**
 * Property tests of the cryptographic operations through the in-process API (fast-check):
 *
 * - Decrypt(Encrypt(x)) = x under any encryption context (Unicode, empty keys and values), and
 *   answers with the key ARN;
 * - any change of the context (a pair added, removed or changed, a change of case, the
 *   {"ab":"c"} / {"a":"bc"} family that naive encodings confuse) → InvalidCiphertextException;
 * - any single bit flip anywhere in the blob → InvalidCiphertextException, or AccessDeniedException
 *   when the flip lands in the key id so the key does not exist; never a plaintext;
 * - every ciphertext still decrypts, with the backing key that made it, after any sequence of
 *   automatic and on-demand rotations.
 */

import { contextEquals } from '@strongbox/envelope';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kms, KmsError, ManualClock } from '../src/index.ts';
import { ON_DEMAND_ROTATION_LIMIT } from '../src/model/rotation.ts';
import type { ListKeyRotationsResponse, RotationsListEntry } from '../src/operations/list-key-rotations.ts';
import { flipBit } from './helpers/bytes.ts';

const DAY = 86_400_000;

/** Context strings: any well-formed Unicode, the empty string included. */
const text = fc.string({ unit: 'grapheme', maxLength: 10 });
/** Encryption contexts as plain objects (fast-check may build null-prototype ones). */
const encryptionContext = fc.dictionary(text, text, { maxKeys: 6 }).map((context) => ({ ...context }));
const plaintext = fc.uint8Array({ minLength: 1, maxLength: 4096 });

async function failureOf(promise: Promise<unknown>): Promise<KmsError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof KmsError)) throw new Error(`expected a KmsError, got ${String(outcome)}`);
  return outcome;
}

describe('Decrypt(Encrypt(x)) = x', () => {
  const kms = new Kms({ quotas: false });
  const key = kms.createKey({});

  it('for any plaintext of 1..4096 bytes and any encryption context, answering with the key ARN', async () => {
    const { KeyMetadata } = await key;
    await fc.assert(
      fc.asyncProperty(plaintext, encryptionContext, async (bytes, context) => {
        const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: bytes, EncryptionContext: context });
        // Pair order never matters: decrypt with the pairs reversed.
        const reordered = Object.fromEntries(Object.entries(context).reverse());
        const decrypted = await kms.decrypt({ CiphertextBlob, EncryptionContext: reordered });
        expect(decrypted.Plaintext).toEqual(bytes);
        expect(decrypted.KeyId).toBe(KeyMetadata.Arn);
      }),
      { numRuns: 150 },
    );
  });
});

type Mutation =
  | { readonly kind: 'add'; readonly key: string; readonly value: string }
  | { readonly kind: 'remove'; readonly index: number }
  | { readonly kind: 'change'; readonly index: number; readonly value: string }
  | { readonly kind: 'case'; readonly index: number; readonly inKey: boolean }
  | { readonly kind: 'split'; readonly index: number; readonly at: number; readonly towardsValue: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), key: text, value: text }),
  fc.record({ kind: fc.constant('remove' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('change' as const), index: fc.nat(), value: text }),
  fc.record({ kind: fc.constant('case' as const), index: fc.nat(), inKey: fc.boolean() }),
  fc.record({ kind: fc.constant('split' as const), index: fc.nat(), at: fc.nat(), towardsValue: fc.boolean() }),
);

/** The context after `change`, or `undefined` when the mutation does not apply to it. */
function mutate(context: Record<string, string>, change: Mutation): Record<string, string> | undefined {
  const entries = Object.entries(context);
  if (change.kind === 'add') return Object.hasOwn(context, change.key) ? undefined : { ...context, [change.key]: change.value };
  if (entries.length === 0) return undefined;
  const [key, value] = entries[change.index % entries.length]!;
  const rest = Object.fromEntries(entries.filter(([k]) => k !== key));
  switch (change.kind) {
    case 'remove':
      return rest;
    case 'change':
      return change.value === value ? undefined : { ...rest, [key]: change.value };
    case 'case': {
      const subject = change.inKey ? key : value;
      const swapped = subject.toUpperCase() !== subject ? subject.toUpperCase() : subject.toLowerCase();
      if (swapped === subject) return undefined;
      return change.inKey ? (Object.hasOwn(rest, swapped) ? undefined : { ...rest, [swapped]: value }) : { ...rest, [key]: swapped };
    }
    case 'split': {
      // {"ab":"c"} → {"a":"bc"} (towards the value) or {"a":"bc"} → {"ab":"c"} (towards the key):
      // the same concatenation key ‖ value, another pair boundary.
      const joined = [...key, ...value];
      const keyLength = [...key].length;
      const valueLength = joined.length - keyLength;
      if ((change.towardsValue ? keyLength : valueLength) === 0) return undefined;
      const boundary = change.towardsValue ? change.at % keyLength : keyLength + 1 + (change.at % valueLength);
      const newKey = joined.slice(0, boundary).join('');
      return Object.hasOwn(rest, newKey) ? undefined : { ...rest, [newKey]: joined.slice(boundary).join('') };
    }
  }
}

describe('any change of the encryption context', () => {
  const kms = new Kms({ quotas: false });
  const key = kms.createKey({});

  it('makes Decrypt fail with InvalidCiphertextException and no message', async () => {
    const { KeyMetadata } = await key;
    await fc.assert(
      fc.asyncProperty(encryptionContext, mutation, async (context, change) => {
        const changed = mutate(context, change);
        fc.pre(changed !== undefined && !contextEquals(changed, context));
        const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1, 2, 3]), EncryptionContext: context });
        const failure = await failureOf(kms.decrypt({ CiphertextBlob, EncryptionContext: changed! }));
        expect({ code: failure.code, message: failure.message }).toEqual({ code: 'InvalidCiphertextException', message: '' });
      }),
      { numRuns: 300 },
    );
  });

  it('includes the naive-concatenation collisions, which are distinct contexts', async () => {
    const { KeyMetadata } = await key;
    for (const [made, tried] of [
      [{ ab: 'c' }, { a: 'bc' }],
      [{ a: 'b', c: 'd' }, { abcd: '' }],
      [{ a: 'b', c: 'd' }, { ab: 'cd' }],
      [{ '': 'ab' }, { a: 'b' }],
    ] as const) {
      const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]), EncryptionContext: made });
      expect((await failureOf(kms.decrypt({ CiphertextBlob, EncryptionContext: tried }))).code).toBe('InvalidCiphertextException');
    }
  });
});

describe('any single bit flip in the blob', () => {
  const kms = new Kms({ quotas: false });
  const key = kms.createKey({});

  it('fails with InvalidCiphertextException, or AccessDeniedException when it changes the key id; never decrypts', async () => {
    const { KeyMetadata } = await key;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 256 }), encryptionContext, fc.nat(), async (bytes, context, position) => {
        const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: bytes, EncryptionContext: context });
        const bit = position % (CiphertextBlob.length * 8);
        const tampered = flipBit(CiphertextBlob, bit);
        const failure = await failureOf(kms.decrypt({ CiphertextBlob: tampered, EncryptionContext: context }));
        const inKeyId = bit >> 3 >= 1 && bit >> 3 <= 16;
        expect(failure.code).toBe(inKeyId ? 'AccessDeniedException' : 'InvalidCiphertextException');
      }),
      { numRuns: 300 },
    );
  });

  it('holds for every bit of one blob', async () => {
    const { KeyMetadata } = await key;
    const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([0xaa]), EncryptionContext: { k: 'v' } });
    for (let bit = 0; bit < CiphertextBlob.length * 8; bit++) {
      const tampered = flipBit(CiphertextBlob, bit);
      const failure = await failureOf(kms.decrypt({ CiphertextBlob: tampered, EncryptionContext: { k: 'v' } }));
      expect(['InvalidCiphertextException', 'AccessDeniedException'], `bit ${bit}`).toContain(failure.code);
    }
  });
});

type Step =
  | { readonly kind: 'encrypt'; readonly context: Record<string, string> }
  | { readonly kind: 'rotate' }
  | { readonly kind: 'advance'; readonly days: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('encrypt' as const), context: encryptionContext }),
  fc.record({ kind: fc.constant('rotate' as const) }),
  fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 0, max: 400 }) }),
);

describe('old ciphertexts after rotations', () => {
  it('all decrypt, with the backing key that made them, after any automatic and on-demand rotations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 90, max: 400 }),
        fc.integer({ min: 0, max: 10 * 60_000 }),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        async (periodInDays, delayMs, steps) => {
          const clock = new ManualClock(Date.UTC(2025, 0, 1));
          const kms = new Kms({ quotas: false, clock, onDemandRotationDelayMs: delayMs });
          const { KeyMetadata } = await kms.createKey({});
          await kms.enableKeyRotation({ KeyId: KeyMetadata.KeyId, RotationPeriodInDays: periodInDays });
          const made: { blob: Uint8Array; plaintext: Uint8Array; context: Record<string, string>; materialId: string }[] = [];
          for (const current of steps) {
            if (current.kind === 'advance') clock.advance(current.days * DAY + 1);
            if (current.kind === 'encrypt') {
              const generated = await kms.generateDataKey({ KeyId: KeyMetadata.KeyId, NumberOfBytes: 16, EncryptionContext: current.context });
              made.push({ blob: generated.CiphertextBlob, plaintext: generated.Plaintext, context: current.context, materialId: generated.KeyMaterialId });
            }
            if (current.kind === 'rotate') {
              // Refusals are part of the model (limit, rotation in progress or imminent); they change nothing.
              await kms.rotateKeyOnDemand({ KeyId: KeyMetadata.KeyId }).catch((error: unknown) => {
                if (!(error instanceof KmsError) || !['LimitExceededException', 'ConflictException'].includes(error.code)) throw error;
              });
            }
          }
          clock.advance(delayMs + 1);
          for (const ciphertext of made) {
            const decrypted = await kms.decrypt({ CiphertextBlob: ciphertext.blob, EncryptionContext: ciphertext.context });
            expect(decrypted.Plaintext).toEqual(ciphertext.plaintext);
            expect(decrypted.KeyMaterialId).toBe(ciphertext.materialId);
          }
          const listed: ListKeyRotationsResponse = await kms.listKeyRotations({
            KeyId: KeyMetadata.KeyId,
            Limit: 1000,
            IncludeKeyMaterial: 'ALL_KEY_MATERIAL',
          });
          const onDemand = listed.Rotations.filter((entry: RotationsListEntry) => entry.RotationType === 'ON_DEMAND').length;
          expect(onDemand).toBeLessThanOrEqual(ON_DEMAND_ROTATION_LIMIT);
          expect(
            listed.Rotations.filter((entry: RotationsListEntry) => entry.KeyMaterialState === 'CURRENT').map(
              (entry: RotationsListEntry) => entry.KeyMaterialId,
            ),
          ).toEqual([(await kms.describeKey({ KeyId: KeyMetadata.KeyId })).KeyMetadata.CurrentKeyMaterialId]);
          const dates = listed.Rotations.slice(1).map((entry: RotationsListEntry) => entry.RotationDate!.getTime());
          expect(dates).toEqual([...dates].sort((a, b) => a - b));
        },
      ),
      { numRuns: 60 },
    );
  });
});
