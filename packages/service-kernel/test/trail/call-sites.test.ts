/**
 * The trail keeps the fields calls repeat (caller, Region, source IP, user agent, resources and
 * their owners' accounts, recipient account, event source, resource type) once per run of calls that share them: events
 * read back exactly as recorded whatever the mix of shared and changing fields, and the shared
 * objects stay the very objects recorded (a caller is not copied).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditEventInput, AuditTrail, type Principal, principalFromArn } from '../../src/index.ts';

const CALLERS: Principal[] = [principalFromArn('arn:aws:iam::111111111111:root'), principalFromArn('arn:aws:iam::222222222222:user/alice')];
// Equal contents, different arrays: a site is shared only for the same array.
const RESOURCES: (readonly string[])[] = [[], ['arn:aws:kms:us-east-1:111111111111:key/a'], ['arn:aws:kms:us-east-1:111111111111:key/a']];

const input = fc.record({
  caller: fc.constantFrom(...CALLERS),
  resources: fc.constantFrom(...RESOURCES),
  resourceAccountIds: fc.constantFrom<readonly string[]>(['111111111111'], ['222222222222']),
  region: fc.constantFrom('us-east-1', 'eu-west-1'),
  sourceIpAddress: fc.constantFrom('127.0.0.1', '10.0.0.2'),
  userAgent: fc.constantFrom('sdk', 'cli'),
  recipientAccountId: fc.constantFrom('111111111111', '222222222222'),
  eventSource: fc.constantFrom('kms.amazonaws.com', 's3.amazonaws.com'),
  resourceType: fc.constantFrom('AWS::KMS::Key', 'AWS::S3::Bucket'),
  eventName: fc.constantFrom('Encrypt', 'GenerateMac'),
  readOnly: fc.boolean(),
});

describe('call sites', () => {
  it('reads back every event exactly as recorded, oldest dropped first (property)', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 40 }), fc.integer({ min: 1, max: 16 }), (inputs, capacity) => {
        const trail = new AuditTrail({ capacity });
        const recorded: AuditEventInput[] = inputs.map((fields, index) => ({
          ...fields,
          eventTime: Date.UTC(2026, 0, 1) + index,
          requestParameters: { index },
          responseElements: null,
        }));
        for (const event of recorded) trail.record(event);
        const kept = recorded.slice(-capacity);
        const events = trail.events();
        expect(events).toHaveLength(kept.length);
        for (const [index, event] of events.entries()) {
          const expected = kept[index]!;
          const { eventId: _id, requestId: _request, ...fields } = event;
          expect(fields).toEqual(expected);
          expect(event.caller).toBe(expected.caller);
          expect(event.resources).toBe(expected.resources);
        }
      }),
    );
  });

  it('keeps two interleaved runs apart (an S3 call, then the KMS call it makes, and again)', () => {
    const trail = new AuditTrail();
    const s3: AuditEventInput = {
      eventTime: Date.UTC(2026, 0, 1),
      eventName: 'PutObject',
      eventSource: 's3.amazonaws.com',
      resourceType: 'AWS::S3::Object',
      region: 'us-east-1',
      caller: CALLERS[1]!,
      sourceIpAddress: '10.0.0.2',
      userAgent: 'sdk',
      requestParameters: null,
      responseElements: null,
      resources: RESOURCES[0]!,
      readOnly: false,
      recipientAccountId: '222222222222',
    };
    const kms: AuditEventInput = {
      ...s3,
      eventName: 'GenerateDataKey',
      eventSource: 'kms.amazonaws.com',
      resourceType: 'AWS::KMS::Key',
      caller: CALLERS[0]!,
      sourceIpAddress: 's3.amazonaws.com',
      userAgent: 's3.amazonaws.com',
      resources: RESOURCES[1]!,
      readOnly: true,
      recipientAccountId: '111111111111',
    };
    const recorded = [kms, s3, kms, s3, { ...kms, region: 'eu-west-1' }, kms];
    for (const event of recorded) trail.record(event);
    expect(trail.events().map(({ eventId: _id, requestId: _request, ...fields }) => fields)).toEqual(recorded);
  });
});
