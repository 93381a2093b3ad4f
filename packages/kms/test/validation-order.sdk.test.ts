/**
 * Validation comes first: a request Strongbox refuses with ValidationException (here an encryption
 * context it cannot encode: a lone UTF-16 surrogate) is refused so even with DryRun, which must
 * not claim that the request would have succeeded, and changes nothing, so an `alias/aws/*` alias
 * used for the first time does not get its AWS managed key. GenerateDataKey draws its data key
 * only after every check. Through the official AWS SDK client, and the in-process API where the
 * test needs the emulator's randomness.
 */

import {
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kms } from '../src/index.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const BAD_CONTEXT = { purpose: '\ud800' };
const INVALID_CONTEXT = { name: 'ValidationException', message: 'The encryption context contains a string that is not well-formed Unicode.', status: 400 };

let kms: SdkFixture;
let keyId: string;
let blob: Uint8Array;

beforeAll(async () => {
  kms = await startKms();
  keyId = (await kms.kms.createKey({})).KeyMetadata.KeyId;
  blob = (await kms.kms.encrypt({ KeyId: keyId, Plaintext: new Uint8Array([1]) })).CiphertextBlob;
});
afterAll(() => kms.close());

describe('DryRun of a request with an encryption context Strongbox cannot encode', () => {
  it('answers Encrypt with ValidationException', async () => {
    expect(
      await failureOf(kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]), EncryptionContext: BAD_CONTEXT, DryRun: true }))),
    ).toEqual(INVALID_CONTEXT);
  });

  it('answers GenerateDataKey and GenerateDataKeyWithoutPlaintext with ValidationException', async () => {
    const request = { KeyId: keyId, KeySpec: 'AES_256' as const, EncryptionContext: BAD_CONTEXT, DryRun: true };
    expect(await failureOf(kms.client.send(new GenerateDataKeyCommand(request)))).toEqual(INVALID_CONTEXT);
    expect(await failureOf(kms.client.send(new GenerateDataKeyWithoutPlaintextCommand(request)))).toEqual(INVALID_CONTEXT);
  });

  it('answers ReEncrypt with ValidationException for the destination context', async () => {
    const failure = await failureOf(
      kms.client.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: keyId, DestinationEncryptionContext: BAD_CONTEXT, DryRun: true })),
    );
    expect(failure).toEqual(INVALID_CONTEXT);
  });

  it('answers Decrypt and ReEncrypt with ValidationException even when ignoring the ciphertext', async () => {
    const decrypt = await failureOf(
      kms.client.send(new DecryptCommand({ KeyId: keyId, EncryptionContext: BAD_CONTEXT, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })),
    );
    expect(decrypt).toEqual(INVALID_CONTEXT);
    const reEncrypt = await failureOf(
      kms.client.send(
        new ReEncryptCommand({
          SourceKeyId: keyId,
          SourceEncryptionContext: BAD_CONTEXT,
          DestinationKeyId: keyId,
          DryRun: true,
          DryRunModifiers: ['IGNORE_CIPHERTEXT'],
        }),
      ),
    );
    expect(reEncrypt).toEqual(INVALID_CONTEXT);
  });
});

describe('a first use of an alias/aws/* alias that fails validation', () => {
  it('creates no AWS managed key', async () => {
    const fresh = await startKms();
    try {
      const own = (await fresh.kms.createKey({})).KeyMetadata.Arn;
      const ciphertext = (await fresh.kms.encrypt({ KeyId: own, Plaintext: new Uint8Array([1]) })).CiphertextBlob;
      const attempts: (() => Promise<unknown>)[] = [
        () => fresh.client.send(new EncryptCommand({ KeyId: 'alias/aws/s3', Plaintext: new Uint8Array([1]), EncryptionContext: BAD_CONTEXT })),
        () => fresh.client.send(new GenerateDataKeyCommand({ KeyId: 'alias/aws/s3', KeySpec: 'AES_256', EncryptionContext: BAD_CONTEXT })),
        () => fresh.client.send(new DecryptCommand({ CiphertextBlob: ciphertext, KeyId: 'alias/aws/s3', EncryptionContext: BAD_CONTEXT })),
        () =>
          fresh.client.send(new ReEncryptCommand({ CiphertextBlob: ciphertext, DestinationKeyId: 'alias/aws/s3', DestinationEncryptionContext: BAD_CONTEXT })),
      ];
      for (const attempt of attempts) expect(await failureOf(attempt())).toEqual(INVALID_CONTEXT);
      expect((await fresh.client.send(new ListKeysCommand({}))).Keys?.map((key) => key.KeyArn)).toEqual([own]);
      const s3 = (await fresh.client.send(new ListAliasesCommand({}))).Aliases?.find((alias) => alias.AliasName === 'alias/aws/s3');
      expect(s3).toBeDefined();
      expect(s3?.TargetKeyId).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });
});

describe('GenerateDataKey', () => {
  it('leaves no data key in memory when the request fails after the checks it draws the key after', async () => {
    // GenerateDataKey draws the data key and the blob's 12-byte nonce in one call: the only draws
    // of 77 + 12 bytes are those. Record them to see what is left in them.
    const drawn: Uint8Array[] = [];
    const emulator = new Kms({
      quotas: false,
      random: {
        bytes: (length) => {
          const bytes = crypto.getRandomValues(new Uint8Array(length));
          if (length === 77 + 12) drawn.push(bytes);
          return bytes;
        },
      },
    });
    const key = (await emulator.createKey({})).KeyMetadata.KeyId;
    await expect(emulator.generateDataKey({ KeyId: key, NumberOfBytes: 77, EncryptionContext: BAD_CONTEXT })).rejects.toMatchObject({
      code: 'ValidationException',
    });
    for (const bytes of drawn) expect(bytes.subarray(0, 77).every((byte) => byte === 0)).toBe(true);
    // The same request with a good context does draw one, and hands the key over intact (a copy:
    // the key part of the draw is wiped once the blob is sealed; the rest is the blob's nonce).
    const generated = await emulator.generateDataKey({ KeyId: key, NumberOfBytes: 77 });
    const last = drawn.at(-1);
    expect(last?.subarray(0, 77).every((byte) => byte === 0)).toBe(true);
    expect(last?.subarray(77)).toEqual(generated.CiphertextBlob.subarray(21, 33));
    expect(generated.Plaintext).toHaveLength(77);
    expect(generated.Plaintext.some((byte) => byte !== 0)).toBe(true);
    expect((await emulator.decrypt({ CiphertextBlob: generated.CiphertextBlob })).Plaintext).toEqual(generated.Plaintext);
    await emulator.close();
  });
});
