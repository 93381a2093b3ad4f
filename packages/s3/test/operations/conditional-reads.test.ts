/** GetObject and HeadObject with If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';

const DAY = 86_400_000;
let s3: S3;
let etag: string;
let lastModified: Date;
beforeEach(async () => {
  s3 = new S3();
  await s3.createBucket({ Bucket: 'cond' });
  ({ ETag: etag } = await s3.putObject({ Bucket: 'cond', Key: 'k', Body: 'data' }));
  ({ LastModified: lastModified } = await s3.headObject({ Bucket: 'cond', Key: 'k' }));
});
afterEach(() => s3.close());

describe.each(['getObject', 'headObject'] as const)('%s conditions', (method) => {
  const read = async (conditions: Record<string, unknown>): Promise<{ ETag: string }> => {
    const answer = await s3[method]({ Bucket: 'cond', Key: 'k', ...conditions });
    if ('Body' in answer) await (answer.Body as { discard(): Promise<void> }).discard();
    return answer;
  };
  const failure = async (conditions: Record<string, unknown>): Promise<[number, string, unknown]> => {
    const error = await catchS3Async(() => read(conditions));
    return [error.status, error.code, error.fields.find(([name]) => name === 'Condition')?.[1]];
  };

  it('evaluates If-Match, then If-Unmodified-Since, then If-None-Match, then If-Modified-Since (LS-snapshot, by elimination)', async () => {
    const now = new Date();
    const yesterday = new Date(now.getTime() - DAY);
    expect(await failure({ IfModifiedSince: now, IfUnmodifiedSince: yesterday, IfMatch: 'etag123', IfNoneMatch: etag })).toEqual([
      412,
      'PreconditionFailed',
      'If-Match',
    ]);
    expect(await failure({ IfModifiedSince: now, IfUnmodifiedSince: yesterday, IfNoneMatch: etag })).toEqual([
      412,
      'PreconditionFailed',
      'If-Unmodified-Since',
    ]);
    expect(await failure({ IfModifiedSince: now, IfNoneMatch: etag })).toEqual([304, 'NotModified', undefined]);
    expect(await failure({ IfModifiedSince: now })).toEqual([304, 'NotModified', undefined]);
  });

  it('a 304 carries the ETag and Last-Modified (headers of a body-less answer)', async () => {
    const error = await catchS3Async(() => read({ IfNoneMatch: etag }));
    expect([error.status, error.message, error.fields]).toEqual([
      304,
      'Not Modified',
      [
        ['ETag', etag],
        ['Last-Modified', lastModified.toUTCString()],
      ],
    ]);
  });

  it('says "At least one of the pre-conditions you specified did not hold" on 412', async () => {
    const error = await catchS3Async(() => read({ IfMatch: '"nope"' }));
    expect([error.message, error.fields]).toEqual(['At least one of the pre-conditions you specified did not hold', [['Condition', 'If-Match']]]);
  });

  it('ignores an If-Modified-Since in the future, and compares ETags with or without quotes', async () => {
    await expect(read({ IfModifiedSince: new Date(Date.now() + DAY) })).resolves.toMatchObject({ ETag: etag });
    expect(await failure({ IfNoneMatch: etag.slice(1, -1) })).toEqual([304, 'NotModified', undefined]);
    await expect(read({ IfMatch: etag.slice(1, -1) })).resolves.toMatchObject({ ETag: etag });
    await expect(read({ IfMatch: `"other", ${etag}` })).resolves.toMatchObject({ ETag: etag });
    await expect(read({ IfMatch: '*' })).resolves.toMatchObject({ ETag: etag });
    expect(await failure({ IfNoneMatch: '*' })).toEqual([304, 'NotModified', undefined]);
  });

  it('compares times at whole seconds: the object’s own Last-Modified is unmodified-since and not modified-since', async () => {
    const header = new Date(Math.floor(lastModified.getTime() / 1000) * 1000);
    await expect(read({ IfUnmodifiedSince: header })).resolves.toMatchObject({ ETag: etag });
    expect(await failure({ IfModifiedSince: header })).toEqual([304, 'NotModified', undefined]);
    await expect(read({ IfModifiedSince: new Date(header.getTime() - 1000) })).resolves.toMatchObject({ ETag: etag });
    expect(await failure({ IfUnmodifiedSince: new Date(header.getTime() - 1000) })).toEqual([412, 'PreconditionFailed', 'If-Unmodified-Since']);
  });

  it('a holding If-Match overrides a failing If-Unmodified-Since; a present If-None-Match overrides If-Modified-Since', async () => {
    const yesterday = new Date(Date.now() - DAY);
    await expect(read({ IfMatch: etag, IfUnmodifiedSince: yesterday })).resolves.toMatchObject({ ETag: etag });
    await expect(read({ IfNoneMatch: '"other"', IfModifiedSince: new Date() })).resolves.toMatchObject({ ETag: etag });
  });

  it('takes HTTP-date strings and ignores one that does not parse', async () => {
    expect(await failure({ IfModifiedSince: new Date().toUTCString() })).toEqual([304, 'NotModified', undefined]);
    await expect(read({ IfModifiedSince: 'not a date', IfUnmodifiedSince: 'nor this' })).resolves.toMatchObject({ ETag: etag });
  });

  it('checks an SSE-C object’s key before its conditions, and its conditions before its Range', async () => {
    await s3.putBucketEncryption({ Bucket: 'cond', ...ALLOW_SSE_C });
    const key = sseC();
    await s3.putObject({ Bucket: 'cond', Key: 'c', Body: 'secret data', ...members(key) });
    const withoutKey = await catchS3Async(() => s3[method]({ Bucket: 'cond', Key: 'c', IfMatch: '"nope"' }));
    expect(withoutKey.code).toBe('InvalidRequest');
    const withKey = await catchS3Async(() => s3[method]({ Bucket: 'cond', Key: 'c', IfMatch: '"nope"', Range: 'bytes=100-', ...members(key) }));
    expect(withKey.code).toBe('PreconditionFailed');
  });
});
