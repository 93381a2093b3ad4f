// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${key} inside policy strings.
/**
 * Authorization of S3 operations through the engine: the published encryption bucket policies
 * (reference §4.1), each enforced and each letting the right requests through; default mode
 * (callers acting as the account root) against bucket policy Deny statements; IAM users with
 * identity policies; other accounts; condition keys from the request, never from the bucket
 * default.
 */

import { Kms } from '@strongbox/kms';
import { principalFromArn, rootPrincipal } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CallOptions, type PutObjectRequest, S3, S3Error } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';

const OWNER = '111122223333';
const OTHER = '444455556666';
const BUCKET = 'reports';

let kms: Kms;
let s3: S3;
/** Two customer managed keys of the owner account, in the KMS the engine calls. */
let KEY_ARN: string;
let OTHER_KEY_ARN: string;
beforeEach(async () => {
  kms = new Kms({ account: OWNER });
  s3 = new S3({ account: OWNER, kms, auditTrail: kms.auditTrail });
  await s3.createBucket({ Bucket: BUCKET });
  KEY_ARN = (await kms.createKey({})).KeyMetadata?.Arn ?? '';
  OTHER_KEY_ARN = (await kms.createKey({})).KeyMetadata?.Arn ?? '';
});
afterEach(async () => {
  await s3.close();
  await kms.close();
});

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Whether a request got past authorization: `denied` for 403 AccessDenied, `passed` for success. */
async function outcome(request: Promise<unknown>): Promise<'denied' | 'passed'> {
  try {
    const response = await request;
    const body = (response as { Body?: { discard?: () => Promise<void> } } | undefined)?.Body;
    await body?.discard?.();
    return 'passed';
  } catch (error) {
    if (error instanceof S3Error && error.code === 'AccessDenied') return 'denied';
    throw error;
  }
}

const put = (extra: Partial<PutObjectRequest> = {}, options: CallOptions = {}) =>
  outcome(s3.putObject({ Bucket: BUCKET, Key: 'k', Body: 'data', ...extra }, options));

describe('the published encryption bucket policies (reference §4.1)', () => {
  it('RestrictToTLSRequestsOnly: every action over plain HTTP is denied, the same requests over TLS pass', async () => {
    await s3.putObject({ Bucket: BUCKET, Key: 'k', Body: 'data' });
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({
        Sid: 'RestrictToTLSRequestsOnly',
        Action: 's3:*',
        Effect: 'Deny',
        Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Principal: '*',
      }),
    });
    const plain = { secureTransport: false };
    expect(await put({}, plain)).toBe('denied');
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'k' }, plain))).toBe('denied');
    expect(await outcome(s3.headBucket({ Bucket: BUCKET }, plain))).toBe('denied');
    expect(await outcome(s3.getBucketEncryption({ Bucket: BUCKET }, plain))).toBe('denied');
    expect(await put()).toBe('passed');
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'k' }))).toBe('passed');
    expect(await outcome(s3.headBucket({ Bucket: BUCKET }))).toBe('passed');
  });

  it('require SSE-S3 (DenyIncorrectEncryptionHeader + DenyUnencryptedObjectUploads): only AES256 uploads pass, even though the bucket default is SSE-S3', async () => {
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy(
        {
          Sid: 'DenyIncorrectEncryptionHeader',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
          Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } },
        },
        {
          Sid: 'DenyUnencryptedObjectUploads',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
          Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
        },
      ),
    });
    // The header's absence is what the condition sees: the bucket default does not fill it.
    expect(await put()).toBe('denied');
    expect(await put({ ServerSideEncryption: 'aws:kms' })).toBe('denied');
    expect(await put({ ServerSideEncryption: 'AES256' })).toBe('passed');
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'k' }))).toBe('passed');
  });

  it('DenyUnEncryptedObjectUploads (require SSE-KMS): AES256 and header-less uploads are denied, aws:kms passes', async () => {
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({
        Sid: 'DenyUnEncryptedObjectUploads',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      }),
    });
    expect(await put()).toBe('denied');
    expect(await put({ ServerSideEncryption: 'AES256' })).toBe('denied');
    expect(await put({ ServerSideEncryption: 'aws:kms:dsse' })).toBe('denied');
    expect(await put({ ServerSideEncryption: 'aws:kms' })).toBe('passed');
  });

  it('DenyObjectsThatAreNotSSEKMS: an upload naming no KMS key is denied, one naming a key passes', async () => {
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({
        Sid: 'DenyObjectsThatAreNotSSEKMS',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' } },
      }),
    });
    expect(await put({ ServerSideEncryption: 'aws:kms' })).toBe('denied');
    expect(await put({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN })).toBe('passed');
  });

  it('DenyObjectsThatAreNotSSEKMSWithSpecificKey: another key or no key is denied; the key, as an ARN or a bare key id, passes', async () => {
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({
        Sid: 'DenyObjectsThatAreNotSSEKMSWithSpecificKey',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { ArnNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN } },
      }),
    });
    expect(await put({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: OTHER_KEY_ARN })).toBe('denied');
    expect(await put({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN })).toBe('passed');
    expect(await put({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN.slice(KEY_ARN.lastIndexOf('/') + 1) })).toBe('passed');
    // IfExists makes an absent key true, so under a Deny a request naming no key is denied too
    // (reference §4.2).
    expect(await put({ ServerSideEncryption: 'AES256' })).toBe('denied');
    expect(await put()).toBe('denied');
  });

  describe('SSE-C statements (the bucket allows SSE-C)', () => {
    beforeEach(async () => {
      await s3.putBucketEncryption({ Bucket: BUCKET, ...ALLOW_SSE_C });
    });

    it('RequireSSECObjectUploads: uploads without SSE-C are denied, SSE-C uploads pass', async () => {
      await s3.putBucketPolicy({
        Bucket: BUCKET,
        Policy: policy({
          Sid: 'RequireSSECObjectUploads',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
          Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'true' } },
        }),
      });
      expect(await put()).toBe('denied');
      expect(await put({ ServerSideEncryption: 'AES256' })).toBe('denied');
      expect(await put(members(sseC()))).toBe('passed');
    });

    it('RestrictSSECObjectUploads: SSE-C uploads are denied, others pass', async () => {
      await s3.putBucketPolicy({
        Bucket: BUCKET,
        Policy: policy({
          Sid: 'RestrictSSECObjectUploads',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
          Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
        }),
      });
      expect(await put(members(sseC()))).toBe('denied');
      expect(await put()).toBe('passed');
      expect(await put({ ServerSideEncryption: 'AES256' })).toBe('passed');
    });
  });

  it('a denied upload stores nothing', async () => {
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*` }),
    });
    expect(await put()).toBe('denied');
    expect((await catchS3Async(() => s3.getObject({ Bucket: BUCKET, Key: 'k' }))).code).toBe('NoSuchKey');
  });
});

describe('callers', () => {
  const alice = principalFromArn(`arn:aws:iam::${OWNER}:user/alice`, {
    identityPolicy: policy({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/public/*`],
    }),
  });
  const nobody = principalFromArn(`arn:aws:iam::${OWNER}:user/nobody`);
  const otherRoot = rootPrincipal('us-east-1', OTHER);

  beforeEach(async () => {
    await s3.putObject({ Bucket: BUCKET, Key: 'public/a', Body: 'a' });
    await s3.putObject({ Bucket: BUCKET, Key: 'private/b', Body: 'b' });
  });

  it('the default caller (the account root, as unknown access keys are outside strict mode) may do anything on its buckets', async () => {
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'private/b' }))).toBe('passed');
    expect(await outcome(s3.deleteObject({ Bucket: BUCKET, Key: 'private/b' }))).toBe('passed');
    expect(await outcome(s3.listBuckets({}))).toBe('passed');
  });

  it('an IAM user gets exactly what its identity policy allows; AccessDenied names it, the action and the resource', async () => {
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'public/a' }, { caller: alice }))).toBe('passed');
    expect(await outcome(s3.headBucket({ Bucket: BUCKET }, { caller: alice }))).toBe('passed');
    const refused = await catchS3Async(() => s3.getObject({ Bucket: BUCKET, Key: 'private/b' }, { caller: alice }));
    expect([refused.status, refused.code, refused.message]).toEqual([
      403,
      'AccessDenied',
      `User: arn:aws:iam::${OWNER}:user/alice is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/private/b" because no identity-based policy allows the s3:GetObject action`,
    ]);
    expect(await outcome(s3.putObject({ Bucket: BUCKET, Key: 'public/c', Body: 'c' }, { caller: alice }))).toBe('denied');
    expect(await outcome(s3.listBuckets({}, { caller: alice }))).toBe('denied');
    expect(await outcome(s3.createBucket({ Bucket: 'alices' }, { caller: alice }))).toBe('denied');
  });

  it('a home-directory bucket policy with ${aws:username} gives each user its own prefix (UG example)', async () => {
    const users = ['alice', 'bob'].map((name) => principalFromArn(`arn:aws:iam::${OWNER}:user/${name}`));
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({
        Effect: 'Allow',
        Principal: { AWS: users.map((u) => u.arn) },
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: `arn:aws:s3:::${BUCKET}/home/\${aws:username}/*`,
      }),
    });
    const [aliceUser, bobUser] = users as [(typeof users)[0], (typeof users)[0]];
    expect(await outcome(s3.putObject({ Bucket: BUCKET, Key: 'home/alice/notes', Body: 'n' }, { caller: aliceUser }))).toBe('passed');
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'home/alice/notes' }, { caller: aliceUser }))).toBe('passed');
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'home/alice/notes' }, { caller: bobUser }))).toBe('denied');
    expect(await outcome(s3.putObject({ Bucket: BUCKET, Key: 'home/bob/notes', Body: 'n' }, { caller: bobUser }))).toBe('passed');
  });

  it('a user without an identity policy is refused unless the bucket policy names it', async () => {
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'public/a' }, { caller: nobody }))).toBe('denied');
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({ Effect: 'Allow', Principal: { AWS: nobody.arn }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/public/*` }),
    });
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'public/a' }, { caller: nobody }))).toBe('passed');
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'private/b' }, { caller: nobody }))).toBe('denied');
  });

  it('another account is refused with the plain Access Denied until the bucket policy lets it in, for exactly what it names', async () => {
    const refused = await catchS3Async(() => s3.getObject({ Bucket: BUCKET, Key: 'public/a' }, { caller: otherRoot }));
    expect([refused.status, refused.code, refused.message]).toEqual([403, 'AccessDenied', 'Access Denied']);
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/public/*`,
      }),
    });
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'public/a' }, { caller: otherRoot }))).toBe('passed');
    expect(await outcome(s3.getObject({ Bucket: BUCKET, Key: 'private/b' }, { caller: otherRoot }))).toBe('denied');
    expect(await outcome(s3.deleteObject({ Bucket: BUCKET, Key: 'public/a' }, { caller: otherRoot }))).toBe('denied');
    // ListBuckets lists the caller's own buckets only, whatever other buckets' policies say.
    expect((await s3.listBuckets({}, { caller: otherRoot })).Buckets).toEqual([]);
  });

  it('a missing key is 404 NoSuchKey for callers who may list the bucket, 403 for those who may not (GetObject and HeadObject)', async () => {
    const getOnly = principalFromArn(`arn:aws:iam::${OWNER}:user/getonly`, {
      identityPolicy: policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }),
    });
    for (const caller of [getOnly, alice]) {
      const expected = caller === alice ? 'NoSuchKey' : 'AccessDenied';
      const got = await catchS3Async(() => s3.getObject({ Bucket: BUCKET, Key: 'public/missing' }, { caller }));
      const head = await catchS3Async(() => s3.headObject({ Bucket: BUCKET, Key: 'public/missing' }, { caller }));
      expect([got.code, head.code]).toEqual([expected, expected]);
    }
    const refused = await catchS3Async(() => s3.getObject({ Bucket: BUCKET, Key: 'public/missing' }, { caller: getOnly }));
    expect(refused.message).toBe(
      `User: ${getOnly.arn} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${BUCKET}" because no identity-based policy allows the s3:ListBucket action`,
    );
    expect((await catchS3Async(() => s3.getObject({ Bucket: BUCKET, Key: 'missing' }))).code).toBe('NoSuchKey');
  });

  it('a missing bucket is NoSuchBucket for everyone; a key over 1024 bytes is KeyTooLong before access is decided', async () => {
    const missing = await catchS3Async(() => s3.getObject({ Bucket: 'missing', Key: 'k' }, { caller: nobody }));
    expect(missing.code).toBe('NoSuchBucket');
    const long = await catchS3Async(() => s3.getObject({ Bucket: BUCKET, Key: 'k'.repeat(1025) }, { caller: nobody }));
    expect(long.code).toBe('KeyTooLongError');
  });
});

describe('condition keys', () => {
  it('aws:SourceIp comes from the caller address', async () => {
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      }),
    });
    expect(await put({}, { sourceIpAddress: '192.0.2.7' })).toBe('denied');
    expect(await put({}, { sourceIpAddress: '10.1.2.3' })).toBe('passed');
  });

  it('s3:ResourceAccount is the bucket owner', async () => {
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { StringEquals: { 's3:ResourceAccount': OWNER } },
      }),
    });
    expect(await put()).toBe('denied');
  });

  it('the signature keys (s3:authType, s3:signatureAge, s3:signatureversion, s3:x-amz-content-sha256) come from the edge’s facts, and are absent in process', async () => {
    const deny = (condition: object) => ({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: condition });
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy(
        // The S3 API reference's "Signature Version 4 authentication specific policy keys" examples.
        deny({ NumericGreaterThan: { 's3:signatureAge': '600000' } }),
        deny({ StringEquals: { 's3:x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
        deny({ StringEquals: { 's3:signatureversion': 'AWS' } }),
        deny({ StringEquals: { 's3:authType': 'POST' } }),
      ),
    });
    const now = Date.now();
    const header = {
      authType: 'REST-HEADER',
      signatureVersion: 'AWS4-HMAC-SHA256',
      signedAt: now,
      contentSha256: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    } as const;
    expect(await put({}, { signature: header })).toBe('passed');
    expect(await put({}, { signature: { ...header, authType: 'REST-QUERY-STRING', signedAt: now - 3_600_000 } })).toBe('denied');
    expect(await put({}, { signature: { ...header, authType: 'REST-QUERY-STRING', signedAt: now - 60_000 } })).toBe('passed');
    expect(await put({}, { signature: { ...header, contentSha256: 'UNSIGNED-PAYLOAD' } })).toBe('denied');
    expect(await put({}, { signature: { ...header, signatureVersion: 'AWS' } })).toBe('denied');
    expect(await put({}, { signature: { ...header, authType: 'POST' } })).toBe('denied');
    expect(await put()).toBe('passed');
  });

  it('condition key names are case-insensitive, values are not', async () => {
    await s3.putBucketPolicy({
      Bucket: BUCKET,
      Policy: policy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { StringEquals: { 'S3:X-Amz-Server-Side-Encryption': 'AES256' } },
      }),
    });
    expect(await put({ ServerSideEncryption: 'AES256' })).toBe('denied');
    expect(await put()).toBe('passed');
  });
});
