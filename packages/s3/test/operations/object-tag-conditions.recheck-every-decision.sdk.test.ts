/**
 * The tag re-check on every decision and every pinned source, through the official `@aws-sdk/client-s3` and the in-process handler. Each swaps a secret object in right
 * after authorization read the key's tags, so only the re-check on the record served can refuse it.
 *
 * 1. GetObjectAttributes decides two actions on one object (s3:GetObjectAttributes and
 *    s3:GetObject, API reference "Permissions"), each on the object's tags: a Deny on the second
 *    must be re-checked too, so the re-check keeps every decision on an object (`sameCheck` tells
 *    actions apart) and re-takes each, not only the first.
 * 2. UploadPartCopy's source: the pinned source is re-checked, as CopyObject's is.
 */

import { CreateMultipartUploadCommand, GetObjectAttributesCommand, PutBucketPolicyCommand, PutObjectCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { denyTagged } from '../helpers/tag-deny.ts';
import { type WatchedEngine, watchedEngine } from '../helpers/watched-store.ts';
import { sdkError } from '../helpers/wire.ts';

/** An engine on a watched store whose swap writes the armed key again, tagged secret, by the owner. */
function racingEngine(): Promise<WatchedEngine> {
  return watchedEngine((client, key) => client.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: 'TOP SECRET', Tagging: 'classification=secret' })));
}

describe('every decision on an object is re-checked, not only the first', () => {
  it('GetObjectAttributes: a tag Deny on s3:GetObject alone refuses a secret object swapped in after the tag read', async () => {
    const { client: owner, arm, close } = await racingEngine();
    try {
      await owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'doc', Body: 'public text', Tagging: 'classification=public' }));
      // s3:GetObjectAttributes is decided on the tags too (its own Deny, on another value), so
      // both decisions read them; only the s3:GetObject one refuses a secret object.
      const statements = [denyTagged('s3:GetObjectAttributes', 'attributes-secret'), denyTagged('s3:GetObject', 'secret')];
      await owner.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
      const attributes = new GetObjectAttributesCommand({ Bucket: 'data', Key: 'doc', ObjectAttributes: ['ETag', 'ObjectSize'] });
      // Not raced: the public object's attributes are answered.
      expect((await owner.send(attributes)).ObjectSize).toBe('public text'.length);
      arm('doc');
      const error = await sdkError(owner.send(attributes));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
      // Without the race, the Deny decides at authorization, as it does here.
      const again = await sdkError(owner.send(attributes));
      expect([again.name, again.message]).toEqual([error.name, error.message]);
    } finally {
      await close();
    }
  });
});

describe('UploadPartCopy re-checks its pinned source', () => {
  it('a secret source swapped in after the tag read is AccessDenied, and no part is copied from it', async () => {
    const { client: owner, arm, close } = await racingEngine();
    try {
      await owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'public text', Tagging: 'classification=public' }));
      const { UploadId } = await owner.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'destination' }));
      await owner.send(
        new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [denyTagged('s3:GetObject', 'secret')] }) }),
      );
      const copy = (PartNumber: number) => new UploadPartCopyCommand({ Bucket: 'data', Key: 'destination', UploadId, PartNumber, CopySource: 'data/source' });
      // Not raced: the public source is copied.
      expect((await owner.send(copy(1))).CopyPartResult?.ETag).toBeDefined();
      arm('source');
      const error = await sdkError(owner.send(copy(2)));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
      const again = await sdkError(owner.send(copy(3)));
      expect([again.name, again.message]).toEqual([error.name, error.message]);
    } finally {
      await close();
    }
  });
});
