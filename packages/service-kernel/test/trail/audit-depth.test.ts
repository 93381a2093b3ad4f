/**
 * A request can carry JSON nested far deeper than any AWS shape within CloudTrail's 100 KB (a
 * bucket policy `[[[[…]]]]` is recorded parsed): the trail records such a field as omitted, so
 * neither recording it nor reading it back (LookupEvents writes events out with JSON.stringify)
 * exhausts the stack. Found by the hostile-input fuzzer (test/reliability/fuzz-s3.test.ts): it
 * was a 500 InternalError for PutBucketPolicy.
 */

import { describe, expect, it } from 'vitest';
import { type AuditEventInput, AuditTrail, jsonSize } from '../../src/index.ts';
import { auditEventInput } from '../helpers/audit-event.ts';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { a: value };
  return value;
}

const event = (parameters: Record<string, unknown>): AuditEventInput =>
  auditEventInput({ eventName: 'PutBucketPolicy', requestId: 'request-1', requestParameters: parameters, readOnly: false });

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
