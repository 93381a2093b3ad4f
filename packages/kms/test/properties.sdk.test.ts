/**
 * The round-trip and tamper properties again, through the AWS SDK over HTTP: what the wire does to
 * Unicode and empty-string context keys and values, and to blobs, must not change the answers.
 */

import { CreateKeyCommand, DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flipBit } from './helpers/bytes.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const text = fc.string({ unit: 'grapheme', maxLength: 10 });
const encryptionContext = fc.dictionary(text, text, { maxKeys: 5 }).map((context) => ({ ...context }));

let kms: SdkFixture;
let keyId: string;
let keyArn: string;

beforeAll(async () => {
  kms = await startKms();
  const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({}));
  keyId = KeyMetadata!.KeyId!;
  keyArn = KeyMetadata!.Arn!;
});
afterAll(() => kms.close());

describe('through the SDK', () => {
  it('Decrypt(Encrypt(x)) = x for any plaintext and context, with the key ARN', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4096 }), encryptionContext, async (plaintext, context) => {
        const { CiphertextBlob } = await kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: context }));
        const decrypted = await kms.client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
        expect(decrypted.Plaintext).toEqual(plaintext);
        expect(decrypted.KeyId).toBe(keyArn);
      }),
      { numRuns: 40 },
    );
  });

  it('a bit flip anywhere gives InvalidCiphertextException (or AccessDeniedException in the key id), never a plaintext', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), encryptionContext, fc.nat(), async (plaintext, context, position) => {
        const { CiphertextBlob } = await kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: context }));
        const bit = position % (CiphertextBlob!.length * 8);
        const tampered = flipBit(CiphertextBlob!, bit);
        const failure = await failureOf(kms.client.send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext: context })));
        expect(failure.status).toBe(400);
        expect(failure.name).toBe(bit >> 3 >= 1 && bit >> 3 <= 16 ? 'AccessDeniedException' : 'InvalidCiphertextException');
      }),
      { numRuns: 40 },
    );
  });
});
