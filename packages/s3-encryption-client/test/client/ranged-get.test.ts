/**
 * Ranged GETs (unauthenticated AES-CTR from the right counter, behind the legacy option) and the
 * authentication buffer (full GETs verified before release; larger objects only with delayed
 * authentication).
 */

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AesKeyring, type CommitmentPolicy, S3EncryptionClient } from '../../src/index.ts';
import { memoryS3 } from '../helpers/memory-s3.ts';

const keyring = new AesKeyring({ wrappingKey: new Uint8Array(32).fill(11) });
const BODY = randomBytes(1000);

async function setup(policy: CommitmentPolicy, options: { legacy?: boolean; bufferSize?: number; delayed?: boolean; omitContentLength?: boolean } = {}) {
  const s3 = memoryS3({ omitContentLength: options.omitContentLength === true });
  await new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: policy }).putObject({ Bucket: 'b', Key: 'k', Body: BODY });
  const client = new S3EncryptionClient({
    s3: s3.client,
    keyring,
    commitmentPolicy: policy === 'FORBID_ENCRYPT_ALLOW_DECRYPT' ? policy : 'REQUIRE_ENCRYPT_ALLOW_DECRYPT',
    enableLegacyUnauthenticatedModes: options.legacy === true,
    enableDelayedAuthenticationMode: options.delayed === true,
    ...(options.bufferSize === undefined ? {} : { bufferSize: options.bufferSize }),
  });
  return { s3, client };
}

describe('ranged GET', () => {
  it('needs enableLegacyUnauthenticatedModes (Java: "Enable legacy unauthenticated modes to use Ranged Get.")', async () => {
    const { s3, client } = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT');
    const before = s3.requests.length;
    await expect(client.getObject({ Bucket: 'b', Key: 'k', Range: 'bytes=0-9' })).rejects.toMatchObject({ code: 'LegacyModeDisabled' });
    expect(s3.requests.length).toBe(before);
  });

  for (const [format, policy] of [
    ['V2', 'FORBID_ENCRYPT_ALLOW_DECRYPT'],
    ['V3', 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'],
  ] as const) {
    it(`${format}: any range decrypts to the same bytes as the plaintext slice (property)`, async () => {
      const { client } = await setup(policy, { legacy: true });
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 1015 }), fc.option(fc.integer({ min: 0, max: 1100 }), { nil: undefined }), async (start, length) => {
          const end = length === undefined ? undefined : start + length;
          const output = await client.getObject({ Bucket: 'b', Key: 'k', Range: `bytes=${start}-${end ?? ''}` });
          const expected = BODY.subarray(start, end === undefined ? undefined : end + 1);
          expect(Buffer.from((await output.Body?.transformToByteArray()) ?? [])).toEqual(expected);
          expect(output.ContentLength).toBe(expected.length);
        }),
        { numRuns: 40 },
      );
    });
  }

  it('asks S3 for the range aligned down to a block boundary, and reports the plaintext range', async () => {
    const { s3, client } = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT', { legacy: true });
    const output = await client.getObject({ Bucket: 'b', Key: 'k', Range: 'bytes=21-40' });
    expect(s3.requests.at(-1)?.headers['range']).toBe('bytes=16-40');
    expect(output.ContentRange).toBe('bytes 21-40/1000');
  });

  it('never returns tag bytes: a range inside the tag is empty (Java caps the end at length - 17)', async () => {
    const { client } = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT', { legacy: true });
    const output = await client.getObject({ Bucket: 'b', Key: 'k', Range: 'bytes=1005-1010' });
    expect(output.ContentLength).toBe(0);
    const tail = await client.getObject({ Bucket: 'b', Key: 'k', Range: 'bytes=990-' });
    expect(Buffer.from((await tail.Body?.transformToByteArray()) ?? [])).toEqual(BODY.subarray(990));
  });

  it('a ranged read still checks the V3 commitment', async () => {
    const { s3, client } = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT', { legacy: true });
    const metadata = s3.get('b', 'k')?.metadata ?? {};
    metadata['x-amz-d'] = Buffer.alloc(28, 9).toString('base64');
    await expect(client.getObject({ Bucket: 'b', Key: 'k', Range: 'bytes=0-9' })).rejects.toMatchObject({ code: 'KeyCommitmentMismatch' });
  });

  it('refuses suffix and multiple ranges (java#182)', async () => {
    const { client } = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT', { legacy: true });
    for (const range of ['bytes=-16', 'bytes=0-1,5-6', 'bytes=9-3', 'items=0-1']) {
      await expect(client.getObject({ Bucket: 'b', Key: 'k', Range: range })).rejects.toMatchObject({ code: 'InvalidRange' });
    }
  });
});

describe('authentication buffer', () => {
  it('refuses a full GET larger than the buffer unless delayed authentication is on', async () => {
    const { client } = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT', { bufferSize: 512 });
    await expect(client.getObject({ Bucket: 'b', Key: 'k' })).rejects.toMatchObject({ code: 'BufferLimitExceeded' });
  });

  it('with delayed authentication, streams a larger object and still fails at the end when tampered', async () => {
    const { s3, client } = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT', { bufferSize: 512, delayed: true });
    const output = await client.getObject({ Bucket: 'b', Key: 'k' });
    expect(output.ContentLength).toBe(1000);
    expect(Buffer.from((await output.Body?.transformToByteArray()) ?? [])).toEqual(BODY);
    const object = s3.get('b', 'k');
    if (object === undefined) throw new Error('not stored');
    object.body[object.body.length - 1] = (object.body[object.body.length - 1] ?? 0) ^ 1;
    const tampered = await client.getObject({ Bucket: 'b', Key: 'k' });
    await expect(tampered.Body?.transformToByteArray()).rejects.toMatchObject({ code: 'DecryptionFailed' });
  });

  it('within the buffer, a tampered object fails in getObject itself, before any plaintext is handed out', async () => {
    const { s3, client } = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT', { delayed: true });
    const object = s3.get('b', 'k');
    if (object === undefined) throw new Error('not stored');
    object.body[3] = (object.body[3] ?? 0) ^ 1;
    await expect(client.getObject({ Bucket: 'b', Key: 'k' })).rejects.toMatchObject({ code: 'DecryptionFailed' });
  });

  it('without a Content-Length, reads up to the buffer and fails past it, unless delayed authentication streams it', async () => {
    const small = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT', { omitContentLength: true });
    const output = await small.client.getObject({ Bucket: 'b', Key: 'k' });
    expect(output.ContentLength).toBe(1000);
    expect(Buffer.from((await output.Body?.transformToByteArray()) ?? [])).toEqual(BODY);
    const limited = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT', { omitContentLength: true, bufferSize: 512 });
    await expect(limited.client.getObject({ Bucket: 'b', Key: 'k' })).rejects.toMatchObject({ code: 'BufferLimitExceeded' });
    const delayed = await setup('REQUIRE_ENCRYPT_REQUIRE_DECRYPT', { omitContentLength: true, bufferSize: 512, delayed: true });
    const streamed = await delayed.client.getObject({ Bucket: 'b', Key: 'k' });
    expect(streamed.ContentLength).toBeUndefined();
    expect(Buffer.from((await streamed.Body?.transformToByteArray()) ?? [])).toEqual(BODY);
  });
});
