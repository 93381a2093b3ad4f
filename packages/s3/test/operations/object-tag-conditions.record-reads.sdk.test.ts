/**
 * The object-tag condition keys, pinned where a first implementation went wrong:
 *
 * 1. TOCTOU: the tags a Deny on `s3:ExistingObjectTag/<key>` reads (a headObject at authorization)
 *    and the object GetObject then serves (its own read) are two reads of the store: an overwrite
 *    between them serves a secret-tagged object the policy denies.
 * 2. Cost: GetObjectAttributes authorizes two actions that both have the key
 *    (s3:GetObjectAttributes and s3:GetObject), and each reads the object's record again.
 */

import { GetObjectAttributesCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { denyWhen } from '../helpers/tag-deny.ts';
import { watchedEngine } from '../helpers/watched-store.ts';

describe('s3:ExistingObjectTag decides on the object that is served', () => {
  it('an overwrite between the tag read and the object read does not serve a denied (secret) object', async () => {
    const { client, arm, close } = await watchedEngine((c) =>
      // Another writer replaces the object after authorization read its (public) tags.
      c.send(new PutObjectCommand({ Bucket: 'data', Key: 'doc', Body: 'TOP SECRET', Tagging: 'classification=secret' })),
    );
    try {
      await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'doc', Body: 'public text', Tagging: 'classification=public' }));
      await client.send(
        new PutBucketPolicyCommand({
          Bucket: 'data',
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [denyWhen('s3:GetObject', { StringEquals: { 's3:ExistingObjectTag/classification': 'secret' } })],
          }),
        }),
      );
      arm('doc');
      let body: string | undefined;
      try {
        body = await (await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'doc' }))).Body?.transformToString();
      } catch {
        body = undefined; // refused: acceptable
      }
      // Either the object authorized (public text) or a refusal; never the secret one the policy denies.
      expect(body).not.toBe('TOP SECRET');
      // The overwrite did come between the two reads: the object stored now is the secret one.
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'data' }));
      expect(listed.Contents?.map((entry) => entry.Size)).toEqual(['TOP SECRET'.length]);
    } finally {
      await close();
    }
  });
});

describe('the object’s record is read once per request for its tags', () => {
  it('GetObjectAttributes (two actions with the key) reads it at most once more than without the policy', async () => {
    const { client, calls, close } = await watchedEngine();
    try {
      await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', Tagging: 'team=red' }));
      const heads = async () => {
        calls.length = 0;
        await client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'k', ObjectAttributes: ['ObjectSize'] }));
        return calls.filter((name) => name === 'headObject').length;
      };
      const plain = await heads();
      await client.send(
        new PutBucketPolicyCommand({
          Bucket: 'data',
          Policy: JSON.stringify({ Version: '2012-10-17', Statement: [denyWhen('s3:GetObject*', { StringEquals: { 's3:ExistingObjectTag/team': 'blue' } })] }),
        }),
      );
      expect(await heads()).toBeLessThanOrEqual(plain + 1);
    } finally {
      await close();
    }
  });
});
