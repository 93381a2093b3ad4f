/**
 * An event's `additionalEventData` (S3 records one for every call: how it was signed and sent) is
 * bounded and counted like its other variable fields, and an S3 call on many objects lists them
 * by `ARNPrefix` (a captured ListObjects data event: `{"type": "AWS::S3::Object", "ARNPrefix":
 * "arn:aws:s3:::aoc-cloudtrail-wareville/"}`), which LookupEvents' resource filters find.
 */

import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AuditEventInput,
  AuditTrail,
  arnPrefixResource,
  type CloudTrailArnPrefixResource,
  type CloudTrailArnResource,
  type CloudTrailResource,
  jsonSize,
  MAX_FIELD_BYTES,
  principalFromArn,
} from '../../src/index.ts';
import { namesResource } from '../../src/trail/resources.ts';
import { auditEventInput } from '../helpers/audit-event.ts';

const CALLER = principalFromArn('arn:aws:iam::111122223333:root');

const event = (additional: Record<string, unknown> | undefined, resources: readonly string[] = []): AuditEventInput =>
  auditEventInput({
    eventName: 'ListObjects',
    eventCategory: 'Data',
    caller: CALLER,
    ...(additional === undefined ? {} : { additionalEventData: additional }),
    resources,
    recipientAccountId: '111122223333',
  });

describe('additionalEventData in the trail budget', () => {
  it('counts its JSON size against the byte budget', () => {
    const bare = new AuditTrail();
    bare.record(event(undefined));
    const additional = { SignatureVersion: 'SigV4', AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'h'.repeat(10_000) };
    const trail = new AuditTrail();
    trail.record(event(additional));
    // The bare event counts its absent field as `null` (4).
    expect(trail.bytes - bare.bytes).toBe(jsonSize(additional, MAX_FIELD_BYTES) - 4);
  });

  it('records one past MAX_FIELD_BYTES as omitted, counting only that', () => {
    const trail = new AuditTrail();
    trail.record(event({ big: 'x'.repeat(MAX_FIELD_BYTES + 1) }));
    expect(trail.events()[0]?.additionalEventData).toEqual({ omitted: true });
    expect(trail.bytes).toBeLessThan(1024);
  });
});

describe('an ARN prefix among the resources', () => {
  const prefix = 'arn:aws:s3:::logs/2026/';

  it('renders as an AWS::S3::Object entry with ARNPrefix, before the bucket', () => {
    const trail = new AuditTrail();
    trail.record(event(undefined, [arnPrefixResource(prefix), 'arn:aws:s3:::logs']));
    expect(trail.records()[0]?.resources).toEqual([
      { type: 'AWS::S3::Object', ARNPrefix: prefix },
      { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::logs' },
    ]);
  });

  it('is found by its prefix and by the object type, and counts against the budget', () => {
    const trail = new AuditTrail();
    trail.record(event(undefined, ['arn:aws:s3:::logs']));
    const before = trail.bytes;
    trail.record(event(undefined, [arnPrefixResource(prefix), 'arn:aws:s3:::logs']));
    expect(trail.bytes - before).toBeGreaterThan(prefix.length);
    expect(trail.lookup({ resourceName: prefix }).records).toHaveLength(1);
    expect(trail.lookup({ resourceName: arnPrefixResource(prefix) }).records).toHaveLength(0);
    expect(trail.lookup({ resourceType: 'AWS::S3::Object' }).records).toHaveLength(1);
    expect(trail.lookup({ resourceType: 'AWS::S3::Bucket' }).records).toHaveLength(2);
  });

  it('names its prefix only: not a suffix of it, not the marked string, and an ARN names itself', () => {
    const marked = arnPrefixResource(prefix);
    expect([
      namesResource(marked, prefix),
      namesResource(marked, prefix.slice(1)),
      namesResource(marked, `${prefix}x`),
      namesResource(marked, marked),
      namesResource('arn:aws:s3:::logs', 'arn:aws:s3:::logs'),
      namesResource('arn:aws:s3:::logs', 'arn:aws:s3:::log'),
    ]).toEqual([true, false, false, false, true, false]);
  });

  // Code written against the single-shape resource keeps compiling where it reads `type`, `ARN` or
  // `accountId` (ARN may now be absent), and narrows to one shape by testing ARN or ARNPrefix.
  it('reads type, ARN and accountId on every entry, and narrows by ARN or ARNPrefix', () => {
    const trail = new AuditTrail();
    trail.record(event(undefined, [arnPrefixResource(prefix), 'arn:aws:s3:::logs']));
    const resources: readonly CloudTrailResource[] = trail.records()[0]?.resources ?? [];
    expect(resources.map((resource) => [resource.type, resource.ARN, resource.accountId])).toEqual([
      ['AWS::S3::Object', undefined, undefined],
      ['AWS::S3::Bucket', 'arn:aws:s3:::logs', '111122223333'],
    ]);
    const names = resources.map((resource) => {
      if (resource.ARN !== undefined) {
        expectTypeOf(resource).toEqualTypeOf<CloudTrailArnResource>();
        return resource.ARN;
      }
      expectTypeOf(resource).toEqualTypeOf<CloudTrailArnPrefixResource>();
      return resource.ARNPrefix;
    });
    expect(names).toEqual([prefix, 'arn:aws:s3:::logs']);
  });
});
