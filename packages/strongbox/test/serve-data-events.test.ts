/**
 * `strongbox serve --s3-data-events`, run by the CLI in-process on a real port and spoken to by
 * the official clients: the banner says data events are on, CloudTrail LookupEvents lists the
 * S3 object calls, and a restart on the same `--data` keeps them as it keeps the other events.
 * Without the flag, object calls are not in the trail.
 */

import { join } from 'node:path';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudTrailClient, type Serving, s3Client, serveInProcess, useTempDir } from './helpers/cli.ts';

const running: Serving[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop('SIGKILL');
});

async function started(args: readonly string[]): Promise<Serving> {
  const server = await serveInProcess(args);
  running.push(server);
  return server;
}

async function stopped(server: Serving): Promise<number | null> {
  running.splice(running.indexOf(server), 1);
  return (await server.stop('SIGTERM')).code;
}

/** The names of the S3 object calls LookupEvents lists, oldest first. */
async function objectEvents(url: string): Promise<string[]> {
  const trail = cloudTrailClient(url);
  try {
    const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 's3.amazonaws.com' }] }));
    return (Events ?? [])
      .filter((event) => event.EventName === 'PutObject' || event.EventName === 'GetObject')
      .map((event) => `${event.EventName} ${event.Resources?.[0]?.ResourceName}`)
      .reverse();
  } finally {
    trail.destroy();
  }
}

async function putAndGet(url: string): Promise<void> {
  const s3 = s3Client(url);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'logs' }));
    await s3.send(new PutObjectCommand({ Bucket: 'logs', Key: 'a.txt', Body: 'hello' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'logs', Key: 'a.txt' }))).Body?.transformToString()).toBe('hello');
  } finally {
    s3.destroy();
  }
}

const dir = useTempDir();

describe('strongbox serve --s3-data-events', () => {
  it('records S3 object calls in the trail, says so in the banner, and keeps them across a restart on --data', async () => {
    const data = join(dir.path, 'kept');
    const first = await started(['--quiet', '--s3-data-events', '--data', data]);
    expect(first.stdout()).toContain('CloudTrail: S3 data events recorded too');
    await putAndGet(first.url);
    const recorded = ['PutObject arn:aws:s3:::logs/a.txt', 'GetObject arn:aws:s3:::logs/a.txt'];
    expect(await objectEvents(first.url)).toEqual(recorded);
    expect(await stopped(first)).toBe(0);
    // Restarted without the flag: what the trail kept is still listed, and nothing new is recorded.
    const second = await started(['--quiet', '--data', data]);
    expect(second.stdout()).not.toContain('S3 data events');
    const s3 = s3Client(second.url);
    await s3.send(new GetObjectCommand({ Bucket: 'logs', Key: 'a.txt' }));
    s3.destroy();
    expect(await objectEvents(second.url)).toEqual(recorded);
    expect(await stopped(second)).toBe(0);
  });

  it('is off by default: object calls are not recorded, bucket calls are', async () => {
    const server = await started(['--quiet']);
    await putAndGet(server.url);
    expect(await objectEvents(server.url)).toEqual([]);
    const trail = cloudTrailClient(server.url);
    const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateBucket' }] }));
    trail.destroy();
    expect(Events).toHaveLength(1);
  });
});
