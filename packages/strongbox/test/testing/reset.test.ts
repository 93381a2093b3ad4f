/**
 * `resetStrongbox()`, the test helpers' per-test reset, signs its request (SigV4, service
 * `strongbox`), so it works against an endpoint started with `strictAuth` too, given a key allowed
 * `strongbox:Reset`; and, as an SDK does, it signs again at the endpoint's time once a test has
 * moved the emulator's clock past the signature's five minutes.
 */

import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { parseUsers } from '@strongbox/kms';
import { afterEach, describe, expect, it } from 'vitest';
import { createStrongbox, type Strongbox } from '../../src/index.ts';
import { resetStrongbox } from '../../src/testing/vitest.ts';

const users = parseUsers(
  JSON.stringify({
    users: [
      {
        accessKeyId: 'AKIAOPS',
        secretAccessKey: 'ops-secret',
        principal: 'arn:aws:iam::000000000000:user/ops',
        policy: { allow: ['strongbox:Reset', 's3:*'] },
      },
    ],
  }),
);
const ops = { accessKeyId: 'AKIAOPS', secretAccessKey: 'ops-secret' };

const opened: { sb: Strongbox; s3: S3Client }[] = [];
afterEach(async () => {
  for (const { sb, s3 } of opened.splice(0)) {
    s3.destroy();
    await sb.close();
  }
});

/** A strictAuth endpoint on a port, and an S3 client signing as `ops`, as a test suite has them. */
async function strictEndpoint(): Promise<{ sb: Strongbox; endpoint: string; s3: S3Client }> {
  const sb = await createStrongbox({ strictAuth: true, users });
  const { url } = await sb.listen();
  const s3 = new S3Client({ endpoint: url, region: 'us-east-1', credentials: ops, forcePathStyle: true });
  opened.push({ sb, s3 });
  return { sb, endpoint: url, s3 };
}

describe('resetStrongbox against a strictAuth endpoint', () => {
  it('resets when signed by a key allowed strongbox:Reset', async () => {
    const { endpoint, s3 } = await strictEndpoint();
    await s3.send(new CreateBucketCommand({ Bucket: 'kept-until-reset' }));
    await resetStrongbox({ endpoint, credentials: ops });
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });

  it('is refused with the admin API’s answer when signed by the public test key or a wrong secret, and nothing is reset', async () => {
    const { endpoint, s3 } = await strictEndpoint();
    await s3.send(new CreateBucketCommand({ Bucket: 'still-here' }));
    await expect(resetStrongbox(endpoint)).rejects.toThrow(
      /^POST \/_strongbox\/reset answered 403: .*"__type":"AccessDeniedException".*not authorized to perform: strongbox:Reset/,
    );
    await expect(resetStrongbox({ endpoint, credentials: { ...ops, secretAccessKey: 'wrong' } })).rejects.toThrow(
      /^POST \/_strongbox\/reset answered 403: .*"__type":"InvalidSignatureException"/,
    );
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((bucket) => bucket.Name)).toEqual(['still-here']);
  });

  it('signs again at the endpoint’s time after a test moved the clock a day ahead, and the clock is back after', async () => {
    const { sb, endpoint } = await strictEndpoint();
    sb.controls.clock.advance(86_400_000);
    await resetStrongbox({ endpoint, credentials: ops });
    expect(sb.controls.clock.offsetMs).toBe(0);
  });
});

describe('resetStrongbox against a default endpoint', () => {
  it('resets, its signature unchecked as every request’s is by default', async () => {
    const sb = await createStrongbox();
    const { url } = await sb.listen();
    const s3 = new S3Client({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true });
    opened.push({ sb, s3 });
    await s3.send(new CreateBucketCommand({ Bucket: 'gone-after-reset' }));
    await resetStrongbox(url);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });
});
