/**
 * The request the policy suites put to S3's allow rule (`evaluateS3Access`): the bucket owner's
 * account root reading one object of bucket `reports` over TLS in us-east-1, with no bucket
 * policy, each suite changing only what its cases are about.
 */

import { rootPrincipal } from '@strongbox/service-kernel';
import type { S3AccessRequest } from '../../src/index.ts';

/** The bucket owner's account. */
export const OWNER = '111122223333';

/** The object the request reads unless told otherwise. */
export const OBJECT_ARN = 'arn:aws:s3:::reports/q1.csv';

/** A policy document (identity or bucket policy) of `statements`. */
export const policyOf = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/**
 * The owner's root reading `OBJECT_ARN` of a bucket without a policy, with `overrides` applied.
 * @example evaluateS3Access(accessRequest({ caller: ANONYMOUS_PRINCIPAL, bucketPolicy: policyOf(statement) }))
 */
export function accessRequest(overrides: Partial<S3AccessRequest> = {}): S3AccessRequest {
  return {
    caller: rootPrincipal('us-east-1', OWNER),
    action: 's3:GetObject',
    resource: OBJECT_ARN,
    bucketOwner: OWNER,
    bucketPolicy: undefined,
    region: 'us-east-1',
    secureTransport: true,
    now: Date.UTC(2026, 11, 7),
    ...overrides,
  };
}
