/**
 * S3 data events a data directory kept from a version that did not mark them (before
 * `eventCategory`) read back as data events once an S3 engine shares the trail, whatever the order
 * (restored before the engine starts, or after): CloudTrail records S3's object-level calls as data
 * events (`"managementEvent": false, "eventCategory": "Data"`). Bucket calls stay management events.
 */

import { type AuditEvent, AuditTrail, principalFromArn } from '@strongbox/service-kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';

const opened: S3[] = [];
afterEach(async () => {
  for (const s3 of opened.splice(0)) await s3.close();
});

const CALLER = principalFromArn('arn:aws:iam::000000000000:root');
let count = 0;

/** An S3 event as a version from before `eventCategory` kept it. */
function unmarked(eventName: string): AuditEvent {
  count += 1;
  return {
    eventId: `00000000-0000-4000-8000-${String(count).padStart(12, '0')}`,
    eventTime: Date.now() - 60_000 + count,
    eventName,
    eventSource: 's3.amazonaws.com',
    resourceType: 'AWS::S3::Bucket',
    region: 'us-east-1',
    caller: CALLER,
    sourceIpAddress: '127.0.0.1',
    userAgent: 'test',
    requestId: `REQ${count}`,
    requestParameters: { bucketName: 'old' },
    responseElements: null,
    resources: ['arn:aws:s3:::old'],
    readOnly: false,
    recipientAccountId: '000000000000',
  };
}

function categoryOf(trail: AuditTrail, eventName: string): [string | undefined, boolean | undefined] {
  const [record] = trail.lookup({ eventName }).records;
  return [record?.eventCategory, record?.managementEvent];
}

describe('restored S3 events without the data-event mark', () => {
  it('read as data events for object calls (ListObjectsV2 under its CloudTrail name too), as management events for bucket calls', () => {
    const trail = new AuditTrail();
    for (const name of ['PutObject', 'GetObject', 'ListObjects', 'CreateBucket']) trail.restore(unmarked(name));
    opened.push(new S3({ auditTrail: trail }));
    expect(categoryOf(trail, 'PutObject')).toEqual(['Data', false]);
    expect(categoryOf(trail, 'GetObject')).toEqual(['Data', false]);
    expect(categoryOf(trail, 'ListObjects')).toEqual(['Data', false]);
    expect(categoryOf(trail, 'CreateBucket')).toEqual(['Management', true]);
  });

  it('restored after the engine started, read as data events too', () => {
    const trail = new AuditTrail();
    opened.push(new S3({ auditTrail: trail }));
    trail.restore(unmarked('DeleteObject'));
    expect(categoryOf(trail, 'DeleteObject')).toEqual(['Data', false]);
  });

  // A version from before both listings were logged as ListObjects (cebea56) kept ListObjectsV2's
  // data events under the operation's own name: still S3 object-level calls, hence data events.
  it('a ListObjectsV2 event kept under its operation name reads as a data event', () => {
    const trail = new AuditTrail();
    trail.restore(unmarked('ListObjectsV2'));
    opened.push(new S3({ auditTrail: trail }));
    expect(categoryOf(trail, 'ListObjectsV2')).toEqual(['Data', false]);
  });
});
