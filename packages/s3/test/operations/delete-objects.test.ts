/** DeleteObjects: per-key Deleted and Errors, Quiet, missing keys, the 1..1000 bound; both stores. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { S3 } from '../../src/index.ts';
import { BACKENDS } from '../helpers/backends.ts';
import { catchS3Async } from '../helpers/errors.ts';

describe.each(BACKENDS)('DeleteObjects on the $name store', (backend) => {
  let s3: S3;
  beforeEach(async () => {
    s3 = backend.open();
    await s3.createBucket({ Bucket: 'batch' });
  });
  afterEach(() => s3.close());

  const put = (key: string): Promise<unknown> => s3.putObject({ Bucket: 'batch', Key: key, Body: key });
  const keysLeft = async (): Promise<string[]> => ((await s3.listObjectsV2({ Bucket: 'batch' })).Contents ?? []).map((object) => object.Key);

  it('deletes every key and lists each as Deleted, keys that do not exist included (LS-snapshot test_delete_objects)', async () => {
    await put('test-delete');
    await put('keep');
    const answer = await s3.deleteObjects({ Bucket: 'batch', Delete: { Objects: [{ Key: 'test-delete' }, { Key: 'c-wrong-key' }, { Key: 'a-wrong-key' }] } });
    expect(answer).toEqual({ Deleted: [{ Key: 'test-delete' }, { Key: 'c-wrong-key' }, { Key: 'a-wrong-key' }] });
    expect(await keysLeft()).toEqual(['keep']);
  });

  it('Quiet answers only the errors', async () => {
    await put('a');
    expect(await s3.deleteObjects({ Bucket: 'batch', Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }], Quiet: true } })).toEqual({});
    expect(await keysLeft()).toEqual([]);
  });

  it('a version id other than null is a NoSuchVersion entry and keeps the object; null deletes it', async () => {
    await put('v');
    const refused = await s3.deleteObjects({ Bucket: 'batch', Delete: { Objects: [{ Key: 'v', VersionId: 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD' }] } });
    expect(refused).toEqual({
      Errors: [{ Key: 'v', VersionId: 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD', Code: 'NoSuchVersion', Message: 'The specified version does not exist.' }],
    });
    expect(await keysLeft()).toEqual(['v']);
    expect(await s3.deleteObjects({ Bucket: 'batch', Delete: { Objects: [{ Key: 'v', VersionId: 'null' }], Quiet: true } })).toEqual({});
    expect(await keysLeft()).toEqual([]);
  });

  it('answers a failing key under Errors and still deletes the others', async () => {
    await put('a');
    await put('b');
    const { ETag } = await s3.putObject({ Bucket: 'batch', Key: 'c', Body: 'c' });
    const answer = await s3.deleteObjects({
      Bucket: 'batch',
      Delete: { Objects: [{ Key: 'a' }, { Key: 'k'.repeat(1025) }, { Key: 'b', ETag: '"0123"' }, { Key: 'c', ETag }] },
    });
    expect(answer.Deleted).toEqual([{ Key: 'a' }, { Key: 'c' }]);
    expect(answer.Errors?.map((error) => [error.Key.length, error.Code, error.Message])).toEqual([
      [1025, 'KeyTooLongError', 'Your key is too long'],
      [1, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'],
    ]);
    expect(await keysLeft()).toEqual(['b']);
  });

  it('an empty list, more than 1000 keys, or an entry without a Key is 400 MalformedXML and deletes nothing', async () => {
    await put('a');
    const lists: unknown[] = [
      [],
      Array.from({ length: 1001 }, (_, index) => ({ Key: `k${index}` })),
      [{ Key: 'a' }, {}],
      [{ Key: 'a' }, { Key: '' }],
      undefined,
    ];
    for (const Objects of lists) {
      const error = await catchS3Async(() => s3.deleteObjects({ Bucket: 'batch', Delete: { Objects: Objects as { Key: string }[] } }));
      expect([error.status, error.code, error.message]).toEqual([
        400,
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
      ]);
    }
    expect(await keysLeft()).toEqual(['a']);
  });

  it('takes exactly 1000 keys', async () => {
    await put('k999');
    const answer = await s3.deleteObjects({ Bucket: 'batch', Delete: { Objects: Array.from({ length: 1000 }, (_, index) => ({ Key: `k${index}` })) } });
    expect(answer.Deleted).toHaveLength(1000);
    expect(await keysLeft()).toEqual([]);
  });

  it('answers NoSuchBucket', async () => {
    expect((await catchS3Async(() => s3.deleteObjects({ Bucket: 'absent', Delete: { Objects: [{ Key: 'a' }] } }))).code).toBe('NoSuchBucket');
  });
});
