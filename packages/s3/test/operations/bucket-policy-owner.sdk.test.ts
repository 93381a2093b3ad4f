/**
 * Put/Get/DeleteBucketPolicy by an identity of another account that the policies allow: S3's 405
 * MethodNotAllowed ("If you have the correct permissions, but you're not using an identity that
 * belongs to the bucket owner's account, Amazon S3 returns a 405 Method Not Allowed error", the
 * three operations' API reference), with the `Allow` every 405 of S3's carries, `?policy`'s
 * `DELETE, GET, PUT` (brekkylab/backlot, measured against S3 2026-09-23; UNCONFIRMED for this
 * 405), through the official SDK, the policy left as it was.
 */

import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseUsers } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { inProcessClient, sdkError } from '../helpers/wire.ts';

const OTHER_ACCOUNT = '111122223333';
const BOB = {
  accessKeyId: 'AKIABOBOTHER',
  secretAccessKey: 'bob-secret',
  principal: `arn:aws:iam::${OTHER_ACCOUNT}:user/Bob`,
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
};
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: BOB.principal },
      Action: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
      Resource: 'arn:aws:s3:::owned',
    },
  ],
});

const sdk = useInProcessS3({ buckets: ['owned'], strict: true, users: parseUsers({ users: [BOB] }) });

describe("another account's bucket policy calls", () => {
  it('are 405 MethodNotAllowed with Allow: DELETE, GET, PUT, the policy unchanged', async () => {
    await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'owned', Policy: POLICY }));
    const bob: S3Client = inProcessClient(sdk.engine.handler, { credentials: { accessKeyId: BOB.accessKeyId, secretAccessKey: BOB.secretAccessKey } });
    try {
      const answers = [];
      for (const command of [
        new GetBucketPolicyCommand({ Bucket: 'owned' }),
        new PutBucketPolicyCommand({ Bucket: 'owned', Policy: '{"Version":"2012-10-17","Statement":[]}' }),
        new DeleteBucketPolicyCommand({ Bucket: 'owned' }),
      ]) {
        const refused = await sdkError(bob.send(command as never));
        const headers = (refused.$response as { headers: Record<string, string> }).headers;
        answers.push([refused.$metadata.httpStatusCode, refused.name, headers['allow']]);
      }
      expect(answers).toEqual([
        [405, 'MethodNotAllowed', 'DELETE, GET, PUT'],
        [405, 'MethodNotAllowed', 'DELETE, GET, PUT'],
        [405, 'MethodNotAllowed', 'DELETE, GET, PUT'],
      ]);
    } finally {
      bob.destroy();
    }
    expect((await sdk.client.send(new GetBucketPolicyCommand({ Bucket: 'owned' }))).Policy).toBe(POLICY);
  });
});
