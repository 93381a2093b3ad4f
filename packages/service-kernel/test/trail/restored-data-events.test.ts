/**
 * Events a data directory kept from a version that did not mark data events (before
 * `eventCategory`) are read back as what they were: a service names the event names CloudTrail
 * records as its data events, and a restored event of that service under one of those names reads
 * as a data event (`"managementEvent": false, "eventCategory": "Data"`), whether it was restored
 * before or after the service named them. Events recorded now carry their own mark.
 */

import { describe, expect, it } from 'vitest';
import { type AuditEvent, AuditTrail, principalFromArn } from '../../src/index.ts';

const CALLER = principalFromArn('arn:aws:iam::111122223333:root');
let count = 0;

/** An event as an older version kept it: no `eventCategory`. */
function unmarked(eventSource: string, eventName: string): AuditEvent {
  count += 1;
  return {
    eventId: `00000000-0000-4000-8000-${String(count).padStart(12, '0')}`,
    eventTime: Date.UTC(2026, 0, 1, 0, 0, count),
    eventName,
    eventSource,
    resourceType: 'AWS::S3::Bucket',
    region: 'us-east-1',
    caller: CALLER,
    sourceIpAddress: '127.0.0.1',
    userAgent: 'test',
    requestId: `REQ${count}`,
    requestParameters: null,
    responseElements: null,
    resources: [],
    readOnly: true,
    recipientAccountId: '111122223333',
  };
}

function categories(trail: AuditTrail): [string, string, boolean][] {
  return trail.records().map((record) => [record.eventName, record.eventCategory, record.managementEvent]);
}

describe('restored events without a data-event mark', () => {
  it("read as data events once their service names its data events' names", () => {
    const trail = new AuditTrail();
    trail.restore(unmarked('s3.amazonaws.com', 'GetObject'));
    trail.restore(unmarked('s3.amazonaws.com', 'CreateBucket'));
    trail.restore(unmarked('kms.amazonaws.com', 'GetObject'));
    expect(categories(trail).map(([, category]) => category)).toEqual(['Management', 'Management', 'Management']);
    trail.markDataEvents('s3.amazonaws.com', ['GetObject', 'PutObject']);
    expect(categories(trail)).toEqual([
      ['GetObject', 'Data', false],
      ['CreateBucket', 'Management', true],
      ['GetObject', 'Management', true],
    ]);
  });

  it('restored after the service named them, read as data events too', () => {
    const trail = new AuditTrail();
    trail.markDataEvents('s3.amazonaws.com', ['PutObject']);
    trail.restore(unmarked('s3.amazonaws.com', 'PutObject'));
    expect(trail.lookup({ eventName: 'PutObject' }).records[0]?.eventCategory).toBe('Data');
  });

  it('leave events recorded now as they were recorded, marked or not', () => {
    const trail = new AuditTrail();
    const { eventId: _, requestId: __, ...fields } = unmarked('s3.amazonaws.com', 'GetObject');
    trail.record(fields);
    trail.markDataEvents('s3.amazonaws.com', ['GetObject']);
    expect(trail.records()[0]?.eventCategory).toBe('Management');
  });
});
