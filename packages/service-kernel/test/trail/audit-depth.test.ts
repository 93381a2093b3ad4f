/**
 * A request can carry JSON nested far deeper than any AWS shape within CloudTrail's 100 KB (a
 * bucket policy `[[[[…]]]]` is recorded parsed): the trail records such a field as omitted, so
 * neither recording it nor reading it back (LookupEvents writes events out with JSON.stringify)
 * exhausts the stack. Found by the hostile-input fuzzer (test/reliability/fuzz-s3.test.ts): it
 * was a 500 InternalError for PutBucketPolicy.
 */

import { describe, expect, it } from 'vitest';
import { type AuditEventInput, AuditTrail, jsonSize, principalFromArn } from '../../src/index.ts';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { a: value };
  return value;
}

const event = (parameters: Record<string, unknown>): AuditEventInput => ({
  eventTime: Date.UTC(2026, 0, 1),
  eventName: 'PutBucketPolicy',
  eventSource: 's3.amazonaws.com',
  resourceType: 'AWS::S3::Bucket',
  region: 'us-east-1',
  caller: principalFromArn('arn:aws:iam::000000000000:root'),
  sourceIpAddress: '127.0.0.1',
  userAgent: 'test',
  requestId: 'request-1',
  requestParameters: parameters,
  responseElements: null,
  resources: [],
  readOnly: false,
  recipientAccountId: '000000000000',
});

describe('deeply nested fields', () => {
  it('records a field nested 50,000 deep as omitted, and reads it back', () => {
    const trail = new AuditTrail();
    trail.record(event({ bucketPolicy: nested(50_000) }));
    expect(trail.events()[0]?.requestParameters).toEqual({ omitted: true });
    expect(() => JSON.stringify(trail.records())).not.toThrow();
  });

  it('keeps a field of ordinary depth whole', () => {
    const trail = new AuditTrail();
    trail.record(event({ bucketPolicy: nested(100) }));
    expect(trail.events()[0]?.requestParameters).toEqual({ bucketPolicy: nested(100) });
  });

  it('counts a too-deep value as over any limit', () => {
    expect(jsonSize(nested(10_000), 1_000_000)).toBe(1_000_001);
    expect(jsonSize(nested(10), 1_000_000)).toBeLessThan(100);
  });
});
