/**
 * POST Object (browser-based uploads) on a real socket: forms made by the official
 * `@aws-sdk/s3-presigned-post` `createPresignedPost`, sent with `fetch` and `FormData` as a
 * browser app sends them, and the object read back with `S3Client`. Each refusal is S3's answer as
 * captured (LocalStack's TestS3PresignedPost, recorded against S3) and stores nothing.
 */

import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { createSigV4Authenticator, ManualClock, NO_USERS, parseUsers, withDefaultUser } from '@strongbox/service-kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Handler } from '../../src/index.ts';
import { ACCOUNT, CREDENTIALS, listen, REGION, type WireEngine, wireEngine } from '../helpers/wire.ts';

interface Running {
  readonly engine: WireEngine;
  readonly url: string;
  readonly client: S3Client;
  readonly clock: ManualClock;
  close(): Promise<void>;
}

const running: Running[] = [];
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

async function start(options: Parameters<typeof wireEngine>[0] = {}): Promise<Running> {
  const clock = new ManualClock(Date.now());
  const engine = wireEngine({ ...options, engine: { clock, ...options.engine } });
  const server = await listen(engine.handler);
  const client = new S3Client({ endpoint: server.url, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  await client.send(new CreateBucketCommand({ Bucket: 'uploads' }));
  const started: Running = {
    engine,
    url: server.url,
    client,
    clock,
    close: async () => {
      client.destroy();
      await server.close();
      await engine.close();
    },
  };
  running.push(started);
  return started;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** Sends a presigned form with its file last, as a browser does. */
async function post(presigned: PresignedPost, file: Blob | string, filename = 'photo.jpg', after: Record<string, string> = {}): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
  if (typeof file === 'string') form.append('file', file);
  else form.append('file', file, filename);
  for (const [name, value] of Object.entries(after)) form.append(name, value);
  const response = await fetch(presigned.url, { method: 'POST', body: form, redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

const ENTITIES: Readonly<Record<string, string>> = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' };

/** An error document's elements, their text unescaped. */
function errorOf(answer: Answer): Record<string, string> {
  const fields: Record<string, string> = {};
  const text = (value: string): string => value.replace(/&(quot|apos|lt|gt|amp);/g, (_, name: string) => ENTITIES[name] as string);
  for (const match of answer.body.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) fields[match[1] as string] = text(match[2] as string);
  return fields;
}

async function keys(server: Running): Promise<string[]> {
  const { Contents } = await server.client.send(new ListObjectsV2Command({ Bucket: 'uploads' }));
  return (Contents ?? []).map((object) => object.Key as string);
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's form variable, written literally.
const FILENAME = '${filename}';

const md5 = (text: string): string => `"${createHash('md5').update(text).digest('hex')}"`;

describe('a presigned POST form', () => {
  it('stores the file under the key with its metadata and Content-Type, encrypted with SSE-S3 by default, and answers 204', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, {
      Bucket: 'uploads',
      Key: `user/1/${FILENAME}`,
      Conditions: [['starts-with', '$key', 'user/1/'], { 'Content-Type': 'image/jpeg' }, { 'x-amz-meta-Origin': 'browser' }],
      Fields: { 'Content-Type': 'image/jpeg', 'x-amz-meta-Origin': 'browser' },
    });
    const answer = await post(presigned, new Blob(['jpeg bytes']), 'C:\\pictures\\photo.jpg');
    expect(answer.status).toBe(204);
    expect(answer.body).toBe('');
    expect(answer.headers.get('etag')).toBe(md5('jpeg bytes'));
    expect(answer.headers.get('x-amz-server-side-encryption')).toBe('AES256');
    expect(answer.headers.get('location')).toBe(`${server.url}/uploads/user%2F1%2Fphoto.jpg`);
    const head = await server.client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'user/1/photo.jpg' }));
    expect(head).toMatchObject({ ContentType: 'image/jpeg', Metadata: { origin: 'browser' }, ServerSideEncryption: 'AES256', ContentLength: 10 });
    const got = await server.client.send(new GetObjectCommand({ Bucket: 'uploads', Key: 'user/1/photo.jpg' }));
    expect(await got.Body?.transformToString()).toBe('jpeg bytes');
  });

  it('answers 201 with a PostResponse document, 200 empty, or 303 to success_action_redirect with bucket, key and etag', async () => {
    const server = await start();
    const created = await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'a b/c', Fields: { success_action_status: '201' } });
    const answer = await post(created, 'one');
    expect(answer.status).toBe(201);
    expect(answer.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${server.url}/uploads/a%20b%2Fc</Location><Bucket>uploads</Bucket><Key>a b/c</Key><ETag>&quot;${md5('one').slice(1, -1)}&quot;</ETag></PostResponse>`,
    );
    const ok = await post(await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'k', Fields: { success_action_status: '200' } }), 'two');
    expect([ok.status, ok.body]).toEqual([200, '']);
    const redirect = await createPresignedPost(server.client, {
      Bucket: 'uploads',
      Key: 'a b/c',
      Fields: { success_action_redirect: 'https://app.example/done?x=1' },
    });
    const redirected = await post(redirect, 'three');
    expect(redirected.status).toBe(303);
    expect(redirected.headers.get('location')).toBe(`https://app.example/done?x=1&bucket=uploads&key=a+b%2Fc&etag=%22${md5('three').slice(1, -1)}%22`);
    // "If Amazon S3 cannot interpret the URL, it acts as if the field is not present."
    const relative = await post(
      await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'k', Fields: { success_action_redirect: '/done' } }),
      'four',
    );
    expect(relative.status).toBe(204);
  });

  it('keeps the filename variable as written when the file part has no filename, and ignores fields after the file', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, { Bucket: 'uploads', Key: `raw-${FILENAME}` });
    const answer = await post(presigned, 'as a field', undefined, { 'x-amz-meta-late': 'ignored' });
    expect(answer.status).toBe(204);
    const head = await server.client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: `raw-${FILENAME}` }));
    expect(head.Metadata).toEqual({});
  });
});

describe('success_action_redirect', () => {
  it('is answered as the form sent it, with bucket, key and etag appended', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, {
      Bucket: 'uploads',
      Key: 'k',
      Fields: { success_action_redirect: 'https://App.Example' },
    });
    const answer = await post(presigned, 'x');
    expect(answer.status).toBe(303);
    // Not `https://app.example/?…`, what a URL parser would make of it.
    expect(answer.headers.get('location')).toBe(`https://App.Example?bucket=uploads&key=k&etag=%22${md5('x').slice(1, -1)}%22`);
  });

  it('with line breaks is answered as its parsed URL: 303, no header injected', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, {
      Bucket: 'uploads',
      Key: 'k',
      Conditions: [['starts-with', '$success_action_redirect', 'https://']],
    });
    presigned.fields['success_action_redirect'] = 'https://app.example/done\r\nSet-Cookie: a=b';
    const answer = await post(presigned, 'x');
    expect(answer.status).toBe(303);
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(answer.headers.get('location')).toBe(`https://app.example/doneSet-Cookie:%20a=b?bucket=uploads&key=k&etag=%22${md5('x').slice(1, -1)}%22`);
  });
});

describe('query parameters on the form URL', () => {
  it('that name no subresource: still a form upload (not a request without a key)', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'q' });
    const answer = await post({ ...presigned, url: `${presigned.url}?utm_source=mail` }, new Blob(['x']));
    expect(answer.status).toBe(204);
    expect(await keys(server)).toEqual(['q']);
    const notForm = await fetch(`${server.url}/uploads?utm_source=mail`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
    expect([notForm.status, errorOf({ status: notForm.status, headers: notForm.headers, body: await notForm.text() }).Code]).toEqual([
      412,
      'PreconditionFailed',
    ]);
  });
});

describe('the filename variable', () => {
  it('takes the file name literally, $ patterns included', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, {
      Bucket: 'uploads',
      Key: `user/1/${FILENAME}`,
      Conditions: [['starts-with', '$key', 'user/1/']],
    });
    const answer = await post(presigned, new Blob(['x']), "$`a$&b$'c");
    expect(answer.status).toBe(204);
    expect(await keys(server)).toEqual(["user/1/$`a$&b$'c"]);
  });
});

describe('a form S3 refuses, refused the same way and storing nothing', () => {
  it('a condition that fails: 403 AccessDenied quoting the condition', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, {
      Bucket: 'uploads',
      Key: 'k',
      Conditions: [['eq', '$success_action_redirect', 'http://localhost.test/random']],
      Fields: { success_action_redirect: 'http://localhost.test/random' },
    });
    presigned.fields['success_action_redirect'] = 'http://wrong.location/test';
    const answer = await post(presigned, 'x');
    expect(answer.status).toBe(403);
    expect(errorOf(answer)).toMatchObject({
      Code: 'AccessDenied',
      Message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$success_action_redirect", "http://localhost.test/random"]',
    });
    expect(await keys(server)).toEqual([]);
  });

  it('a field no condition names: 403 Extra input fields', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'k' });
    const answer = await post({ ...presigned, fields: { ...presigned.fields, 'Content-Type': 'text/plain' } }, 'x');
    expect([answer.status, errorOf(answer).Message]).toEqual([403, 'Invalid according to Policy: Extra input fields: Content-Type']);
    expect(await keys(server)).toEqual([]);
  });

  it('an expired policy: 403 Policy expired', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'k', Expires: 60 });
    server.clock.advance(61_000);
    const answer = await post(presigned, 'x');
    expect([answer.status, errorOf(answer).Code, errorOf(answer).Message]).toEqual([403, 'AccessDenied', 'Invalid according to Policy: Policy expired.']);
    expect(await keys(server)).toEqual([]);
  });

  it('a file outside content-length-range: 400 EntityTooLarge / EntityTooSmall with the sizes; the bounds are inclusive', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'k', Conditions: [['content-length-range', 5, 10]] });
    const large = await post(presigned, 'a'.repeat(12));
    expect([large.status, errorOf(large)]).toEqual([
      400,
      expect.objectContaining({
        Code: 'EntityTooLarge',
        Message: 'Your proposed upload exceeds the maximum allowed size',
        ProposedSize: '12',
        MaxSizeAllowed: '10',
      }),
    ]);
    const small = await post(presigned, 'a');
    expect(errorOf(small)).toMatchObject({ Code: 'EntityTooSmall', ProposedSize: '1', MinSizeAllowed: '5' });
    expect(await keys(server)).toEqual([]);
    expect((await post(presigned, 'a'.repeat(5))).status).toBe(204);
    expect((await post(presigned, 'a'.repeat(10))).status).toBe(204);
  });

  it('a file over content-length-range is answered 400 EntityTooLarge once the limit is passed, before the client has sent the rest', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'big', Conditions: [['content-length-range', 0, 1024]] });
    const boundary = 'strongbox-boundary';
    const head = Buffer.from(
      `${Object.entries(presigned.fields)
        .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
        .join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const fileSize = 64 * 1024 * 1024;
    const sent = 256 * 1024;
    const outgoing = httpRequest(presigned.url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + fileSize + tail.length) },
    });
    // Only the start of the 64 MiB file is ever sent: the answer must come without the rest.
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      outgoing.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      outgoing.on('error', reject);
    });
    outgoing.write(head);
    outgoing.write(Buffer.alloc(sent, 0x61));
    const answer = await answered;
    outgoing.destroy();
    const error = errorOf({ status: answer.status, headers: new Headers(), body: answer.body });
    expect([answer.status, error.Code, error.MaxSizeAllowed]).toEqual([400, 'EntityTooLarge', '1024']);
    // The bytes received when the limit was passed: more than the limit, no more than was sent.
    expect(Number(error.ProposedSize)).toBeGreaterThan(1024);
    expect(Number(error.ProposedSize)).toBeLessThanOrEqual(sent);
    expect(await keys(server)).toEqual([]);
  });

  it('a tampered policy: 403 SignatureDoesNotMatch with the policy as StringToSign', async () => {
    const server = await start({ strict: true });
    const presigned = await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'k' });
    const policy = presigned.fields['Policy'] as string;
    const answer = await post({ ...presigned, fields: { ...presigned.fields, Policy: policy.slice(0, -4) } }, 'x');
    expect(answer.status).toBe(403);
    expect(errorOf(answer)).toMatchObject({
      Code: 'SignatureDoesNotMatch',
      AWSAccessKeyId: 'test',
      StringToSign: policy.slice(0, -4),
      SignatureProvided: presigned.fields['X-Amz-Signature'],
    });
    expect(await keys(server)).toEqual([]);
  });

  it('an unknown access key under strict authentication: 403 InvalidAccessKeyId', async () => {
    const server = await start({ strict: true });
    const stranger = new S3Client({
      endpoint: server.url,
      region: REGION,
      credentials: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' },
      forcePathStyle: true,
    });
    const answer = await post(await createPresignedPost(stranger, { Bucket: 'uploads', Key: 'k' }), 'x');
    stranger.destroy();
    expect([answer.status, errorOf(answer).Code, errorOf(answer).AWSAccessKeyId]).toEqual([403, 'InvalidAccessKeyId', 'AKIDSTRANGER']);
    expect(await keys(server)).toEqual([]);
  });

  it('missing signing fields: 400 InvalidArgument naming the first; none at all is anonymous (403 under strict authentication)', async () => {
    const server = await start({ strict: true });
    const presigned = await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'k' });
    const { 'X-Amz-Algorithm': _a, 'X-Amz-Credential': _c, ...partial } = presigned.fields;
    const answer = await post({ ...presigned, fields: partial }, 'x');
    expect(errorOf(answer)).toMatchObject({
      Code: 'InvalidArgument',
      Message: "Bucket POST must contain a field named 'X-Amz-Algorithm'.  If it is specified, please check the order of the fields.",
      ArgumentName: 'X-Amz-Algorithm',
    });
    const anonymous = await post({ ...presigned, fields: { key: 'k', Policy: presigned.fields['Policy'] as string } }, 'x');
    expect([anonymous.status, errorOf(anonymous).Code, errorOf(anonymous).Message]).toEqual([403, 'AccessDenied', 'Access Denied']);
    expect(await keys(server)).toEqual([]);
  });

  it('a handler that authenticates but has no POST policy verifier refuses a signed form (403) instead of running it unverified', async () => {
    const server = await start({ strict: true });
    const users = withDefaultUser(NO_USERS, ACCOUNT, REGION);
    const authenticate = createSigV4Authenticator({ users, strict: true, account: ACCOUNT, region: REGION, service: 's3', payloadMode: 's3' });
    const bare = await listen(createS3Handler(server.engine.s3, { authenticate }));
    try {
      // A forged form: an unknown key, a signature that signs nothing, a policy naming every field.
      const credential = 'AKIDNOBODY/20260101/us-east-1/s3/aws4_request';
      const fields = { key: 'forged', 'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': credential, 'x-amz-date': '20260101T000000Z' };
      const conditions = Object.entries(fields).map(([name, value]) => ({ [name]: value }));
      const policy = Buffer.from(JSON.stringify({ expiration: '2099-01-01T00:00:00Z', conditions })).toString('base64');
      const answer = await post({ url: `${bare.url}/uploads`, fields: { ...fields, 'x-amz-signature': 'ff', policy } }, 'x');
      expect([answer.status, errorOf(answer).Code]).toEqual([403, 'AccessDenied']);
      expect(await keys(server)).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('a form without key, a body that is not a form, a form without a file', async () => {
    const server = await start();
    const presigned = await createPresignedPost(server.client, { Bucket: 'uploads', Key: 'k' });
    const { key: _key, ...withoutKey } = presigned.fields;
    // The key after the file is not read (S3 reports it missing).
    const late = await post({ ...presigned, fields: withoutKey }, 'x', 'f', { key: 'k' });
    expect(errorOf(late)).toMatchObject({ Code: 'InvalidArgument', ArgumentName: 'key' });
    const notForm = await fetch(presigned.url, { method: 'POST', body: 'plain', headers: { 'content-type': 'text/html' } });
    expect(notForm.status).toBe(412);
    expect(errorOf({ status: 412, headers: notForm.headers, body: await notForm.text() })).toMatchObject({
      Code: 'PreconditionFailed',
      Condition: 'Bucket POST must be of the enclosure-type multipart/form-data',
    });
    const form = new FormData();
    for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
    const noFile = await fetch(presigned.url, { method: 'POST', body: form });
    const text = await noFile.text();
    expect([noFile.status, errorOf({ status: 400, headers: noFile.headers, body: text })]).toEqual([
      400,
      expect.objectContaining({
        Code: 'InvalidArgument',
        Message: 'POST requires exactly one file upload per request.',
        ArgumentName: 'file',
        ArgumentValue: '0',
      }),
    ]);
    expect(await keys(server)).toEqual([]);
  });
});

describe('PostObject authorized as PutObject', () => {
  it('is recorded as a PostObject data event of its signer, refusals with their code', async () => {
    const users = parseUsers({
      users: [{ accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret', principal: `arn:aws:iam::${ACCOUNT}:user/alice`, policy: ALLOW_ALL }],
    });
    const server = await start({ strict: true, users, engine: { dataEvents: true } });
    const alice = new S3Client({
      endpoint: server.url,
      region: REGION,
      credentials: { accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret' },
      forcePathStyle: true,
    });
    expect((await post(await createPresignedPost(alice, { Bucket: 'uploads', Key: 'k' }), 'x')).status).toBe(204);
    expect((await post(await createPresignedPost(alice, { Bucket: 'uploads', Key: 'k', Conditions: [['content-length-range', 5, 10]] }), 'x')).status).toBe(
      400,
    );
    alice.destroy();
    const events = server.engine.s3.auditTrail.events().filter((event) => event.eventName === 'PostObject');
    expect(events.map((event) => [event.caller.arn, event.errorCode])).toEqual([
      [`arn:aws:iam::${ACCOUNT}:user/alice`, undefined],
      [`arn:aws:iam::${ACCOUNT}:user/alice`, 'EntityTooSmall'],
    ]);
  });

  it('a bucket policy denying uploads without aws:kms refuses the form as it refuses PutObject', async () => {
    const users = parseUsers({
      users: [{ accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret', principal: `arn:aws:iam::${ACCOUNT}:user/alice`, policy: ALLOW_ALL }],
    });
    const server = await start({ strict: true, users });
    await server.client.send(
      new PutBucketPolicyCommand({
        Bucket: 'uploads',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: 'arn:aws:s3:::uploads/*',
              Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
            },
          ],
        }),
      }),
    );
    const alice = new S3Client({
      endpoint: server.url,
      region: REGION,
      credentials: { accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret' },
      forcePathStyle: true,
    });
    const answer = await post(await createPresignedPost(alice, { Bucket: 'uploads', Key: 'k' }), 'x');
    alice.destroy();
    expect(answer.status).toBe(403);
    expect(errorOf(answer).Message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::uploads/k" with an explicit deny in a resource-based policy`,
    );
    expect(await keys(server)).toEqual([]);
  });
});
