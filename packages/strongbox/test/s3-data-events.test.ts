/**
 * `s3DataEvents` (`strongbox serve --s3-data-events`): S3's object-level calls in the trail that
 * CloudTrail `LookupEvents` reads, beside the KMS calls they caused, read with the official SDK
 * clients in process. Off by default, as a trail records data events only when enabled.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, type Event, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createStrongbox, type Strongbox } from '../src/index.ts';

const opened: Strongbox[] = [];
afterEach(async () => {
  for (const sb of opened.splice(0)) await sb.close();
});

async function open(options: Parameters<typeof createStrongbox>[0] = {}): Promise<Strongbox> {
  const sb = await createStrongbox(options);
  opened.push(sb);
  return sb;
}

/** Every event of the trail, oldest first (LookupEvents lists newest first). */
async function allEvents(sb: Strongbox): Promise<Event[]> {
  const trail = new CloudTrailClient(sb.clientConfig);
  const events: Event[] = [];
  let token: string | undefined;
  do {
    const page = await trail.send(new LookupEventsCommand({ MaxResults: 50, ...(token === undefined ? {} : { NextToken: token }) }));
    events.push(...(page.Events ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  trail.destroy();
  return events.reverse();
}

/** PutObject then GetObject of an SSE-KMS object. */
async function roundTrip(sb: Strongbox): Promise<void> {
  const s3 = new S3Client(sb.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: 'reports' }));
  await s3.send(new PutObjectCommand({ Bucket: 'reports', Key: 'q1.csv', Body: 'a,b\n', ServerSideEncryption: 'aws:kms' }));
  const got = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'q1.csv' }));
  expect(await got.Body?.transformToString()).toBe('a,b\n');
  s3.destroy();
}

describe('S3 data events in LookupEvents', () => {
  it('are off by default: the KMS calls and CreateBucket are listed, PutObject and GetObject are not', async () => {
    const sb = await open();
    await roundTrip(sb);
    const names = (await allEvents(sb)).map((event) => event.EventName);
    expect(names).toContain('CreateBucket');
    expect(names).toContain('GenerateDataKey');
    expect(names).toContain('Decrypt');
    expect(names).not.toContain('PutObject');
    expect(names).not.toContain('GetObject');
  });

  it('with s3DataEvents, lists PutObject and GetObject with their resources, each after the KMS call it caused', async () => {
    const sb = await open({ s3DataEvents: true });
    await roundTrip(sb);
    const events = await allEvents(sb);
    // In the order they happened: S3 records an object call once it has answered, so the KMS call
    // made on the caller's behalf comes just before it.
    expect(events.map((event) => event.EventName)).toEqual(['CreateBucket', 'GenerateDataKey', 'PutObject', 'Decrypt', 'GetObject']);
    const object = { ResourceType: 'AWS::S3::Object', ResourceName: 'arn:aws:s3:::reports/q1.csv' };
    const bucket = { ResourceType: 'AWS::S3::Bucket', ResourceName: 'arn:aws:s3:::reports' };
    for (const name of ['PutObject', 'GetObject']) {
      const event = events.find((candidate) => candidate.EventName === name);
      expect(event).toMatchObject({ EventSource: 's3.amazonaws.com', Resources: [object, bucket] });
      expect(JSON.parse(event?.CloudTrailEvent ?? '{}')).toMatchObject({
        eventCategory: 'Data',
        managementEvent: false,
        readOnly: name === 'GetObject',
        requestParameters: { bucketName: 'reports', key: 'q1.csv' },
        resources: [
          { type: 'AWS::S3::Object', ARN: object.ResourceName },
          { type: 'AWS::S3::Bucket', ARN: bucket.ResourceName, accountId: '000000000000' },
        ],
      });
    }
    // The KMS calls name the object they were made for (SSE-KMS's encryption context) and S3 as
    // the service that made them.
    for (const name of ['GenerateDataKey', 'Decrypt']) {
      const record = JSON.parse(events.find((candidate) => candidate.EventName === name)?.CloudTrailEvent ?? '{}');
      expect(record).toMatchObject({
        eventSource: 'kms.amazonaws.com',
        userIdentity: { invokedBy: 's3.amazonaws.com' },
        requestParameters: { encryptionContext: { 'aws:s3:arn': object.ResourceName } },
      });
    }
  });

  it('LookupEvents finds a data event by its event name and by its object', async () => {
    const sb = await open({ s3DataEvents: true });
    await roundTrip(sb);
    const trail = new CloudTrailClient(sb.clientConfig);
    try {
      const byName = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetObject' }] }));
      expect(byName.Events?.map((event) => event.EventName)).toEqual(['GetObject']);
      const byResource = await trail.send(
        new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'arn:aws:s3:::reports/q1.csv' }] }),
      );
      expect(byResource.Events?.map((event) => event.EventName)).toEqual(['GetObject', 'PutObject']);
    } finally {
      trail.destroy();
    }
  });

  it("keeps to the trail's 90-day event history, as the other events do", async () => {
    const sb = await open({ s3DataEvents: true });
    await roundTrip(sb);
    sb.controls.clock.advance(91 * 86_400_000);
    // The trail drops what fell out of the history as it records (here, one SSE-S3 PutObject).
    const s3 = new S3Client(sb.clientConfig);
    await s3.send(new PutObjectCommand({ Bucket: 'reports', Key: 'q2.csv', Body: 'c,d\n' }));
    s3.destroy();
    const events = await allEvents(sb);
    expect(events.map((event) => [event.EventName, event.Resources?.[0]?.ResourceName])).toEqual([['PutObject', 'arn:aws:s3:::reports/q2.csv']]);
  });

  it('stay on after reset(): the reopened engines record them too', async () => {
    const sb = await open({ s3DataEvents: true });
    await roundTrip(sb);
    await sb.reset();
    expect(await allEvents(sb)).toEqual([]);
    await roundTrip(sb);
    const names = (await allEvents(sb)).map((event) => event.EventName);
    expect(names).toEqual(['CreateBucket', 'GenerateDataKey', 'PutObject', 'Decrypt', 'GetObject']);
  });

  it('survives a restart on the same data directory, with the trail', async () => {
    const data = await mkdtemp(join(tmpdir(), 'strongbox-data-events-'));
    try {
      const first = await createStrongbox({ dataDirectory: data, s3DataEvents: true });
      try {
        await roundTrip(first);
      } finally {
        await first.close();
      }
      // Reopened without the option: what was recorded stays; nothing new is recorded.
      const second = await open({ dataDirectory: data });
      const s3 = new S3Client(second.clientConfig);
      await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'q1.csv' }));
      s3.destroy();
      const names = (await allEvents(second)).map((event) => event.EventName);
      expect(names.filter((name) => name === 'PutObject' || name === 'GetObject')).toEqual(['PutObject', 'GetObject']);
      expect(names.filter((name) => name === 'Decrypt')).toHaveLength(2);
    } finally {
      for (const sb of opened.splice(0)) await sb.close();
      await rm(data, { recursive: true, force: true });
    }
  });
});
