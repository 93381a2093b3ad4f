/**
 * Hostile input on the endpoint's other surfaces (issue #14): CloudTrail `LookupEvents` (JSON
 * 1.1), STS `GetCallerIdentity` (the Query protocol), the health route and the `/_strongbox/`
 * admin routes, as raw requests to a real endpoint on a loopback port. Every request is
 * answered in time, below 500, in its protocol's error shape, nothing leaked; the emulator's
 * state and the quota settings are as they were unless a request was a valid change.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANSWER_BOUND_MS,
  answerOf,
  expectJsonError,
  expectQueryError,
  type FuzzTarget,
  fuzzRuns,
  isHttpParserRefusal,
  snapshot,
  startFuzzTarget,
} from './fuzz/fixture.ts';
import { anyJson, deepNesting, emit, hostileString, type JsonText, malformedJson, prototypeMap } from './fuzz/json-arbitraries.ts';
import { exchange, type RawRequest, serialize } from './fuzz/raw-http.ts';
import { recordReliability } from './summary.ts';

const RUNS = fuzzRuns(150);
const HOST: [string, string] = ['host', 'localhost'];

describe('CloudTrail, STS, health and admin routes under hostile input', () => {
  let target: FuzzTarget;
  let before: unknown;
  beforeAll(async () => {
    target = await startFuzzTarget();
    before = await snapshot(target);
  }, 60_000);
  afterAll(async () => {
    await target?.close();
  });

  it('CloudTrail LookupEvents: hostile lookups get JSON errors, valid ones events', async () => {
    const attribute = fc.oneof(
      fc
        .record({
          AttributeKey: fc.oneof(
            fc.constantFrom(
              'EventName',
              'ReadOnly',
              'Username',
              'ResourceName',
              'EventSource',
              'AccessKeyId',
              'EventId',
              'ResourceType',
              '__proto__',
              'constructor',
              '',
            ),
            anyJson(1),
          ),
          AttributeValue: fc.oneof(hostileString, anyJson(1)),
        })
        .map(({ AttributeKey, AttributeValue }) => ({
          object: [
            ['AttributeKey', AttributeKey],
            ['AttributeValue', AttributeValue],
          ] as [string, JsonText][],
        })),
      prototypeMap(anyJson(1)),
      anyJson(1),
    );
    const body = fc.oneof(
      fc
        .record({
          LookupAttributes: fc.oneof(
            fc.array(attribute, { maxLength: 3 }).map((array) => ({ array })),
            anyJson(1),
          ),
          StartTime: fc.oneof(fc.integer(), fc.double(), fc.constantFrom({ raw: '1e400' }, '2026-01-01', -1, 253402300800), anyJson(1)),
          EndTime: fc.oneof(fc.integer(), fc.constantFrom(0, -1e12, 1e15), anyJson(1)),
          MaxResults: fc.oneof(fc.constantFrom(0, -1, 51, 1.5, 2 ** 53), anyJson(1)),
          NextToken: fc.oneof(hostileString, fc.constantFrom('AAAA', '__proto__', 'eyJ9'), anyJson(1)),
          EventCategory: fc.oneof(fc.constantFrom('insight', 'Insight', 'management', ''), anyJson(1)),
        })
        .chain((members) => fc.subarray(Object.entries(members), { minLength: 1 }).map((entries) => emit({ object: entries as [string, JsonText][] }))),
      malformedJson,
      deepNesting,
    );
    const operation = fc.constantFrom(
      'CloudTrail_20131101.LookupEvents',
      'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
      'CloudTrail_20131101.CreateTrail',
      'CloudTrail_20131101.__proto__',
      'CloudTrail_20131101.',
    );
    let tried = 0;
    try {
      await fc.assert(
        fc.asyncProperty(operation, body, async (name, text) => {
          tried += 1;
          const raw: RawRequest = {
            method: 'POST',
            target: '/',
            headers: [HOST, ['x-amz-target', name], ['content-type', 'application/x-amz-json-1.1']],
            body: text,
          };
          const what = `${name} ${typeof text === 'string' ? text.slice(0, 160) : Buffer.from(text).toString('hex').slice(0, 160)}`;
          const answer = answerOf(await exchange(target.port, serialize(raw), ANSWER_BOUND_MS), what);
          if (isHttpParserRefusal(answer)) return;
          if (answer.status === 200) return void expect(JSON.parse(answer.body.toString('utf8'))).toHaveProperty('Events');
          if (Buffer.byteLength(text) > 1024 * 1024) return void expect(answer.status).toBe(413);
          expectJsonError(answer, what);
        }),
        { numRuns: RUNS },
      );
    } finally {
      recordReliability('requests fuzzed (CloudTrail LookupEvents)', tried);
    }
    expect(await snapshot(target)).toEqual(before);
  }, 600_000);

  it('STS: hostile Query requests get Query errors, GetCallerIdentity its answer', async () => {
    const date = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const scope = `AKIDFUZZ/${date.slice(0, 8)}/us-east-1/sts/aws4_request`;
    const parameter = fc.oneof(
      fc.constantFrom(
        'Action=GetCallerIdentity',
        'Action=AssumeRole',
        'Action=__proto__',
        'Action=',
        'Action',
        'Version=2011-06-15',
        'Version=%ff',
        'Action=GetCallerIdentity&Action=AssumeRole',
        '%zz=1',
        '__proto__[x]=1',
        'constructor=1',
      ),
      fc.string({ maxLength: 40 }).map((text) => `Action=${encodeURIComponent(text)}`),
      fc.string({ maxLength: 40 }),
    );
    const request = fc
      .record({
        form: fc.array(parameter, { maxLength: 4 }).map((parts) => parts.join('&')),
        inQuery: fc.boolean(),
        method: fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'),
        contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'text/plain', 'application/json'),
        signature: fc.constantFrom('0'.repeat(64), 'zz', ''),
        amzDate: fc.constantFrom(date, '20000101T000000Z', 'garbage'),
      })
      .map(
        ({ form, inQuery, method, contentType, signature, amzDate }): RawRequest => ({
          method,
          target: inQuery ? `/?${form}` : '/',
          headers: [
            HOST,
            ['content-type', contentType],
            ['x-amz-date', amzDate],
            ['authorization', `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-date, Signature=${signature}`],
          ],
          body: inQuery ? '' : form,
        }),
      );
    let tried = 0;
    try {
      await fc.assert(
        fc.asyncProperty(request, async (raw) => {
          tried += 1;
          const what = `${raw.method} ${raw.target.slice(0, 100)} ${String(raw.body).slice(0, 100)}`;
          const answer = answerOf(await exchange(target.port, serialize(raw), ANSWER_BOUND_MS), what);
          if (isHttpParserRefusal(answer)) return;
          if (answer.status === 200) return void expect(answer.body.toString('utf8')).toContain('<GetCallerIdentityResult>');
          expectQueryError(answer, what);
        }),
        { numRuns: RUNS },
      );
    } finally {
      recordReliability('requests fuzzed (STS Query)', tried);
    }
    expect(await snapshot(target)).toEqual(before);
  }, 600_000);

  it('health and /_strongbox/ admin routes: hostile requests get JSON errors, and change nothing', async () => {
    const body = fc.oneof(
      malformedJson,
      deepNesting,
      anyJson(3).map(emit),
      prototypeMap(anyJson(2)).map(emit),
      fc.constantFrom(
        '"aws"',
        'false',
        'true',
        '{"profile":"nope"}',
        '{"scale":-1}',
        '{"scale":"x"}',
        '{"overrides":{"__proto__":1}}',
        '{"overrides":{"CreateKey":-5}}',
        '{"profile":"aws","scale":1e400}',
        '{"advance":"-1d"}',
        '{"advance":"P1Y","set":0}',
        '{"set":"yesterday"}',
        '{"set":-8.64e15,"allowBackwards":"yes"}',
        '{"advance":{"__proto__":1}}',
        '{"service":"kms","operation":"*","fault":"ThrottlingException","count":-1}',
        '{"service":"__proto__","fault":"x"}',
        '{"seed":""}',
        '{"seed":{"__proto__":1}}',
        '{"fraction":2,"service":"s3","operation":"*","fault":"SlowDown"}',
        '{"latencyMs":1e12,"service":"kms"}',
      ),
    );
    const request = fc
      .record({
        path: fc.constantFrom(
          '/_strongbox/health',
          '/_strongbox/quotas',
          '/_strongbox/clock',
          '/_strongbox/faults',
          '/_strongbox/faults/%2e%2e',
          '/_strongbox/faults/__proto__',
          '/_strongbox/faults/%ff',
          '/_strongbox/reset',
          '/_strongbox/health?x=%ff',
          '/_strongbox/quotas?__proto__=1',
          '/_strongbox/HEALTH',
          '/_strongbox/health/',
          '/_strongbox/../_strongbox/health',
          '/_strongbox/%2e%2e/quotas',
          '/_strongbox/',
          '/_strongbox/constructor',
        ),
        method: fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH'),
        body,
      })
      // A reset is valid whatever its body: it would empty the state this test compares.
      .filter(({ path, method }) => !(path === '/_strongbox/reset' && method === 'POST'))
      .map(({ path, method, body }): RawRequest => ({ method, target: path, headers: [HOST, ['content-type', 'application/json']], body }));
    const settings = () => JSON.stringify(target.server.kms.quotas.options);
    let tried = 0;
    let previous = settings();
    try {
      await fc.assert(
        fc.asyncProperty(request, async (raw) => {
          tried += 1;
          const what = `${raw.method} ${raw.target} ${String(raw.body).slice(0, 160)}`;
          const answer = answerOf(await exchange(target.port, serialize(raw), ANSWER_BOUND_MS), what);
          if (isHttpParserRefusal(answer)) return;
          // Strongbox's own routes answer JSON: the state, or an error with a message.
          if (raw.method !== 'HEAD' && answer.body.length > 0) {
            const json = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
            if (answer.status >= 400) expect(typeof json['message'], what).toBe('string');
          }
          const now = settings();
          // Only a PUT of a valid quota setting changes a setting.
          if (!(raw.method === 'PUT' && raw.target.split('?')[0] === '/_strongbox/quotas' && answer.status === 200)) expect(now, what).toBe(previous);
          previous = now;
        }),
        { numRuns: RUNS },
      );
    } finally {
      recordReliability('requests fuzzed (health and admin routes)', tried);
      target.server.kms.quotas.configure(false);
    }
    // No fault was set, and the emulator's clock was not moved.
    const faults = answerOf(
      await exchange(target.port, serialize({ method: 'GET', target: '/_strongbox/faults', headers: [HOST] }), ANSWER_BOUND_MS),
      'GET faults',
    );
    expect(JSON.stringify(JSON.parse(faults.body.toString('utf8')))).not.toMatch(/"fault":"/);
    const clock = answerOf(
      await exchange(target.port, serialize({ method: 'GET', target: '/_strongbox/clock', headers: [HOST] }), ANSWER_BOUND_MS),
      'GET clock',
    );
    expect(JSON.parse(clock.body.toString('utf8'))).toMatchObject({ offsetMs: 0 });
    expect(await snapshot(target)).toEqual(before);
  }, 600_000);
});
