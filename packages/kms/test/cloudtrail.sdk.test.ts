/**
 * CloudTrail LookupEvents over HTTP, read with the official `@aws-sdk/client-cloudtrail` from a
 * server that routes on the X-Amz-Target prefix: lookups by EventName and ResourceName, pages with
 * NextToken, time ranges, a refused KMS call's errorCode inside CloudTrailEvent, the caller's own
 * account and Region (SigV4 credential scope), and CloudTrail's error codes for bad input
 * (CloudTrail API reference, LookupEvents; message texts unconfirmed, so only codes and statuses
 * are pinned for them).
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudTrailClient, type Event, LookupEventsCommand, type LookupEventsCommandInput, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudTrailHandler, createJson11Handler, createSigV4Authenticator, type HttpRequest, isCloudTrailRequest, toNodeListener } from '../src/http.ts';
import { Kms, ManualClock, parseUsers, withDefaultUser } from '../src/index.ts';
import { failureOf } from './helpers/sdk.ts';

/** A response header by name, case-insensitively (as HTTP headers are). */
const header = (response: { headers: Record<string, string> }, name: string): string | undefined =>
  Object.entries(response.headers).find(([key]) => key.toLowerCase() === name)?.[1];

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const T0 = Date.UTC(2024, 0, 1);
const USERS = withDefaultUser(
  parseUsers({
    users: [
      {
        accessKeyId: 'AKIAALICE',
        secretAccessKey: 'alice-secret',
        principal: 'arn:aws:iam::111122223333:user/alice',
        policy: { allow: ['kms:*', 'cloudtrail:LookupEvents'] },
      },
    ],
  }),
  ACCOUNT,
);

let server: Server;
let kms: Kms;
let clock: ManualClock;
let endpoint: string;
const clients: { destroy(): void }[] = [];
let keyArn: string;
let keyId: string;

function kmsClient(region = REGION, accessKeyId = 'test', secretAccessKey = 'test'): KMSClient {
  const client = new KMSClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
  clients.push(client);
  return client;
}

function trailClient(region = REGION, accessKeyId = 'test', secretAccessKey = 'test'): CloudTrailClient {
  const client = new CloudTrailClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
  clients.push(client);
  return client;
}

const lookup = (input: LookupEventsCommandInput, client = trailClient()) => client.send(new LookupEventsCommand(input));
const names = (events: Event[] | undefined): (string | undefined)[] => (events ?? []).map((e) => e.EventName);

beforeAll(async () => {
  clock = new ManualClock(T0);
  kms = new Kms({ clock, quotas: false });
  const common = { users: USERS, strict: false, account: ACCOUNT, region: REGION };
  const kmsHandler = createJson11Handler(kms, { authenticate: createSigV4Authenticator(common) });
  const trailHandler = createCloudTrailHandler(kms, { authenticate: createSigV4Authenticator({ ...common, service: 'cloudtrail' }) });
  server = createServer(toNodeListener((request: HttpRequest) => (isCloudTrailRequest(request) ? trailHandler(request) : kmsHandler(request))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // History (default account, us-east-1): CreateKey at T0, Encrypt ×3 at T0+1s..T0+3s,
  // DescribeKey at T0+10s, a refused DisableKey at T0+20s.
  const client = kmsClient();
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: 'audited' }));
  keyArn = KeyMetadata!.Arn!;
  keyId = KeyMetadata!.KeyId!;
  for (let i = 1; i <= 3; i++) {
    clock.set(T0 + i * 1000);
    await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([i]) }));
  }
  clock.set(T0 + 10_000);
  await client.send(new DescribeKeyCommand({ KeyId: keyArn }));
  clock.set(T0 + 20_000);
  await failureOf(client.send(new DisableKeyCommand({ KeyId: '11111111-2222-3333-4444-555555555555' })));
  // Elsewhere: another Region, another account.
  await kmsClient('eu-west-1').send(new CreateKeyCommand({}));
  await kmsClient(REGION, 'AKIAALICE', 'alice-secret').send(new CreateKeyCommand({}));
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('LookupEvents through @aws-sdk/client-cloudtrail', () => {
  it('finds events by EventName, each shaped as CloudTrail returns it', async () => {
    const { Events, NextToken } = await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }] });
    expect(NextToken).toBeUndefined();
    expect(Events).toHaveLength(1);
    const [event] = Events!;
    expect(event).toMatchObject({
      EventName: 'CreateKey',
      ReadOnly: 'false',
      AccessKeyId: 'test',
      EventTime: new Date(T0),
      EventSource: 'kms.amazonaws.com',
      Username: 'root',
      Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: keyArn }],
    });
    const record = JSON.parse(event!.CloudTrailEvent!);
    expect(record).toEqual(kms.auditTrail.lookup({ eventId: event!.EventId! }).records[0]);
    expect(record).toMatchObject({ eventName: 'CreateKey', requestParameters: { description: 'audited' }, userAgent: expect.stringContaining('aws-sdk-js') });
  });

  it('finds the events of one key by ResourceName (its ARN), newest first', async () => {
    const { Events } = await lookup({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: keyArn }] });
    expect(names(Events)).toEqual(['DescribeKey', 'Encrypt', 'Encrypt', 'Encrypt', 'CreateKey']);
    expect(Events!.map((e) => e.EventTime!.getTime())).toEqual([T0 + 10_000, T0 + 3000, T0 + 2000, T0 + 1000, T0]);
  });

  it('pages with MaxResults and NextToken, and through the SDK paginator', async () => {
    const first = await lookup({ MaxResults: 2 });
    expect(names(first.Events)).toEqual(['DisableKey', 'DescribeKey']);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await lookup({ MaxResults: 2, NextToken: first.NextToken! });
    expect(names(second.Events)).toEqual(['Encrypt', 'Encrypt']);
    const all: (string | undefined)[] = [];
    for await (const page of paginateLookupEvents({ client: trailClient(), pageSize: 4 }, {})) all.push(...names(page.Events));
    expect(all).toEqual(['DisableKey', 'DescribeKey', 'Encrypt', 'Encrypt', 'Encrypt', 'CreateKey']);
  });

  it('keeps to the time range, both ends included', async () => {
    const { Events } = await lookup({ StartTime: new Date(T0 + 2000), EndTime: new Date(T0 + 10_000) });
    expect(Events!.map((e) => [e.EventName, e.EventTime!.getTime()])).toEqual([
      ['DescribeKey', T0 + 10_000],
      ['Encrypt', T0 + 3000],
      ['Encrypt', T0 + 2000],
    ]);
  });

  it("shows a refused call's errorCode and errorMessage in CloudTrailEvent", async () => {
    const { Events } = await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DisableKey' }] });
    expect(JSON.parse(Events![0]!.CloudTrailEvent!)).toMatchObject({
      eventName: 'DisableKey',
      errorCode: 'NotFoundException',
      errorMessage: `Key 'arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555' does not exist`,
      requestParameters: { keyId: '11111111-2222-3333-4444-555555555555' },
      responseElements: null,
    });
    expect(Events![0]!.Resources).toEqual([]);
  });

  it('filters on ReadOnly as the string "true" or "false"', async () => {
    const { Events } = await lookup({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }] });
    expect(names(Events)).toEqual(['DisableKey', 'CreateKey']);
    expect(Events!.every((e) => e.ReadOnly === 'false')).toBe(true);
  });

  it("shows only the caller's account and Region (from the SigV4 credential scope)", async () => {
    const inEurope = await lookup({}, trailClient('eu-west-1'));
    expect(inEurope.Events!.map((e) => JSON.parse(e.CloudTrailEvent!).awsRegion)).toEqual(['eu-west-1']);
    const asAlice = await lookup({}, trailClient(REGION, 'AKIAALICE', 'alice-secret'));
    expect(asAlice.Events!.map((e) => [e.EventName, e.Username, e.AccessKeyId])).toEqual([['CreateKey', 'alice', 'AKIAALICE']]);
  });

  it('uses only the first lookup attribute, as CloudTrail does', async () => {
    const { Events } = await lookup({
      LookupAttributes: [
        { AttributeKey: 'EventName', AttributeValue: 'DescribeKey' },
        { AttributeKey: 'EventName', AttributeValue: 'CreateKey' },
      ],
    });
    expect(names(Events)).toEqual(['DescribeKey']);
  });

  it('returns no events for EventCategory insight (none are recorded)', async () => {
    expect((await lookup({ EventCategory: 'insight' })).Events).toEqual([]);
  });
});

describe("CloudTrail's errors for bad lookups (HTTP 400)", () => {
  it.each([
    ['MaxResults above 50', { MaxResults: 51 }, 'InvalidMaxResultsException'],
    ['MaxResults 0', { MaxResults: 0 }, 'InvalidMaxResultsException'],
    ['a start after the end', { StartTime: new Date(T0 + 1000), EndTime: new Date(T0) }, 'InvalidTimeRangeException'],
    ['a forged NextToken', { NextToken: 'Zm9yZ2Vk' }, 'InvalidNextTokenException'],
    ['an unknown attribute key', { LookupAttributes: [{ AttributeKey: 'KeyId' as never, AttributeValue: 'x' }] }, 'InvalidLookupAttributesException'],
    ['an empty attribute value', { LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: '' }] }, 'InvalidLookupAttributesException'],
    [
      'a value over 2,000 weighted characters',
      { LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: '_'.repeat(1001) }] },
      'InvalidLookupAttributesException',
    ],
    [
      'ReadOnly neither true nor false',
      { LookupAttributes: [{ AttributeKey: 'ReadOnly' as const, AttributeValue: 'maybe' }] },
      'InvalidLookupAttributesException',
    ],
    ['an unknown event category', { EventCategory: 'management' as never }, 'InvalidEventCategoryException'],
  ])('refuses %s with %s', async (_, input, code) => {
    const failure = await failureOf(lookup(input as LookupEventsCommandInput));
    expect(failure).toMatchObject({ name: code, status: 400 });
  });

  it('refuses a NextToken used with other lookup attributes', async () => {
    const { NextToken } = await lookup({ MaxResults: 1 });
    const failure = await failureOf(
      lookup({ MaxResults: 1, NextToken: NextToken!, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }] }),
    );
    expect(failure).toMatchObject({ name: 'InvalidNextTokenException', status: 400 });
  });

  it('accepts a value of exactly 2,000 weighted characters', async () => {
    const { Events } = await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: '_'.repeat(1000) }] });
    expect(Events).toEqual([]);
  });
});

describe('the wire', () => {
  const post = (target: string | undefined, body: string) =>
    createCloudTrailHandler(kms)({
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', ...(target === undefined ? {} : { 'x-amz-target': target }) },
      body: new TextEncoder().encode(body),
    });

  it("answers botocore's long target too, with ReadOnly a string and EventTime in epoch seconds", async () => {
    const response = await post(
      'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
      '{"MaxResults":1,"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateKey"}]}',
    );
    expect(response.status).toBe(200);
    expect(header(response, 'content-type')).toBe('application/x-amz-json-1.1');
    expect(header(response, 'x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const body = JSON.parse(response.body);
    expect(Object.keys(body.Events[0])).toEqual([
      'EventId',
      'EventName',
      'ReadOnly',
      'AccessKeyId',
      'EventTime',
      'EventSource',
      'Username',
      'Resources',
      'CloudTrailEvent',
    ]);
    expect(body.Events[0]).toMatchObject({ ReadOnly: 'false', EventTime: T0 / 1000 });
  });

  it('sends errors as {"__type", "Message"} with X-Amzn-Errortype', async () => {
    const response = await post('CloudTrail_20131101.LookupEvents', '{"MaxResults":99}');
    expect(response.status).toBe(400);
    expect(header(response, 'x-amzn-errortype')).toBe('InvalidMaxResultsException');
    expect(Object.keys(JSON.parse(response.body))).toEqual(['__type', 'Message']);
  });

  it('answers other CloudTrail operations, malformed JSON and wrong member types like a Coral front end', async () => {
    expect(await post('CloudTrail_20131101.DescribeTrails', '{}')).toMatchObject({ status: 400, body: '{"__type":"UnknownOperationException"}' });
    expect(await post(undefined, '{}')).toMatchObject({ status: 400, body: '{"__type":"UnknownOperationException"}' });
    expect(await post('CloudTrail_20131101.LookupEvents', '{"MaxResults":')).toMatchObject({ status: 400, body: '{"__type":"SerializationException"}' });
    expect(await post('CloudTrail_20131101.LookupEvents', '{"MaxResults":"5"}')).toMatchObject({ status: 400, body: '{"__type":"SerializationException"}' });
  });
});
