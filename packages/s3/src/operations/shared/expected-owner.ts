/**
 * @module
 * The bucket owner condition (UG "Verifying bucket ownership with bucket owner condition",
 * `bucket-owner-condition`): `x-amz-expected-bucket-owner` on every bucket and object operation,
 * and `x-amz-source-expected-bucket-owner` for the source of CopyObject and UploadPartCopy. S3
 * checks the bucket's owning account before processing the request and answers a mismatch 403
 * AccessDenied.
 *
 * Written once for every operation: `withBucketOwnerCondition` adds the header bindings to each
 * definition addressing a bucket and checks them before its handler runs, after the bucket is found
 * (a missing bucket stays the handler's NoSuchBucket) and before anything is authorized or done.
 * The order among S3's other checks (the Region redirect, `refuseOtherRegion`, comes after it
 * here), and S3's answer to a value that is not an account id, are UNCONFIRMED (a mismatch either
 * way).
 */

import { S3Error } from '../../errors.ts';
import { parseCopySource } from '../../model/copy-source.ts';
import { header } from '../../protocol/binding.ts';
import type { OperationDefinition, S3OperationContext } from '../types.ts';
import { bucketRecord } from './buckets.ts';

/** The members the condition reads, as the SDK names them. */
interface OwnerMembers {
  readonly Bucket?: unknown;
  readonly ExpectedBucketOwner?: unknown;
  readonly CopySource?: unknown;
  readonly ExpectedSourceBucketOwner?: unknown;
}

/** The operations whose request names a copy source (model `ExpectedSourceBucketOwner`). */
const COPY_OPERATIONS: ReadonlySet<string> = new Set(['CopyObject', 'UploadPartCopy']);

/**
 * The definition with the bucket owner condition: its header bindings added and checked before
 * the handler. Operations that address no existing bucket (ListBuckets, CreateBucket) are returned
 * as they are.
 * @example withBucketOwnerCondition(putObject)
 */
export function withBucketOwnerCondition<Definition extends OperationDefinition>(definition: Definition): Definition {
  const { rest } = definition;
  if (rest.path === 'service' || definition.name === 'CreateBucket') return definition;
  const copies = COPY_OPERATIONS.has(definition.name);
  const members = {
    ...rest.request?.members,
    ExpectedBucketOwner: header('x-amz-expected-bucket-owner'),
    ...(copies ? { ExpectedSourceBucketOwner: header('x-amz-source-expected-bucket-owner') } : {}),
  };
  const handler = definition.handler;
  return {
    ...definition,
    rest: { ...rest, request: { ...rest.request, members } },
    async handler(input: unknown, context: S3OperationContext) {
      const owners = (input ?? {}) as OwnerMembers;
      await checkOwner(owners.Bucket, owners.ExpectedBucketOwner, context, definition.regionOnDenial === true);
      if (copies && owners.ExpectedSourceBucketOwner !== undefined && typeof owners.CopySource === 'string') {
        // A malformed source is left to the handler's own error.
        const source = safeCopySourceBucket(owners.CopySource);
        if (source !== undefined) await checkOwner(source, owners.ExpectedSourceBucketOwner, context);
      }
      return handler.call(definition, input, context);
    },
  };
}

/**
 * @param withRegion - the 403 carries the bucket's Region in `x-amz-bucket-region`: the definition
 *   declares it (`OperationDefinition.regionOnDenial`, HeadBucket's, which answers the Region
 *   "regardless of the permissions on the bucket", S3 API reference).
 * @throws S3Error AccessDenied when the bucket exists and another account owns it.
 */
async function checkOwner(bucket: unknown, expected: unknown, context: S3OperationContext, withRegion = false): Promise<void> {
  if (expected === undefined || typeof bucket !== 'string') return;
  const info = await context.store.getBucket(bucket);
  if (info === undefined) return;
  const record = bucketRecord(info);
  if (record.owner !== String(expected)) throw new S3Error('AccessDenied', withRegion ? { bucketRegion: record.region } : {});
}

function safeCopySourceBucket(value: string): string | undefined {
  try {
    return parseCopySource(value).bucket;
  } catch {
    return undefined;
  }
}
