/**
 * Encrypt, Decrypt and GenerateDataKey through the official AWS SDK client.
 */

import { CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

let kms: SdkFixture;
let keyId: string;
let keyArn: string;

beforeAll(async () => {
  kms = await startKms({}, {}, undefined, 'socket');
  const created = await kms.client.send(new CreateKeyCommand({ Description: 'sdk test key' }));
  keyId = created.KeyMetadata!.KeyId!;
  keyArn = created.KeyMetadata!.Arn!;
});
afterAll(() => kms.close());

describe('Encrypt and Decrypt', () => {
  it('round-trips plaintext under an encryption context, answering with the key ARN', async () => {
    const plaintext = new TextEncoder().encode('attack at dawn');
    const encrypted = await kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: { purpose: 'test' } }));
    expect(encrypted.KeyId).toBe(keyArn);
    expect(encrypted.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    const decrypted = await kms.client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { purpose: 'test' } }));
    expect(new TextDecoder().decode(decrypted.Plaintext)).toBe('attack at dawn');
    expect(decrypted.KeyId).toBe(keyArn);
  });

  it('refuses a different encryption context with InvalidCiphertextException and an empty message', async () => {
    const encrypted = await kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]), EncryptionContext: { ab: 'c' } }));
    const failure = await failureOf(kms.client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { a: 'bc' } })));
    expect(failure).toMatchObject({ name: 'InvalidCiphertextException', status: 400 });
  });

  it('answers plaintext over 4096 bytes with the Coral validation text', async () => {
    const failure = await failureOf(kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array(4097) })));
    expect(failure).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
      status: 400,
    });
  });

  it('answers a missing key with the ARN-form NotFoundException text', async () => {
    const missing = '11111111-2222-3333-4444-555555555555';
    const failure = await failureOf(kms.client.send(new DescribeKeyCommand({ KeyId: missing })));
    expect(failure).toMatchObject({ name: 'NotFoundException', message: `Key 'arn:aws:kms:us-east-1:000000000000:key/${missing}' does not exist` });
  });
});

describe('GenerateDataKey', () => {
  it('returns a data key of the requested size whose blob decrypts to the same bytes', async () => {
    for (const [spec, length] of [
      ['AES_256', 32],
      ['AES_128', 16],
    ] as const) {
      const generated = await kms.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: spec }));
      expect(generated.Plaintext).toHaveLength(length);
      const decrypted = await kms.client.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob }));
      expect(decrypted.Plaintext).toEqual(generated.Plaintext);
    }
  });

  it('requires exactly one of NumberOfBytes and KeySpec', async () => {
    const both = await failureOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', NumberOfBytes: 32 })));
    const neither = await failureOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: keyId })));
    expect(both).toMatchObject({ name: 'ValidationException', message: 'Please specify either number of bytes or key spec.' });
    expect(neither).toMatchObject({ name: 'ValidationException', message: 'Please specify either number of bytes or key spec.' });
  });
});
