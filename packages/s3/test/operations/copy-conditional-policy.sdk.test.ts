/**
 * CopyObject under a bucket policy that enforces conditional writes, through the official
 * `@aws-sdk/client-s3` by the kernel's in-process handler. UG `conditional-writes-enforce`: "If you
 * use a bucket policy to enforce conditional writes, you can't perform copy operations to the
 * bucket or prefix specified in your bucket policy. CopyObject requests without an If-None-Match or
 * If-Match HTTP header fail with a 403 Access Denied error. CopyObject requests made with those
 * HTTP headers fail with a 501 Not Implemented response." Strongbox answered the conditional copy
 * 403 under the write-once policy (REVIEW V6).
 */

import { CopyObjectCommand, HeadObjectCommand, PutBucketPolicyCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseUsers } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { ACCOUNT, inProcessClient, sdkError } from '../helpers/wire.ts';

const NOT_IMPLEMENTED = 'A header you provided implies functionality that is not implemented';

/** UG example 1's Alice: her own policy lets her read; writing is the bucket policy's to allow. */
const ALICE = {
  accessKeyId: 'AKIAALICE',
  secretAccessKey: 'alice-secret',
  principal: `arn:aws:iam::${ACCOUNT}:user/Alice`,
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }] },
};

const sdk = useInProcessS3({ buckets: ['data'], strict: true, users: parseUsers({ users: [ALICE] }) });

async function putPolicy(statement: object): Promise<void> {
  await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) }));
}

/** The write-once policy of the UG (a Deny without `If-None-Match` on object creation), on `resource`. */
const writeOnce = (resource: string): object => ({
  Sid: 'Enforce',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:PutObject',
  Resource: resource,
  Condition: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } },
});

/** The error's name, status, message and `Header` element. */
async function refusal(promise: Promise<unknown>): Promise<[string, number | undefined, string, unknown]> {
  const error = (await sdkError(promise)) as Awaited<ReturnType<typeof sdkError>> & { Header?: unknown };
  return [error.name, error.$metadata.httpStatusCode, error.name === 'NotImplemented' ? error.message : '', error.Header];
}

async function exists(key: string): Promise<boolean> {
  const head = sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: key }));
  return head.then(
    () => true,
    async () => (await sdkError(head)).$metadata.httpStatusCode !== 404,
  );
}

const copy = (client: S3Client, Key: string, condition: { IfMatch?: string | undefined; IfNoneMatch?: string | undefined } = {}) =>
  client.send(new CopyObjectCommand({ Bucket: 'data', Key, CopySource: 'data/source', ...condition }));

describe('CopyObject under a policy enforcing conditional writes (UG conditional-writes-enforce)', () => {
  it('the write-once policy: a copy with If-None-Match or If-Match is 501 NotImplemented, one without is 403; nothing is written', async () => {
    const { ETag } = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'source' }));
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'existing', Body: 'existing', IfNoneMatch: '*' }));
    await putPolicy(writeOnce('arn:aws:s3:::data/*'));
    expect(await refusal(copy(sdk.client, 'copy', { IfNoneMatch: '*' }))).toEqual(['NotImplemented', 501, NOT_IMPLEMENTED, 'If-None-Match']);
    expect(await refusal(copy(sdk.client, 'existing', { IfMatch: ETag }))).toEqual(['NotImplemented', 501, NOT_IMPLEMENTED, 'If-Match']);
    expect(await refusal(copy(sdk.client, 'copy'))).toEqual(['AccessDenied', 403, '', undefined]);
    expect(await exists('copy')).toBe(false);
    // A conditional PutObject is what the policy lets through.
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'copy', Body: 'put', IfNoneMatch: '*' }));
    expect(await exists('copy')).toBe(true);
  });

  it('UG example 1 (Allow s3:PutObject only with If-None-Match): a conditional PutObject is allowed, a conditional copy is 501', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'source' }));
    await putPolicy({
      Sid: 'AllowConditionalPut',
      Effect: 'Allow',
      Principal: { AWS: ALICE.principal },
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::data/*',
      Condition: { Null: { 's3:if-none-match': 'false' } },
    });
    const alice = inProcessClient(sdk.engine.handler, { credentials: { accessKeyId: ALICE.accessKeyId, secretAccessKey: ALICE.secretAccessKey } });
    try {
      await alice.send(new PutObjectCommand({ Bucket: 'data', Key: 'put', Body: 'put', IfNoneMatch: '*' }));
      expect(await refusal(copy(alice, 'copy', { IfNoneMatch: '*' }))).toEqual(['NotImplemented', 501, NOT_IMPLEMENTED, 'If-None-Match']);
      expect(await refusal(copy(alice, 'copy'))).toEqual(['AccessDenied', 403, '', undefined]);
      expect([await exists('put'), await exists('copy')]).toEqual([true, false]);
    } finally {
      alice.destroy();
    }
  });

  it('outside the policy’s prefix, or under a policy that does not test the keys, the copy’s condition decides', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'source' }));
    await putPolicy(writeOnce('arn:aws:s3:::data/locked/*'));
    await copy(sdk.client, 'open/copy', { IfNoneMatch: '*' });
    expect(await refusal(copy(sdk.client, 'open/copy', { IfNoneMatch: '*' }))).toEqual(['PreconditionFailed', 412, '', undefined]);
    expect(await refusal(copy(sdk.client, 'locked/copy', { IfNoneMatch: '*' }))).toEqual(['NotImplemented', 501, NOT_IMPLEMENTED, 'If-None-Match']);
    expect(await refusal(copy(sdk.client, 'locked/copy'))).toEqual(['AccessDenied', 403, '', undefined]);

    await putPolicy({
      Sid: 'NoSteps',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::data/*',
      Condition: { Bool: { 's3:ObjectCreationOperation': 'false' } },
    });
    await copy(sdk.client, 'locked/copy', { IfNoneMatch: '*' });
    expect(await refusal(copy(sdk.client, 'locked/copy', { IfNoneMatch: '*' }))).toEqual(['PreconditionFailed', 412, '', undefined]);
    expect([await exists('open/copy'), await exists('locked/copy')]).toEqual([true, true]);
  });
});
