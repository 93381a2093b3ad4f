/**
 * Unsigned requests under strict authentication, through the AWS SDK for JavaScript with its
 * signer turned off: S3 takes such a request as the anonymous principal and puts it to the bucket
 * policy. A statement for `"*"` lets it read (a public-read bucket), an explicit Deny still wins,
 * and everything else is 403 AccessDenied "Access Denied". What KMS protects stays closed: S3
 * answers an anonymous read or write of an SSE-KMS or DSSE-KMS object that the policy lets
 * through with 400 InvalidArgument "Requests specifying Server Side Encryption with AWS KMS
 * managed keys require AWS Signature Version 4." (AWS Knowledge Center
 * "s3-kms-signature-version-error": "You made an anonymous request"; ryanto/next-s3-upload#115),
 * the answer a SigV2 request gets (`sigv2-requests.test.ts`). SSE-S3 objects read anonymously;
 * SSE-C objects need their key as from anyone.
 */

import { createHash, randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Kms } from '@strongbox/kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

const KMS_REFUSAL = 'Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.';
const CUSTOMER_KEY = randomBytes(32);
const SSE_C = {
  SSECustomerAlgorithm: 'AES256',
  SSECustomerKey: CUSTOMER_KEY.toString('base64'),
  SSECustomerKeyMD5: createHash('md5').update(CUSTOMER_KEY).digest('base64'),
};

let kms: Kms;
let engine: WireEngine;
let owner: S3Client;
let anonymous: S3Client;

/** A client that sends its requests unsigned: no Authorization header, no presigned query. */
function unsignedClient(config: { endpoint?: string } = {}): S3Client {
  return inProcessClient(engine.handler, { signer: { sign: async (request) => request }, ...config });
}

const statement = (Effect: 'Allow' | 'Deny', Action: string | string[], Resource: string | string[], extra: object = {}) => ({
  Effect,
  Principal: '*',
  Action,
  Resource,
  ...extra,
});

async function putPolicy(Bucket: string, ...statements: object[]): Promise<void> {
  await owner.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
}

beforeEach(async () => {
  kms = new Kms({});
  engine = wireEngine({ strict: true, engine: { kms, auditTrail: kms.auditTrail, dataEvents: true } });
  owner = inProcessClient(engine.handler);
  anonymous = unsignedClient();
  await owner.send(new CreateBucketCommand({ Bucket: 'public' }));
  // SSE-C is blocked on new buckets unless BlockedEncryptionTypes says NONE.
  await owner.send(
    new PutBucketEncryptionCommand({
      Bucket: 'public',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
      },
    }),
  );
  await owner.send(new PutObjectCommand({ Bucket: 'public', Key: 's3', Body: 'sealed by S3' }));
  await owner.send(new PutObjectCommand({ Bucket: 'public', Key: 'kms', Body: 'sealed by KMS', ServerSideEncryption: 'aws:kms' }));
  await owner.send(new PutObjectCommand({ Bucket: 'public', Key: 'dsse', Body: 'sealed twice', ServerSideEncryption: 'aws:kms:dsse' }));
  await owner.send(new PutObjectCommand({ Bucket: 'public', Key: 'sse-c', Body: 'sealed by the customer', ...SSE_C }));
});
afterEach(async () => {
  owner.destroy();
  anonymous.destroy();
  await engine.close();
  await kms.close();
});

describe('an anonymous read', () => {
  it('of a bucket without a policy is 403 AccessDenied "Access Denied"', async () => {
    const refused = await sdkError(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 's3' })));
    expect([refused.$metadata.httpStatusCode, refused.name, refused.message]).toEqual([403, 'AccessDenied', 'Access Denied']);
  });

  it('that a statement for "*" allows gets an SSE-S3 object', async () => {
    await putPolicy('public', statement('Allow', 's3:GetObject', 'arn:aws:s3:::public/*'));
    const got = await anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 's3' }));
    expect([await got.Body?.transformToString(), got.ServerSideEncryption]).toEqual(['sealed by S3', 'AES256']);
    const head = await anonymous.send(new HeadObjectCommand({ Bucket: 'public', Key: 's3' }));
    expect(head.ContentLength).toBe('sealed by S3'.length);
  });

  it('that the policy allows is 400 InvalidArgument for an SSE-KMS or DSSE-KMS object: KMS requires Signature Version 4', async () => {
    await putPolicy('public', statement('Allow', 's3:GetObject', 'arn:aws:s3:::public/*'));
    for (const Key of ['kms', 'dsse']) {
      const refused = await sdkError(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key })));
      expect([refused.$metadata.httpStatusCode, refused.name, refused.message], Key).toEqual([400, 'InvalidArgument', KMS_REFUSAL]);
      // UNCONFIRMED for HEAD (the captures are GETs): its status, with no body to name the code.
      const head = await sdkError(anonymous.send(new HeadObjectCommand({ Bucket: 'public', Key })));
      expect(head.$metadata.httpStatusCode, Key).toBe(400);
    }
    // The owner, signing with SigV4, still reads it.
    const got = await owner.send(new GetObjectCommand({ Bucket: 'public', Key: 'kms' }));
    expect(await got.Body?.transformToString()).toBe('sealed by KMS');
  });

  it('of an SSE-C object needs its key, and reads it with the key', async () => {
    await putPolicy('public', statement('Allow', 's3:GetObject', 'arn:aws:s3:::public/*'));
    const refused = await sdkError(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 'sse-c' })));
    expect([refused.$metadata.httpStatusCode, refused.name]).toEqual([400, 'InvalidRequest']);
    const got = await anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 'sse-c', ...SSE_C }));
    expect(await got.Body?.transformToString()).toBe('sealed by the customer');
  });

  it('of an SSE-KMS object that no policy allows is 403 before the KMS check', async () => {
    await putPolicy('public', statement('Allow', 's3:GetObject', 'arn:aws:s3:::public/s3'));
    const refused = await sdkError(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 'kms' })));
    expect([refused.$metadata.httpStatusCode, refused.name, refused.message]).toEqual([403, 'AccessDenied', 'Access Denied']);
  });

  it('is refused by an explicit Deny for "*" over an Allow for "*"', async () => {
    await putPolicy('public', statement('Allow', 's3:GetObject', 'arn:aws:s3:::public/*'), statement('Deny', 's3:GetObject', 'arn:aws:s3:::public/s3'));
    const refused = await sdkError(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 's3' })));
    expect([refused.$metadata.httpStatusCode, refused.name, refused.message]).toEqual([403, 'AccessDenied', 'Access Denied']);
  });

  it('is not allowed by a statement naming the owner account, nor by one testing aws:PrincipalAccount', async () => {
    await putPolicy(
      'public',
      { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' },
      statement('Allow', 's3:GetObject', 'arn:aws:s3:::public/*', { Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } }),
    );
    const refused = await sdkError(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 's3' })));
    expect([refused.$metadata.httpStatusCode, refused.name]).toEqual([403, 'AccessDenied']);
  });

  it('meets a Deny of plain HTTP (aws:SecureTransport) as signed callers do', async () => {
    await putPolicy(
      'public',
      statement('Allow', 's3:GetObject', 'arn:aws:s3:::public/*'),
      statement('Deny', 's3:*', 'arn:aws:s3:::public/*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const overHttp = unsignedClient({ endpoint: 'http://strongbox.localhost' });
    try {
      const refused = await sdkError(overHttp.send(new GetObjectCommand({ Bucket: 'public', Key: 's3' })));
      expect([refused.$metadata.httpStatusCode, refused.name]).toEqual([403, 'AccessDenied']);
    } finally {
      overHttp.destroy();
    }
    const got = await anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 's3' }));
    expect(await got.Body?.transformToString()).toBe('sealed by S3');
  });

  it('of a missing key is 403 without s3:ListBucket and 404 NoSuchKey with it', async () => {
    await putPolicy('public', statement('Allow', 's3:GetObject', 'arn:aws:s3:::public/*'));
    const hidden = await sdkError(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 'missing' })));
    expect([hidden.$metadata.httpStatusCode, hidden.name]).toEqual([403, 'AccessDenied']);
    await putPolicy('public', statement('Allow', 's3:GetObject', 'arn:aws:s3:::public/*'), statement('Allow', 's3:ListBucket', 'arn:aws:s3:::public'));
    const missing = await sdkError(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 'missing' })));
    expect([missing.$metadata.httpStatusCode, missing.name]).toEqual([404, 'NoSuchKey']);
  });

  // UNCONFIRMED: S3 was reported to redirect the global endpoint's unsigned `GET /` to its home
  // page (aws/aws-sdk-cpp#2391); the account-level action is refused here, as no policy grants it.
  it('of the account (ListBuckets) is 403 "Access Denied": an anonymous caller has no account', async () => {
    const refused = await sdkError(anonymous.send(new ListBucketsCommand({})));
    expect([refused.$metadata.httpStatusCode, refused.name, refused.message]).toEqual([403, 'AccessDenied', 'Access Denied']);
  });
});

describe('an anonymous write', () => {
  const ALLOW_PUT = statement('Allow', 's3:PutObject', 'arn:aws:s3:::public/*');

  it('that no policy allows is 403 and stores nothing', async () => {
    const refused = await sdkError(anonymous.send(new PutObjectCommand({ Bucket: 'public', Key: 'dropped', Body: 'x' })));
    expect([refused.$metadata.httpStatusCode, refused.name]).toEqual([403, 'AccessDenied']);
    expect((await sdkError(owner.send(new HeadObjectCommand({ Bucket: 'public', Key: 'dropped' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('that a statement for "*" allows stores the object under the bucket default SSE-S3', async () => {
    await putPolicy('public', ALLOW_PUT);
    const put = await anonymous.send(new PutObjectCommand({ Bucket: 'public', Key: 'dropped', Body: 'from anyone' }));
    expect(put.ServerSideEncryption).toBe('AES256');
    const got = await owner.send(new GetObjectCommand({ Bucket: 'public', Key: 'dropped' }));
    expect(await got.Body?.transformToString()).toBe('from anyone');
  });

  it('naming SSE-KMS, or into a bucket whose default is aws:kms, is 400 InvalidArgument and stores nothing', async () => {
    await putPolicy('public', ALLOW_PUT);
    for (const ServerSideEncryption of ['aws:kms', 'aws:kms:dsse'] as const) {
      const refused = await sdkError(anonymous.send(new PutObjectCommand({ Bucket: 'public', Key: 'kms-put', Body: 'x', ServerSideEncryption })));
      expect([refused.$metadata.httpStatusCode, refused.name, refused.message], ServerSideEncryption).toEqual([400, 'InvalidArgument', KMS_REFUSAL]);
    }
    await owner.send(
      new PutBucketEncryptionCommand({
        Bucket: 'public',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      }),
    );
    const byDefault = await sdkError(anonymous.send(new PutObjectCommand({ Bucket: 'public', Key: 'kms-put', Body: 'x' })));
    expect([byDefault.$metadata.httpStatusCode, byDefault.name, byDefault.message]).toEqual([400, 'InvalidArgument', KMS_REFUSAL]);
    expect((await sdkError(owner.send(new HeadObjectCommand({ Bucket: 'public', Key: 'kms-put' })))).$metadata.httpStatusCode).toBe(404);
  });
});

describe('an anonymous copy or multipart upload', () => {
  it('that would use KMS is 400 InvalidArgument, as a PutObject would be, and stores nothing', async () => {
    await putPolicy('public', statement('Allow', ['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::public/*'));
    const copied = await anonymous.send(new CopyObjectCommand({ Bucket: 'public', Key: 'copy-of-s3', CopySource: 'public/s3' }));
    expect(copied.ServerSideEncryption).toBe('AES256');
    // The source is SSE-KMS: reading it needs SigV4.
    const fromKms = await sdkError(anonymous.send(new CopyObjectCommand({ Bucket: 'public', Key: 'copy-of-kms', CopySource: 'public/kms' })));
    expect([fromKms.$metadata.httpStatusCode, fromKms.name, fromKms.message]).toEqual([400, 'InvalidArgument', KMS_REFUSAL]);
    const toKms = await sdkError(
      anonymous.send(new CopyObjectCommand({ Bucket: 'public', Key: 'copy-to-kms', CopySource: 'public/s3', ServerSideEncryption: 'aws:kms' })),
    );
    expect([toKms.$metadata.httpStatusCode, toKms.name, toKms.message]).toEqual([400, 'InvalidArgument', KMS_REFUSAL]);
    const upload = await sdkError(anonymous.send(new CreateMultipartUploadCommand({ Bucket: 'public', Key: 'parts', ServerSideEncryption: 'aws:kms' })));
    expect([upload.$metadata.httpStatusCode, upload.name, upload.message]).toEqual([400, 'InvalidArgument', KMS_REFUSAL]);
    for (const Key of ['copy-of-kms', 'copy-to-kms']) {
      expect((await sdkError(owner.send(new HeadObjectCommand({ Bucket: 'public', Key })))).$metadata.httpStatusCode, Key).toBe(404);
    }
  });
});

describe('the CloudTrail data event of an anonymous call', () => {
  it('names the caller as CloudTrail names an anonymous S3 requester, recorded for the bucket owner', async () => {
    await putPolicy('public', statement('Allow', 's3:GetObject', 'arn:aws:s3:::public/*'));
    await anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 's3' }));
    await sdkError(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 'kms' })));
    const records = engine.s3.auditTrail.lookup({ eventName: 'GetObject' }).records;
    expect(records.map((record) => [record.userIdentity, record.recipientAccountId, record.errorCode])).toEqual([
      [{ type: 'AWSAccount', principalId: '', accountId: 'anonymous' }, ACCOUNT, 'InvalidArgument'],
      [{ type: 'AWSAccount', principalId: '', accountId: 'anonymous' }, ACCOUNT, undefined],
    ]);
    // No signature to describe (the captured anonymous data event has neither member).
    expect(records[1]?.additionalEventData).not.toHaveProperty('SignatureVersion');
    expect(records[1]?.additionalEventData).not.toHaveProperty('AuthenticationMethod');
  });

  it('and of a refused management call also goes to the bucket owner', async () => {
    const refused = await sdkError(anonymous.send(new GetBucketPolicyCommand({ Bucket: 'public' })));
    expect([refused.$metadata.httpStatusCode, refused.name, refused.message]).toEqual([403, 'AccessDenied', 'Access Denied']);
    const [record] = engine.s3.auditTrail.lookup({ eventName: 'GetBucketPolicy' }).records;
    expect([record?.userIdentity, record?.recipientAccountId, record?.managementEvent, record?.errorCode]).toEqual([
      { type: 'AWSAccount', principalId: '', accountId: 'anonymous' },
      ACCOUNT,
      true,
      'AccessDenied',
    ]);
  });
});
