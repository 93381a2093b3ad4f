/**
 * The tag read for a decision and the record a handler serves or changes are tied for
 * every handler that confirms, not only GetObject: an overwrite right after
 * authorization's tag read (deterministic, a store proxy) turns a public object secret, and the
 * tag-based Deny still refuses.
 */

import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { denyTagged } from '../helpers/tag-deny.ts';
import { watchedEngine } from '../helpers/watched-store.ts';

async function run(
  action: string,
  operation: (client: S3Client, etag: string | undefined) => Promise<unknown>,
  swappedBody = 'TOP SECRET',
): Promise<{ refused: boolean; tags: string | undefined; body: string | undefined }> {
  const { client, arm, disarm, close } = await watchedEngine((c) =>
    c.send(new PutObjectCommand({ Bucket: 'data', Key: 'doc', Body: swappedBody, Tagging: 'classification=secret' })),
  );
  try {
    const { ETag } = await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'doc', Body: 'public text', Tagging: 'classification=public' }));
    await client.send(
      new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [denyTagged(action, 'secret')] }) }),
    );
    arm('doc');
    let refused = false;
    try {
      await operation(client, ETag);
    } catch {
      refused = true;
    }
    disarm();
    const tagging = await client.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'doc' })).catch(() => undefined);
    const copied = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'copy' })).catch(() => undefined);
    return {
      refused,
      tags: tagging?.TagSet?.map((tag) => `${tag.Key}=${tag.Value}`).join('&'),
      body: await copied?.Body?.transformToString(),
    };
  } finally {
    await close();
  }
}

describe('every confirming handler refuses the secret object swapped in after the tag read', () => {
  it('HeadObject', async () => {
    expect((await run('s3:GetObject', (c) => c.send(new HeadObjectCommand({ Bucket: 'data', Key: 'doc' })))).refused).toBe(true);
  });
  it('GetObjectAttributes', async () => {
    const outcome = await run('s3:GetObjectAttributes', (c) =>
      c.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'doc', ObjectAttributes: ['ETag'] })),
    );
    expect(outcome.refused).toBe(true);
  });
  it('GetObjectTagging', async () => {
    expect((await run('s3:GetObjectTagging', (c) => c.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'doc' })))).refused).toBe(true);
  });
  it('PutObjectTagging (the secret object keeps its tags)', async () => {
    const outcome = await run('s3:PutObjectTagging', (c) =>
      c.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'doc', Tagging: { TagSet: [{ Key: 'classification', Value: 'public' }] } })),
    );
    expect(outcome).toMatchObject({ refused: true, tags: 'classification=secret' });
  });
  it('CopyObject (nothing copied)', async () => {
    const outcome = await run('s3:GetObject', (c) => c.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/doc' })));
    expect(outcome).toMatchObject({ refused: true, body: undefined });
  });
  it('DeleteObject with If-Match: <etag> (the secret object stays)', async () => {
    // The same bytes (so the same ETag: If-Match alone would not refuse), secret tags.
    let code: string | undefined;
    const outcome = await run(
      's3:GetObject',
      async (c, etag) => {
        await c.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'doc', IfMatch: etag })).catch((error: Error) => {
          code = error.name;
          throw error;
        });
      },
      'public text',
    );
    expect(outcome).toMatchObject({ refused: true, tags: 'classification=secret' });
    expect(code).toBe('AccessDenied');
  });
  it('DeleteObjects with an ETag (the entry is refused, the secret object stays)', async () => {
    let errors: unknown[] | undefined;
    const outcome = await run(
      's3:GetObject',
      async (c, etag) => {
        const answer = await c.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'doc', ETag: etag }] } }));
        errors = answer.Errors;
      },
      'public text',
    );
    expect(outcome.tags).toBe('classification=secret');
    expect(errors).toMatchObject([{ Key: 'doc', Code: 'AccessDenied' }]);
  });
});
