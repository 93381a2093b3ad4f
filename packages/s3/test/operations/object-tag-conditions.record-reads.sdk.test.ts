/**
 * The object-tag condition keys, pinned where a first implementation went wrong:
 *
 * 1. TOCTOU: the tags a Deny on `s3:ExistingObjectTag/<key>` reads (a headObject at authorization)
 *    and the object GetObject then serves (its own read) are two reads of the store: an overwrite
 *    between them serves a secret-tagged object the policy denies.
 * 2. Cost: GetObjectAttributes authorizes two actions that both have the key
 *    (s3:GetObjectAttributes and s3:GetObject), and each reads the object's record again.
 */

import { CreateBucketCommand, GetObjectAttributesCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createMemoryObjectStore, type ObjectStore } from '../../src/index.ts';
import { inProcessClient, wireEngine } from '../helpers/wire.ts';

const denyWhen = (action: string, condition: object) => ({
  Effect: 'Deny',
  Principal: '*',
  Action: action,
  Resource: 'arn:aws:s3:::data/*',
  Condition: condition,
});

/** A memory store whose calls are recorded, with a hook run after each headObject. */
async function spiedStore(afterHead: () => Promise<void>): Promise<{ store: ObjectStore; calls: string[] }> {
  const memory = await createMemoryObjectStore();
  const calls: string[] = [];
  const store = new Proxy(memory, {
    get: (target, name) => {
      const member = target[name as keyof ObjectStore];
      if (typeof member !== 'function') return member;
      return async (...args: unknown[]) => {
        calls.push(String(name));
        const result = await (member as (...args: unknown[]) => unknown).apply(target, args);
        if (name === 'headObject') await afterHead();
        return result;
      };
    },
  });
  return { store, calls };
}

async function setUp(afterHead: (client: S3Client) => Promise<void>) {
  let client: S3Client | undefined;
  const { store, calls } = await spiedStore(async () => {
    if (client !== undefined) await afterHead(client);
  });
  const local = wireEngine({ engine: { storage: store } });
  client = inProcessClient(local.handler);
  await client.send(new CreateBucketCommand({ Bucket: 'data' }));
  return { client, calls, local };
}

describe('s3:ExistingObjectTag decides on the object that is served', () => {
  it('an overwrite between the tag read and the object read does not serve a denied (secret) object', async () => {
    let armed = false;
    const { client, local } = await setUp(async (c) => {
      if (!armed) return;
      armed = false;
      // Another writer replaces the object after authorization read its (public) tags.
      await c.send(new PutObjectCommand({ Bucket: 'data', Key: 'doc', Body: 'TOP SECRET', Tagging: 'classification=secret' }));
    });
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
      armed = true;
      let body: string | undefined;
      try {
        body = await (await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'doc' }))).Body?.transformToString();
      } catch {
        body = undefined; // refused: acceptable
      }
      // Either the object authorized (public text) or a refusal; never the secret one the policy denies.
      expect(body).not.toBe('TOP SECRET');
    } finally {
      client.destroy();
      await local.close();
    }
  });
});

describe('the object’s record is read once per request for its tags', () => {
  it('GetObjectAttributes (two actions with the key) reads it at most once more than without the policy', async () => {
    const { client, calls, local } = await setUp(async () => {});
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
      client.destroy();
      await local.close();
    }
  });
});
