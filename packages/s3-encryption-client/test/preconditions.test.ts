/**
 * Each `// Precondition:` comment in src/ has a test of the same name here (the AWS Encryption SDK
 * convention), and the first test checks that none is missing.
 */

import { constants, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kms } from '@strongbox/kms';
import { describe, expect, it } from 'vitest';
import { AesKeyring, type KmsClientLike, KmsKeyring, RsaKeyring, S3EncryptionClient } from '../src/index.ts';
import { kmsReturning } from './helpers/kms-double.ts';
import { memoryS3 } from './helpers/memory-s3.ts';

const SRC = join(import.meta.dirname, '..', 'src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
const NO_CONTEXT = new Map<string, string>();
const aes = new AesKeyring({ wrappingKey: new Uint8Array(32).fill(4) });

describe('preconditions', () => {
  it('every precondition in src/ has a test of the same name in this file', () => {
    const self = readFileSync(import.meta.filename, 'utf8');
    const preconditions = files(SRC).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\/\/ Precondition: (.+)$/gm)].map((match) => match[1] ?? ''));
    expect(preconditions.length).toBeGreaterThanOrEqual(8);
    // The title in either quote style (the formatter picks single quotes unless the text has one).
    const titled = (text: string): boolean => self.includes(`it(${JSON.stringify(text)}`) || self.includes(`it('${text}'`);
    for (const text of preconditions) expect(titled(text), text).toBe(true);
  });

  it('the content cipher, commitment and message ID never come from an instruction file.', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: aes, writeInstructionFile: true });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'x' });
    const file = s3.get('b', 'k.instruction');
    if (file === undefined) throw new Error('no instruction file');
    file.body = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(file.body).toString()), 'x-amz-i': s3.get('b', 'k')?.metadata['x-amz-i'] }));
    await expect(client.getObject({ Bucket: 'b', Key: 'k' })).rejects.toMatchObject({ code: 'MalformedMetadata' });
  });

  it('a V3 envelope cannot live wholly in an instruction file (x-amz-c/d/i are metadata-only).', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: aes });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'x' });
    const object = s3.get('b', 'k');
    if (object === undefined) throw new Error('not stored');
    s3.put('b', 'k.instruction', Buffer.from(JSON.stringify(object.metadata)));
    object.metadata = {};
    await expect(client.getObject({ Bucket: 'b', Key: 'k' })).rejects.toMatchObject({ code: 'MalformedMetadata' });
  });

  it('the caller cannot set the reserved key; the keyring sets it to the content algorithm.', async () => {
    const kms = new Kms({ quotas: false });
    const keyId = (await kms.createKey({})).KeyMetadata.KeyId;
    const keyring = new KmsKeyring({ kms, kmsKeyId: keyId });
    await expect(
      keyring.onEncrypt({ contentAlgorithm: '115', encryptionContext: new Map([['aws:x-amz-cek-alg', 'AES/GCM/NoPadding']]) }),
    ).rejects.toMatchObject({ code: 'ReservedKey' });
    const result = await keyring.onEncrypt({ contentAlgorithm: 'AES/GCM/NoPadding', encryptionContext: NO_CONTEXT });
    expect(result.description.get('aws:x-amz-cek-alg')).toBe('AES/GCM/NoPadding');
    await kms.close();
  });

  it("the stored reserved key names this object's content algorithm (spec PR #325; Go, Ruby).", async () => {
    const kms = kmsReturning(new Uint8Array(32));
    const request = {
      contentAlgorithm: '115' as const,
      wrapAlgorithm: 'kms+context' as const,
      encryptedDataKey: new Uint8Array(3),
      encryptionContext: NO_CONTEXT,
    };
    await expect(new KmsKeyring({ kms }).onDecrypt({ ...request, description: new Map([['aws:x-amz-cek-alg', 'AES/GCM/NoPadding']]) })).rejects.toMatchObject({
      code: 'ContentAlgorithmMismatch',
    });
    await expect(new KmsKeyring({ kms }).onDecrypt({ ...request, description: NO_CONTEXT })).rejects.toMatchObject({ code: 'ContentAlgorithmMismatch' });
    expect(kms.decryptRequests).toHaveLength(0);
  });

  it("the stored context minus the reserved keys equals the caller's (Java, Go, Ruby).", async () => {
    const kms = kmsReturning(new Uint8Array(32));
    const request = {
      contentAlgorithm: '115' as const,
      wrapAlgorithm: 'kms+context' as const,
      encryptedDataKey: new Uint8Array(3),
      description: new Map([
        ['aws:x-amz-cek-alg', '115'],
        ['kms_cmk_id', 'k'],
        ['tenant', 'acme'],
      ]),
    };
    await expect(new KmsKeyring({ kms }).onDecrypt({ ...request, encryptionContext: new Map([['tenant', 'other']]) })).rejects.toMatchObject({
      code: 'EncryptionContextMismatch',
    });
    expect(kms.decryptRequests).toHaveLength(0);
    expect(await new KmsKeyring({ kms }).onDecrypt({ ...request, encryptionContext: new Map([['tenant', 'acme']]) })).toHaveLength(32);
  });

  it("the pseudo key names this object's content algorithm (compared in constant time).", async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forge = (pseudo: Buffer): Uint8Array =>
      new Uint8Array(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, pseudo));
    const keyring = new RsaKeyring({ privateKey });
    const request = { contentAlgorithm: '115' as const, wrapAlgorithm: 'RSA-OAEP-SHA1' as const, description: NO_CONTEXT, encryptionContext: NO_CONTEXT };
    const dataKey = Buffer.alloc(32, 8);
    expect(await keyring.onDecrypt({ ...request, encryptedDataKey: forge(Buffer.concat([Buffer.from([32]), dataKey, Buffer.from('115')])) })).toEqual(
      new Uint8Array(dataKey),
    );
    for (const bad of [
      Buffer.concat([Buffer.from([32]), dataKey, Buffer.from('116')]),
      Buffer.concat([Buffer.from([31]), dataKey, Buffer.from('115')]),
      Buffer.concat([Buffer.from([32]), dataKey]),
    ]) {
      await expect(keyring.onDecrypt({ ...request, encryptedDataKey: forge(bad) })).rejects.toMatchObject({ code: 'DecryptionFailed' });
    }
  });

  it('the stored commitment matches the data key before any content is decrypted.', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: aes });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'x' });
    const object = s3.get('b', 'k');
    if (object === undefined) throw new Error('not stored');
    object.metadata['x-amz-d'] = Buffer.alloc(28, 2).toString('base64');
    // The body is garbage too: the commitment error, not an authentication error, proves the order.
    object.body = new Uint8Array(17);
    await expect(client.getObject({ Bucket: 'b', Key: 'k' })).rejects.toMatchObject({ code: 'KeyCommitmentMismatch' });
  });

  it('the policy is applied before KMS or any key is touched.', async () => {
    const s3 = memoryS3();
    await new S3EncryptionClient({ s3: s3.client, keyring: aes, commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT' }).putObject({
      Bucket: 'b',
      Key: 'k',
      Body: 'x',
    });
    let touched = 0;
    const kms: KmsClientLike = {
      generateDataKey: async () => {
        touched++;
        return {};
      },
      decrypt: async () => {
        touched++;
        return {};
      },
    };
    const stored = s3.get('b', 'k');
    if (stored === undefined) throw new Error('not stored');
    stored.metadata['x-amz-wrap-alg'] = 'kms+context';
    await expect(new S3EncryptionClient({ s3: s3.client, keyring: new KmsKeyring({ kms }) }).getObject({ Bucket: 'b', Key: 'k' })).rejects.toMatchObject({
      code: 'CommitmentPolicyViolation',
    });
    expect(touched).toBe(0);
  });

  it('S3 keeps the source metadata (the envelope) unless the directive is REPLACE.', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: aes });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'x' });
    await expect(client.copyObject({ Bucket: 'b', Key: 'k2', CopySource: 'b/k', MetadataDirective: 'REPLACE' })).rejects.toMatchObject({
      code: 'InvalidConfiguration',
    });
    expect(s3.get('b', 'k2')).toBeUndefined();
    await client.copyObject({ Bucket: 'b', Key: 'k2', CopySource: 'b/k', MetadataDirective: 'COPY' });
    expect(await (await client.getObject({ Bucket: 'b', Key: 'k2' })).Body?.transformToString()).toBe('x');
  });
});
