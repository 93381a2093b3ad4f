/**
 * @module
 * CreateBucket: a general purpose bucket owned by the caller's account, in the Region of the
 * endpoint. A fresh bucket's default encryption is SSE-S3 with SSE-C blocked (since April 2026),
 * except in the two Regions the rollout left out (`newBucketEncryption`).
 * Errors from the CreateBucket API reference: a name taken by another account is 409
 * BucketAlreadyExists; one the caller owns is 409 BucketAlreadyOwnedByYou in every Region but
 * us-east-1, where "for legacy compatibility" S3 answers 200 OK; a LocationConstraint naming
 * another Region than the endpoint's is 400 IllegalLocationConstraintException.
 */

import { S3Error } from '../errors.ts';
import { header, struct, xmlPayload } from '../protocol/binding.ts';
import { bucketParameters } from './shared/audit.ts';
import { bucketArn, bucketRecord, newBucketFields, requireBucketName } from './shared/buckets.ts';
import type { OperationDefinition } from './types.ts';

/** CreateBucket request. */
export interface CreateBucketRequest {
  Bucket: string;
  CreateBucketConfiguration?: { LocationConstraint?: string };
}

/** CreateBucket response. */
export interface CreateBucketResponse {
  /** `/bucket` in us-east-1, the bucket's virtual-hosted URL elsewhere (as S3's `Location` header). */
  Location: string;
}

const US_EAST_1 = 'us-east-1';
/**
 * How many times CreateBucket tries again after finding the bucket there and then gone. Each try
 * needs a DeleteBucket to have come in between; bounded so that a store that keeps answering so
 * (a caller's own `ObjectStore`) cannot hold the process in a loop of settled promises.
 */
const CREATE_ROUNDS = 3;

/** CreateBucket. */
export const createBucket: OperationDefinition<'CreateBucket', CreateBucketRequest, CreateBucketResponse> = {
  name: 'CreateBucket',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Management',
  // PUT /{Bucket}, the configuration as the body (optional in us-east-1); Location as a header.
  rest: {
    method: 'PUT',
    path: 'bucket',
    request: { members: { CreateBucketConfiguration: xmlPayload('CreateBucketConfiguration', struct({ LocationConstraint: 'string' })) } },
    response: { members: { Location: header('location') } },
  },
  access: { action: 's3:CreateBucket', resource: 'newBucket' },

  async handler(input, context) {
    const name = requireBucketName(input.Bucket);
    const constraint = input.CreateBucketConfiguration?.LocationConstraint;
    // us-east-1 takes no constraint (or an empty one); elsewhere the constraint must name the
    // endpoint's Region.
    const expected = context.region === US_EAST_1 ? undefined : context.region;
    if (constraint !== undefined && constraint !== '' && constraint !== expected) {
      throw new S3Error('IllegalLocationConstraint', { detail: { value: constraint } });
    }
    context.touch(bucketArn(name), context.caller.account);
    // s3:CreateBucket, decided by the caller's identity policy (there is no bucket policy yet).
    await context.authorizeOperation(undefined);
    const location = context.region === US_EAST_1 ? `/${name}` : `http://${name}.s3.amazonaws.com/`;
    const fields = newBucketFields(context.caller.account, context.region);
    for (let round = 0; round < CREATE_ROUNDS; round++) {
      if (await context.store.createBucket(name, fields)) return { Location: location };
      const existing = await context.store.getBucket(name);
      // The bucket found there was deleted before its owner could be read (a DeleteBucket in
      // flight): S3 answers requests on one bucket as if one came after the other, so this one
      // comes after that delete and creates the bucket, instead of answering 500.
      if (existing === undefined) continue;
      if (bucketRecord(existing).owner !== context.caller.account) throw new S3Error('BucketAlreadyExists', { fields: [['BucketName', name]] });
      if (context.region === US_EAST_1) return { Location: location };
      throw new S3Error('BucketAlreadyOwnedByYou', { fields: [['BucketName', name]] });
    }
    // The bucket appeared and vanished again each round: others keep creating and deleting it.
    // S3 answers such a conflict 409 OperationAborted ("Try again").
    throw new S3Error('OperationAborted');
  },
  auditParameters: (input) => bucketParameters(input),
};
