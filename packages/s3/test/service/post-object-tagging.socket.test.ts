/**
 * A POST form's `tagging` field (a Tagging document: "The specified set of tags to add to the
 * object", POST Object) and `x-amz-storage-class`, in forms made by `@aws-sdk/s3-presigned-post`'s
 * `createPresignedPost` and posted over a socket: the object keeps both; a document S3 would
 * refuse stores nothing; the field is the request's tags for `s3:RequestObjectTag/<key>`.
 */

import { GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterEach, describe, expect, it } from 'vitest';
import { served } from '../helpers/wire.ts';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function start(): Promise<S3Client> {
  const fixture = await served('uploads');
  closing.push(fixture.close);
  return fixture.client;
}

/** Posts a form presigned with `fields` (each also a condition), the file last. */
async function post(client: S3Client, key: string, fields: Record<string, string>): Promise<{ status: number; body: string }> {
  const presigned = await createPresignedPost(client, { Bucket: 'uploads', Key: key, Fields: fields });
  const form = new FormData();
  for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
  form.append('file', new Blob(['bytes']), 'upload.bin');
  const response = await fetch(presigned.url, { method: 'POST', body: form });
  return { status: response.status, body: await response.text() };
}

const tagging = (...pairs: [string, string][]): string =>
  `<Tagging><TagSet>${pairs.map(([key, value]) => `<Tag><Key>${key}</Key><Value>${value}</Value></Tag>`).join('')}</TagSet></Tagging>`;

describe('a POST form', () => {
  it('tags the object with its tagging field and keeps its storage class', async () => {
    const client = await start();
    const answer = await post(client, 'tagged', { tagging: tagging(['project', 'blue'], ['team', 'a b']), 'x-amz-storage-class': 'STANDARD_IA' });
    expect(answer.status).toBe(204);
    const tags = (await client.send(new GetObjectTaggingCommand({ Bucket: 'uploads', Key: 'tagged' }))).TagSet;
    expect(tags).toEqual([
      { Key: 'project', Value: 'blue' },
      { Key: 'team', Value: 'a b' },
    ]);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'tagged' }));
    expect([head.TagCount, head.StorageClass]).toEqual([2, 'STANDARD_IA']);
  });

  it.each([
    ['a key twice', tagging(['a', '1'], ['a', '2']), 'InvalidTag'],
    ['a document that is not Tagging', '<Tags><TagSet></TagSet></Tags>', 'MalformedXML'],
    ['11 tags', tagging(...Array.from({ length: 11 }, (_, index): [string, string] => [`k${index}`, ''])), 'BadRequest'],
  ])('with %s is refused 400 %s and stores nothing', async (_name, document, code) => {
    const client = await start();
    const answer = await post(client, 'refused', { tagging: document });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain(`<Code>${code}</Code>`);
    expect((await client.send(new ListObjectsV2Command({ Bucket: 'uploads' }))).Contents ?? []).toEqual([]);
  });
});

describe('a POST form under a bucket policy on s3:RequestObjectTag/<key>', () => {
  it('its tagging field is the request’s tags: project=blue passes, another value or none is 403 and stores nothing', async () => {
    const client = await start();
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::uploads/*',
          Condition: { StringNotEquals: { 's3:RequestObjectTag/project': 'blue' } },
        },
      ],
    });
    await client.send(new PutBucketPolicyCommand({ Bucket: 'uploads', Policy }));
    expect((await post(client, 'blue', { tagging: tagging(['project', 'blue']) })).status).toBe(204);
    for (const fields of [{ tagging: tagging(['project', 'red']) }, {}]) {
      const answer = await post(client, 'refused', fields);
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('<Code>AccessDenied</Code>');
    }
    expect(((await client.send(new ListObjectsV2Command({ Bucket: 'uploads' }))).Contents ?? []).map((object) => object.Key)).toEqual(['blue']);
  });
});
