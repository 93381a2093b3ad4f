/**
 * SSE-KMS, S3 Bucket Keys and DSSE-KMS through the engine, on a real in-process Kms: what each
 * operation echoes, round trips of any body and range, KMS called on the caller's behalf (key
 * policies, IAM, grants and quotas see the caller; the trail says S3 invoked it), KMS's refusals
 * as S3 reports them, and the drop in KMS calls a bucket key brings.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryObjectStore, DEFAULT_BUCKET_KEY_PERIOD_MS } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { ACCOUNT, type KmsEngine, kmsEngine, kmsEvents, newKey, OTHER_ACCOUNT, REGION, root, rootStatement, useKmsEngine, user } from '../helpers/kms.ts';
import { pickRange, RANGE_FORMS } from '../helpers/ranges.ts';

let engine: KmsEngine;
useKmsEngine(['data'], (created) => (engine = created));

const context = (pairs: Record<string, string>): string => Buffer.from(JSON.stringify(pairs)).toString('base64');

describe('what each operation echoes', () => {
  it('PutObject: aws:kms, the full key ARN whatever form named it, and the context sent; GetObject and HeadObject: no context', async () => {
    const { s3, kms } = engine;
    const { arn, id } = await newKey(kms, { alias: 'alias/app' });
    for (const keyId of [id, arn, 'alias/app', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/app`]) {
      const put = await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId });
      expect(put).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
      expect(put.BucketKeyEnabled).toBeUndefined();
      expect(put.SSEKMSEncryptionContext).toBeUndefined();
      expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    }
    const sent = context({ team: 'payments' });
    const put = await s3.putObject({ Bucket: 'data', Key: 'c', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, SSEKMSEncryptionContext: sent });
    expect(put.SSEKMSEncryptionContext).toBe(sent);
    const get = await s3.getObject({ Bucket: 'data', Key: 'c' });
    await get.Body.transformToString();
    const head = await s3.headObject({ Bucket: 'data', Key: 'c' });
    for (const read of [get, head]) {
      expect(read).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
      expect(read.SSEKMSEncryptionContext).toBeUndefined();
      expect(read.BucketKeyEnabled).toBeUndefined();
    }
  });

  it('a bucket key is echoed as BucketKeyEnabled: true by PutObject, GetObject and HeadObject, from the request or the bucket default', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    const put = await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true });
    expect(put).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true });
    expect((await s3.headObject({ Bucket: 'data', Key: 'k' })).BucketKeyEnabled).toBe(true);
    const get = await s3.getObject({ Bucket: 'data', Key: 'k' });
    expect(await get.Body.transformToString()).toBe('x');
    expect(get.BucketKeyEnabled).toBe(true);
    await s3.putBucketEncryption({
      Bucket: 'data',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arn }, BucketKeyEnabled: true }],
      },
    });
    expect(await s3.putObject({ Bucket: 'data', Key: 'd', Body: 'x' })).toMatchObject({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: arn,
      BucketKeyEnabled: true,
    });
    // The request's header overrides the bucket's setting for this object.
    expect(
      (await s3.putObject({ Bucket: 'data', Key: 'e', Body: 'x', ServerSideEncryption: 'aws:kms', BucketKeyEnabled: false })).BucketKeyEnabled,
    ).toBeUndefined();
  });

  it('DSSE-KMS: aws:kms:dsse and the key ARN, never BucketKeyEnabled (a requested bucket key is ignored), two KMS data keys per object', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    const put = await s3.putObject({
      Bucket: 'data',
      Key: 'k',
      Body: 'secret',
      ServerSideEncryption: 'aws:kms:dsse',
      SSEKMSKeyId: arn,
      BucketKeyEnabled: true,
    });
    expect(put).toMatchObject({ ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: arn });
    expect(put.BucketKeyEnabled).toBeUndefined();
    expect(kmsEvents(kms, 'GenerateDataKey')).toBe(2);
    const get = await s3.getObject({ Bucket: 'data', Key: 'k' });
    expect(await get.Body.transformToString()).toBe('secret');
    expect(get).toMatchObject({ ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: arn });
    expect(kmsEvents(kms, 'Decrypt')).toBe(2);
  });
});

describe('round trips', () => {
  const modes = [
    { ServerSideEncryption: 'aws:kms' },
    { ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true },
    { ServerSideEncryption: 'aws:kms:dsse' },
  ] as const;

  it('any body, mode and range comes back exactly (whole, bounded, open-ended and suffix ranges across frames)', async () => {
    const { s3 } = engine;
    let serial = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 200_000 }),
        fc.constantFrom(...modes),
        fc.tuple(fc.nat(), fc.nat()),
        fc.constantFrom(...RANGE_FORMS),
        async (body, mode, [a, b], form) => {
          const key = `k${serial++}`;
          await s3.putObject({ Bucket: 'data', Key: key, Body: body, ...mode });
          expect(await (await s3.getObject({ Bucket: 'data', Key: key })).Body.transformToByteArray()).toEqual(body);
          const { header, first, last } = pickRange(body.length, a, b, form);
          const ranged = await s3.getObject({ Bucket: 'data', Key: key, Range: header });
          expect(await ranged.Body.transformToByteArray()).toEqual(body.slice(first, last + 1));
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('KMS is called on the caller’s behalf', () => {
  it('as the caller, invoked by s3.amazonaws.com, with aws:s3:arn (the object ARN) plus the caller’s pairs; GetObject calls Decrypt the same way', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    const alice = user('alice', ['kms:GenerateDataKey', 'kms:Decrypt']);
    await s3.putObject(
      { Bucket: 'data', Key: 'reports/q1.csv', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, SSEKMSEncryptionContext: context({ team: 'a' }) },
      { caller: alice },
    );
    await (await s3.getObject({ Bucket: 'data', Key: 'reports/q1.csv' }, { caller: alice })).Body.transformToString();
    const records = kms.auditTrail.records().filter((record) => record.eventName === 'GenerateDataKey' || record.eventName === 'Decrypt');
    expect(records.map((record) => record.eventName)).toEqual(['GenerateDataKey', 'Decrypt']);
    // As AWS services ask: a key spec, not a byte count.
    expect(records[0]?.requestParameters).toMatchObject({ keySpec: 'AES_256', keyId: arn });
    expect(records[0]?.requestParameters).not.toHaveProperty('numberOfBytes');
    for (const record of records) {
      expect(record).toMatchObject({
        userIdentity: { type: 'IAMUser', arn: alice.arn, accountId: ACCOUNT, invokedBy: 's3.amazonaws.com' },
        sourceIPAddress: 's3.amazonaws.com',
        userAgent: 's3.amazonaws.com',
        requestParameters: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::data/reports/q1.csv', team: 'a' } },
      });
      expect(record.errorCode).toBeUndefined();
    }
  });

  it('the AWS managed key aws/s3 (used when no key is named) works only through S3: its policy requires kms:ViaService', async () => {
    const { s3, kms } = engine;
    const put = await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms' });
    const { KeyMetadata } = await kms.describeKey({ KeyId: 'alias/aws/s3' });
    expect(put.SSEKMSKeyId).toBe(KeyMetadata?.Arn);
    expect(KeyMetadata?.KeyManager).toBe('AWS');
    await expect(kms.generateDataKey({ KeyId: 'alias/aws/s3', NumberOfBytes: 32 })).rejects.toMatchObject({ code: 'AccessDeniedException' });
  });

  it('a key policy Deny on kms:ViaService s3.<region>.amazonaws.com refuses S3 (403 AccessDenied) but not direct use', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms, {
      policy: {
        Version: '2012-10-17',
        Statement: [
          rootStatement(),
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'kms:GenerateDataKey',
            Resource: '*',
            Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } },
          },
        ],
      },
    });
    const error = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn }));
    expect([error.code, error.status, error.message]).toEqual(['AccessDenied', 403, 'Access Denied']);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'k' }))).code).toBe('NoSuchKey');
    expect((await kms.generateDataKey({ KeyId: arn, NumberOfBytes: 32 })).KeyId).toBe(arn);
  });

  it('a Deny on kms:EncryptionContext:aws:s3:arn sees the object ARN, and stops matching under a bucket key (whose context is the bucket ARN)', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms, {
      policy: {
        Version: '2012-10-17',
        Statement: [
          rootStatement(),
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'kms:GenerateDataKey',
            Resource: '*',
            Condition: { StringLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::data/secret/*' } },
          },
        ],
      },
    });
    const sse = { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn } as const;
    expect((await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'secret/a', Body: 'x', ...sse }))).code).toBe('AccessDenied');
    await s3.putObject({ Bucket: 'data', Key: 'public/a', Body: 'x', ...sse });
    // UG bucket-key: "IAM or key policies that match on the object ARN stop working".
    await s3.putObject({ Bucket: 'data', Key: 'secret/b', Body: 'x', ...sse, BucketKeyEnabled: true });
    const bucketKeyCall = kms.auditTrail
      .records()
      .filter((record) => record.eventName === 'GenerateDataKey' && record.errorCode === undefined)
      .at(-1);
    expect(bucketKeyCall?.requestParameters).toMatchObject({ encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::data' } });
  });

  it('a caller without kms:Decrypt stores (GenerateDataKey) but cannot read: GetObject 403 AccessDenied; HeadObject answers from the record', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    const writer = user('writer', ['kms:GenerateDataKey']);
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn }, { caller: writer });
    const error = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'k' }, { caller: writer }));
    expect([error.code, error.status, error.message]).toEqual(['AccessDenied', 403, 'Access Denied']);
    expect((await s3.headObject({ Bucket: 'data', Key: 'k' }, { caller: writer })).SSEKMSKeyId).toBe(arn);
    const refused = kms.auditTrail.records().find((record) => record.eventName === 'Decrypt');
    expect(refused).toMatchObject({ errorCode: 'AccessDenied', userIdentity: { arn: writer.arn, invokedBy: 's3.amazonaws.com' } });
    // A grant is honoured too.
    await kms.createGrant({ KeyId: arn, GranteePrincipal: writer.arn, Operations: ['Decrypt'] });
    expect(await (await s3.getObject({ Bucket: 'data', Key: 'k' }, { caller: writer })).Body.transformToString()).toBe('x');
  });

  it('counts against the caller’s KMS quota: KMS throttling is 503 SlowDown and stores nothing', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    kms.quotas.configure({ cryptographic: 1 });
    await s3.putObject({ Bucket: 'data', Key: 'a', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
    const error = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'b', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn }));
    expect([error.code, error.status, error.message]).toEqual(['SlowDown', 503, 'Please reduce your request rate for operations involving AWS KMS.']);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'b' }))).code).toBe('NoSuchKey');
    expect(kms.quotas.usage()).toEqual([expect.objectContaining({ account: ACCOUNT, quota: 'cryptographic', admitted: 1, throttled: 1 })]);
  });
});

describe('KMS errors as S3 reports them (400 KMS.*), with nothing stored', () => {
  it('a disabled key, on PUT and on GET', async () => {
    const { s3, kms } = engine;
    const { arn, id } = await newKey(kms);
    await s3.putObject({ Bucket: 'data', Key: 'old', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: id });
    await kms.disableKey({ KeyId: id });
    const put = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'new', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: id }));
    expect([put.code, put.status, put.message]).toEqual(['KMS.DisabledException', 400, `${arn} is disabled.`]);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'new' }))).code).toBe('NoSuchKey');
    const get = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'old' }));
    expect([get.code, get.status, get.message]).toEqual(['KMS.DisabledException', 400, `${arn} is disabled.`]);
  });

  it('a key pending deletion, on GET', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
    await kms.scheduleKeyDeletion({ KeyId: arn, PendingWindowInDays: 7 });
    const get = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'k' }));
    expect([get.code, get.status, get.message]).toEqual(['KMS.KMSInvalidStateException', 400, `${arn} is pending deletion.`]);
  });

  it('a key that does not exist, a malformed key id, an ARN of another Region', async () => {
    const { s3 } = engine;
    const cases: [string, string][] = [
      ['0b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47', `Key 'arn:aws:kms:${REGION}:${ACCOUNT}:key/0b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47' does not exist`],
      ['fake-key-id', "Invalid keyId 'fake-key-id'"],
      [`arn:aws:kms:eu-west-1:${ACCOUNT}:key/0b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47`, 'Invalid arn eu-west-1'],
    ];
    for (const [keyId, message] of cases) {
      const error = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId }));
      expect([error.code, error.status, error.message]).toEqual(['KMS.NotFoundException', 400, message]);
    }
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'k' }))).code).toBe('NoSuchKey');
  });

  it('a signing key: KMS.InvalidKeyUsageException with KMS’s message', async () => {
    const { s3, kms } = engine;
    const { KeyMetadata } = await kms.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    const arn = KeyMetadata?.Arn ?? '';
    const error = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn }));
    expect([error.code, error.status, error.message]).toEqual([
      'KMS.InvalidKeyUsageException',
      400,
      `${arn} key usage is SIGN_VERIFY which is not valid for GenerateDataKey.`,
    ]);
  });

  it('a key of another account: AccessDenied unless its policy allows the caller; a bare key id resolves in the caller’s account', async () => {
    const { s3, kms } = engine;
    const owner = root(OTHER_ACCOUNT);
    const { arn, id } = await newKey(kms, { caller: owner });
    const sse = { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn } as const;
    const denied = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ...sse }));
    expect([denied.code, denied.status]).toEqual(['AccessDenied', 403]);
    const missing = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: id }));
    expect(missing.message).toBe(`Key 'arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}' does not exist`);
    await kms.putKeyPolicy(
      {
        KeyId: id,
        PolicyName: 'default',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            rootStatement(OTHER_ACCOUNT),
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*' },
          ],
        }),
      },
      { caller: owner },
    );
    expect((await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ...sse })).SSEKMSKeyId).toBe(arn);
    expect(await (await s3.getObject({ Bucket: 'data', Key: 'k' })).Body.transformToString()).toBe('x');
  });
});

describe('S3 Bucket Keys', () => {
  it('cut GenerateDataKey from one per PUT to one per bucket key period, shown in the trail', async () => {
    const { s3, kms, clock } = engine;
    const { arn } = await newKey(kms);
    const puts = 25;
    for (let index = 0; index < puts; index++) {
      await s3.putObject({ Bucket: 'data', Key: `plain/${index}`, Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
    }
    expect(kmsEvents(kms, 'GenerateDataKey')).toBe(puts);
    await Promise.all(
      Array.from({ length: puts }, (_, index) =>
        s3.putObject({ Bucket: 'data', Key: `bk/${index}`, Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true }),
      ),
    );
    expect(kmsEvents(kms, 'GenerateDataKey')).toBe(puts + 1);
    clock.advance(DEFAULT_BUCKET_KEY_PERIOD_MS);
    await s3.putObject({ Bucket: 'data', Key: 'bk/late', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true });
    expect(kmsEvents(kms, 'GenerateDataKey')).toBe(puts + 2);
  });

  it('reads need one Decrypt per bucket key and reader, not one per object; another requester gets its own bucket key', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    const sse = { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true } as const;
    for (let index = 0; index < 10; index++) await s3.putObject({ Bucket: 'data', Key: `k${index}`, Body: `body ${index}`, ...sse });
    for (let index = 0; index < 10; index++) {
      expect(await (await s3.getObject({ Bucket: 'data', Key: `k${index}` })).Body.transformToString()).toBe(`body ${index}`);
    }
    expect(kmsEvents(kms, 'Decrypt')).toBe(1);
    const bob = user('bob', ['kms:GenerateDataKey', 'kms:Decrypt']);
    for (let index = 0; index < 10; index++) await (await s3.getObject({ Bucket: 'data', Key: `k${index}` }, { caller: bob })).Body.discard();
    expect(kmsEvents(kms, 'Decrypt')).toBe(2);
    await s3.putObject({ Bucket: 'data', Key: 'bob', Body: 'x', ...sse }, { caller: bob });
    expect(kmsEvents(kms, 'GenerateDataKey')).toBe(2);
  });

  it('each object’s key is its own: an object’s sealed bytes and record moved under another name do not open', async () => {
    const store = await createMemoryObjectStore();
    const own = kmsEngine({ storage: store });
    try {
      const { s3, kms } = own;
      await s3.createBucket({ Bucket: 'data' });
      const { arn } = await newKey(kms);
      const sse = { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true } as const;
      await s3.putObject({ Bucket: 'data', Key: 'one', Body: 'same', ...sse });
      await s3.putObject({ Bucket: 'data', Key: 'two', Body: 'same', ...sse });
      const reader = await store.openObject('data', 'one');
      const bytes = await reader!.read(0, reader!.info.size);
      await reader!.close();
      await store.putObject('data', 'two', [bytes], { ...reader!.info.metadata });
      // The derived key is bound to the object's name: the body fails authentication as it is read.
      await expect((await s3.getObject({ Bucket: 'data', Key: 'two' })).Body.transformToByteArray()).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
      expect(await (await s3.getObject({ Bucket: 'data', Key: 'one' })).Body.transformToString()).toBe('same');
    } finally {
      await own.close();
      await store.close();
    }
  });
});
