/**
 * The admin API under `/_strongbox/`: JSON in and out, bad input refused with 400 and nothing
 * changed, and under `--strict-auth` only SigV4-signed callers whose identity policy allows the
 * action (kernel verifier and IAM engine).
 */

import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { promisify } from 'node:util';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseUsers } from '@strongbox/kms';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStrongbox, type Strongbox, type StrongboxListener } from '../../src/index.ts';

const opened: Strongbox[] = [];
afterEach(async () => {
  for (const sb of opened.splice(0)) await sb.close();
});

async function listening(options: Parameters<typeof createStrongbox>[0] = {}): Promise<{ sb: Strongbox; listener: StrongboxListener }> {
  const sb = await createStrongbox(options);
  opened.push(sb);
  return { sb, listener: await sb.listen() };
}

async function call(
  url: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; date: string }> {
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, date: response.headers.get('date') ?? '' };
}

describe('the admin API (default mode)', () => {
  it('reads and moves the clock', async () => {
    const { sb, listener } = await listening();
    const clock = `${listener.url}/_strongbox/clock`;
    const read = await call(clock, 'GET');
    expect(read.status).toBe(200);
    expect(read.json.offsetMs).toBe(0);
    const advanced = await call(clock, 'POST', JSON.stringify({ advance: '1d12h' }));
    expect(advanced.json.offsetMs).toBeGreaterThanOrEqual(36 * 3_600_000);
    const set = await call(clock, 'POST', JSON.stringify({ set: '2099-01-01T00:00:00Z' }));
    // The clock keeps running from the time set: the answer reads it a moment later.
    const setTo = Date.parse('2099-01-01T00:00:00Z');
    expect(Date.parse(String(set.json.now))).toBeGreaterThanOrEqual(setTo);
    expect(Date.parse(String(set.json.now))).toBeLessThan(setTo + 60_000);
    const back = await call(clock, 'POST', JSON.stringify({ set: '2098-01-01T00:00:00Z' }));
    expect(back.status).toBe(400);
    expect(back.json.message).toMatch(/only moves forward.*allowBackwards/);
    expect(new Date(sb.controls.clock.now()).getUTCFullYear()).toBe(2099);
    const allowed = await call(clock, 'POST', JSON.stringify({ set: '2098-01-01T00:00:00Z', allowBackwards: true }));
    // The set clock keeps running (a loaded machine can spend milliseconds, even seconds, before
    // the answer reads it): pin the instant set and an upper bound, never an exact millisecond.
    const backTo = Date.parse('2098-01-01T00:00:00Z');
    const allowedNow = Date.parse(String(allowed.json.now));
    expect(allowedNow).toBeGreaterThanOrEqual(backTo);
    expect(allowedNow).toBeLessThan(backTo + 60_000);
    expect(String(allowed.json.now)).toMatch(/^2098-01-01T00:0\d:\d\d\.\d{3}Z$/);
    // Every admin answer's Date is the emulator's time, as every AWS route's is (HTTP-date: seconds).
    expect(allowed.date).toMatch(/^Wed, 01 Jan 2098 00:0\d:\d\d GMT$/);
    expect(new Date((await call(clock, 'GET')).date).getUTCFullYear()).toBe(2098);
    expect(new Date((await call(`${listener.url}/_strongbox/nope`, 'GET')).date).getUTCFullYear()).toBe(2098);
  });

  it('refuses bad bodies with 400 and a clear message, changing nothing', async () => {
    const { sb, listener } = await listening();
    const bad: [string, string, string, RegExp][] = [
      ['clock', 'POST', 'not json', /not JSON/],
      ['clock', 'POST', '{}', /exactly one of "advance"/],
      ['clock', 'POST', '{"advance":"-1d"}', /duration/],
      ['clock', 'POST', '{"advance":"1y"}', /duration/],
      ['clock', 'POST', '{"advance":"1d","set":0}', /exactly one/],
      ['clock', 'POST', '{"advance":"1d","allowBackwards":true}', /goes with "set"/],
      ['clock', 'POST', '{"set":"tomorrow"}', /RFC 3339/],
      ['clock', 'POST', '{"advnace":"1d"}', /no member "advnace"/],
      ['faults', 'POST', '{"service":"sqs","fault":"X","count":1}', /"service" must be one of "kms", "s3"/],
      ['faults', 'POST', '{"service":"kms","fault":"SlowDown","count":1}', /for kms must be one of ThrottlingException/],
      // An operation the service does not serve would never strike: refused, with the name meant.
      [
        'faults',
        'POST',
        '{"service":"kms","operation":"GenerateDatakey","fault":"ThrottlingException","count":1}',
        /"operation" for kms must be "\*" or an operation it serves; got "GenerateDatakey" \(did you mean "GenerateDataKey"\?\)/,
      ],
      [
        'faults',
        'POST',
        '{"service":"s3","operation":"GetObjects","fault":"SlowDown","count":1}',
        /"operation" for s3 .*got "GetObjects" \(did you mean "GetObject"\?\)/,
      ],
      [
        'faults',
        'POST',
        '{"service":"s3","operation":"GenerateDataKey","fault":"SlowDown","count":1}',
        /"operation" for s3 must be "\*" or an operation it serves; got "GenerateDataKey" \(it is a kms operation\)$/,
      ],
      [
        'faults',
        'POST',
        '{"service":"kms","operation":"GetObject","fault":"ThrottlingException","count":1}',
        /"operation" for kms must be "\*" or an operation it serves; got "GetObject" \(it is an s3 operation\)$/,
      ],
      ['faults', 'POST', '{"service":"s3","fault":"SlowDown"}', /needs "count".*or "fraction"/],
      ['faults', 'POST', '{"service":"s3","fault":"SlowDown","fraction":2}', /"fraction" must be/],
      ['faults', 'POST', '{"service":"s3","fault":"SlowDown","count":1,"seed":""}', /"seed"/],
      ['faults', 'POST', '{"__proto__":{"polluted":true},"service":"s3","fault":"SlowDown","count":1}', /no member "__proto__"/],
      ['quotas', 'PUT', '{"profile":"everything"}', /quotas.profile/],
    ];
    const seed = sb.controls.faults.seed;
    for (const [path, method, body, message] of bad) {
      const answer = await call(`${listener.url}/_strongbox/${path}`, method, body);
      expect([path, body, answer.status]).toEqual([path, body, 400]);
      expect(answer.json.__type).toBe('ValidationException');
      expect(answer.json.message).toMatch(message);
    }
    expect(sb.controls.clock.offsetMs).toBe(0);
    expect(sb.controls.faults.list()).toEqual([]);
    expect(sb.controls.faults.seed).toBe(seed);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await call(`${listener.url}/_strongbox/clock`, 'DELETE')).status).toBe(405);
    expect((await call(`${listener.url}/_strongbox/nothing`, 'GET')).status).toBe(404);
  });

  it('adds, lists and clears faults', async () => {
    const { sb, listener } = await listening();
    const faults = `${listener.url}/_strongbox/faults`;
    const added = await call(faults, 'POST', JSON.stringify({ service: 'kms', operation: 'Decrypt', fault: 'ThrottlingException', fraction: 0.25, seed: 9 }));
    expect(added.status).toBe(201);
    expect(added.json).toEqual({
      fault: { id: 'fault-1', service: 'kms', operation: 'Decrypt', fault: 'ThrottlingException', fraction: 0.25, struck: 0 },
      seed: '9',
    });
    await call(faults, 'POST', JSON.stringify({ service: 's3', fault: 'latency', latencyMs: 10, count: 2 }));
    const listed = await call(faults, 'GET');
    expect((listed.json.faults as unknown[]).length).toBe(2);
    expect(listed.json.available).toEqual({
      kms: ['ThrottlingException', 'KMSInternalException', 'DependencyTimeoutException', 'KeyUnavailableException', 'latency'],
      s3: ['InternalError', 'SlowDown', 'ServiceUnavailable', 'latency'],
    });
    expect((await call(`${faults}/fault-1`, 'DELETE')).status).toBe(200);
    expect((await call(`${faults}/fault-1`, 'DELETE')).status).toBe(404);
    for (const malformed of ['%E0%A4%A', '%E0', '%ff']) {
      const answer = await call(`${faults}/${malformed}`, 'DELETE');
      expect([answer.status, answer.json.__type]).toEqual([400, 'ValidationException']);
      expect(answer.json.message).toMatch(/is not valid percent-encoding/);
    }
    expect((await call(faults, 'DELETE')).json.cleared).toBe(1);
    expect(sb.controls.faults.list()).toEqual([]);
  });

  it('answers 500, not 400, when an operation fails on the server side with a TypeError', async () => {
    const { sb, listener } = await listening();
    vi.spyOn(sb.controls, 'reset').mockRejectedValueOnce(new TypeError('a store bug'));
    const failed = await call(`${listener.url}/_strongbox/reset`, 'POST');
    expect([failed.status, failed.json.__type]).toEqual([500, 'InternalFailure']);
    expect(failed.json.message).toMatch(/a store bug/);
    // The caller's mistakes are still 400.
    expect((await call(`${listener.url}/_strongbox/quotas`, 'PUT', '{"profile":"nope"}')).status).toBe(400);
  });

  it('resets over HTTP and reads the quota counters', async () => {
    const { sb, listener } = await listening({ quotas: { profile: 'aws' } });
    await sb.kms.send('CreateKey', {});
    const quotas = await call(`${listener.url}/_strongbox/quotas`, 'GET');
    expect(quotas.json.usage).toEqual(expect.arrayContaining([expect.objectContaining({ quota: 'CreateKey', admitted: 1 })]));
    const reset = await call(`${listener.url}/_strongbox/reset`, 'POST');
    expect(reset.status).toBe(200);
    expect(reset.json.reset).toBe(true);
    expect((await call(`${listener.url}/_strongbox/quotas`, 'GET')).json.usage).toEqual([]);
    expect((await sb.kms.send('ListKeys', {})).Keys).toEqual([]);
  });
});

/** A raw HTTP/1.1 request with the given `Host` (fetch does not let a caller set it). */
function rawRequest(url: string, method: string, host: string, body = ''): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method, headers: { host, 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('the admin API refuses what a web page can send', () => {
  it('refuses a changing request carrying an Origin header with 403, changing nothing', async () => {
    const { sb, listener } = await listening();
    await sb.kms.send('CreateKey', {});
    const evil = { origin: 'https://evil.example', 'content-type': 'text/plain' };
    const clock = await call(`${listener.url}/_strongbox/clock`, 'POST', '{"advance":"400d"}', evil);
    expect(clock.status).toBe(403);
    expect(clock.json.__type).toBe('AccessDeniedException');
    expect(clock.json.message).toMatch(/Origin header \(https:\/\/evil\.example\)/);
    const form = { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' };
    expect((await call(`${listener.url}/_strongbox/reset`, 'POST', 'a=1', form)).status).toBe(403);
    expect((await call(`${listener.url}/_strongbox/faults`, 'DELETE', undefined, evil)).status).toBe(403);
    expect((await call(`${listener.url}/_strongbox/quotas`, 'PUT', '{"profile":"aws"}', evil)).status).toBe(403);
    expect(sb.controls.clock.offsetMs).toBe(0);
    expect((await sb.kms.send('ListKeys', {})).Keys).toHaveLength(1);
    // Reading is not a change; curl and SDK-style callers (no Origin) are served as before.
    expect((await call(`${listener.url}/_strongbox/clock`, 'GET', undefined, { origin: 'https://evil.example' })).status).toBe(200);
    expect((await call(`${listener.url}/_strongbox/clock`, 'POST', '{"advance":"1d"}')).status).toBe(200);
  });

  it('refuses a Host that is not loopback or the listener host (DNS rebinding), whatever the method', async () => {
    const { sb, listener } = await listening();
    const reset = await rawRequest(`${listener.url}/_strongbox/reset`, 'POST', 'evil.example');
    expect(reset.status).toBe(403);
    expect(reset.json).toMatchObject({ __type: 'AccessDeniedException', message: expect.stringMatching(/Host 'evil\.example'/) });
    expect((await rawRequest(`${listener.url}/_strongbox/clock`, 'GET', `evil.example:${listener.port}`)).status).toBe(403);
    expect((await rawRequest(`${listener.url}/_strongbox/clock`, 'POST', 'evil.example', '{"advance":"1d"}')).status).toBe(403);
    expect(sb.controls.clock.offsetMs).toBe(0);
    expect((await rawRequest(`${listener.url}/_strongbox/clock`, 'GET', 'rebind.evil.example.')).status).toBe(403);
    for (const host of [`127.0.0.1:${listener.port}`, `localhost:${listener.port}`, 'strongbox.localhost', `[::1]:${listener.port}`, 'strongbox:4566']) {
      expect((await rawRequest(`${listener.url}/_strongbox/clock`, 'GET', host)).status).toBe(200);
    }
  });
});

describe('the admin API under --strict-auth', () => {
  const users = parseUsers(
    JSON.stringify({
      users: [
        {
          accessKeyId: 'AKIAOPS',
          secretAccessKey: 'ops-secret',
          principal: 'arn:aws:iam::000000000000:user/ops',
          policy: { allow: ['strongbox:AdvanceClock', 'strongbox:ReadClock', 'strongbox:Reset'] },
        },
        { accessKeyId: 'AKIADEV', secretAccessKey: 'dev-secret', principal: 'arn:aws:iam::000000000000:user/dev', policy: { allow: ['kms:*'] } },
      ],
    }),
  );

  async function signed(
    url: string,
    method: string,
    body: string,
    accessKeyId: string,
    secretAccessKey: string,
    signingDate?: Date,
  ): Promise<Record<string, string>> {
    const target = new URL(url);
    const signer = new SignatureV4({
      service: 'strongbox',
      region: 'us-east-1',
      credentials: { accessKeyId, secretAccessKey },
      sha256: Hash.bind(null, 'sha256'),
    });
    const request = await signer.sign(
      {
        method,
        protocol: target.protocol,
        hostname: target.hostname,
        port: Number(target.port),
        path: target.pathname,
        headers: { host: target.host, 'content-type': 'application/json' },
        body,
      },
      signingDate === undefined ? {} : { signingDate },
    );
    return request.headers as Record<string, string>;
  }

  it('refuses unsigned callers, unknown keys, bad signatures and users without the action with 403, changing nothing', async () => {
    const { sb, listener } = await listening({ strictAuth: true, users });
    const clock = `${listener.url}/_strongbox/clock`;
    const body = JSON.stringify({ advance: '1d' });
    const unsigned = await call(clock, 'POST', body);
    expect([unsigned.status, unsigned.json.__type]).toEqual([403, 'MissingAuthenticationTokenException']);
    const test = await call(clock, 'POST', body, await signed(clock, 'POST', body, 'test', 'test'));
    expect([test.status, test.json.__type]).toEqual([403, 'AccessDeniedException']);
    expect(test.json.message).toBe(
      'User: arn:aws:iam::000000000000:root is not authorized to perform: strongbox:AdvanceClock because no identity-based policy allows the strongbox:AdvanceClock action',
    );
    const dev = await call(clock, 'POST', body, await signed(clock, 'POST', body, 'AKIADEV', 'dev-secret'));
    expect([dev.status, dev.json.__type]).toEqual([403, 'AccessDeniedException']);
    const forged = await call(clock, 'POST', body, await signed(clock, 'POST', body, 'AKIAOPS', 'wrong'));
    expect([forged.status, forged.json.__type]).toEqual([403, 'InvalidSignatureException']);
    const unknown = await call(clock, 'POST', body, await signed(clock, 'POST', body, 'AKIANOBODY', 'x'));
    expect([unknown.status, unknown.json.__type]).toEqual([403, 'UnrecognizedClientException']);
    const quotas = `${listener.url}/_strongbox/quotas`;
    expect((await call(quotas, 'PUT', 'false', await signed(quotas, 'PUT', 'false', 'AKIAOPS', 'ops-secret'))).status).toBe(403);
    expect(sb.controls.clock.offsetMs).toBe(0);
    expect(sb.kms.quotas.options.enabled).toBe(true);
  });

  it('lists every path it serves, the health route’s too, in its 404 answer, and serves each path listed', async () => {
    const { listener } = await listening();
    const missing = await call(`${listener.url}/_strongbox/`, 'GET');
    expect([missing.status, missing.json.__type]).toEqual([404, 'NotFound']);
    const listed = /the admin API serves (.+)$/.exec(missing.json.message as string)?.[1]?.split(', ') ?? [];
    expect(listed).toEqual(
      expect.arrayContaining(['/_strongbox/health', '/_strongbox/clock', '/_strongbox/faults', '/_strongbox/reset', '/_strongbox/quotas']),
    );
    for (const path of listed) {
      // No path serves OPTIONS: a served path says which methods it does (405), an unknown one is 404.
      const answer = await call(`${listener.url}${path.replace('<id>', 'none')}`, 'OPTIONS');
      expect(answer.status, path).toBe(405);
    }
  });

  it('checks the signature before routing: unknown paths and wrong methods are 404/405 only to a caller who signed', async () => {
    const { listener } = await listening({ strictAuth: true, users });
    const nowhere = `${listener.url}/_strongbox/nothing`;
    const clock = `${listener.url}/_strongbox/clock`;
    for (const [url, method] of [
      [nowhere, 'GET'],
      [clock, 'DELETE'],
      [`${listener.url}/_strongbox/faults/%E0`, 'DELETE'],
    ] as const) {
      const unsigned = await call(url, method);
      expect([unsigned.status, unsigned.json.__type]).toEqual([403, 'MissingAuthenticationTokenException']);
      const forged = await call(url, method, undefined, await signed(url, method, '', 'AKIAOPS', 'wrong'));
      expect([forged.status, forged.json.__type]).toEqual([403, 'InvalidSignatureException']);
      const unknown = await call(url, method, undefined, await signed(url, method, '', 'AKIANOBODY', 'x'));
      expect([unknown.status, unknown.json.__type]).toEqual([403, 'UnrecognizedClientException']);
    }
    // A caller who signed (even one allowed nothing here) is told what is wrong with the request.
    const missing = await call(nowhere, 'GET', undefined, await signed(nowhere, 'GET', '', 'AKIADEV', 'dev-secret'));
    expect([missing.status, missing.json.__type]).toEqual([404, 'NotFound']);
    const wrongMethod = await call(clock, 'DELETE', undefined, await signed(clock, 'DELETE', '', 'AKIAOPS', 'ops-secret'));
    expect([wrongMethod.status, wrongMethod.json.__type]).toEqual([405, 'MethodNotAllowed']);
  });

  it('serves a signed caller whose identity policy allows the action', async () => {
    const { sb, listener } = await listening({ strictAuth: true, users });
    const clock = `${listener.url}/_strongbox/clock`;
    const body = JSON.stringify({ advance: '1d' });
    const moved = await call(clock, 'POST', body, await signed(clock, 'POST', body, 'AKIAOPS', 'ops-secret'));
    expect(moved.status).toBe(200);
    expect(sb.controls.clock.offsetMs).toBeGreaterThanOrEqual(86_400_000);
    // The emulator's time is a day ahead now: a request signed with the caller's own clock is
    // refused as AWS refuses it, one signed at the emulator's time is served.
    const reset = `${listener.url}/_strongbox/reset`;
    const late = await call(reset, 'POST', '', await signed(reset, 'POST', '', 'AKIAOPS', 'ops-secret'));
    expect([late.status, late.json.__type]).toEqual([403, 'InvalidSignatureException']);
    expect(late.json.message).toMatch(/^Signature expired/);
    // As an SDK does, over HTTP only: the refusal's Date is the emulator's time; sign at it.
    expect(Math.abs(Date.parse(late.date) - sb.controls.clock.now())).toBeLessThan(60_000);
    const current = await signed(reset, 'POST', '', 'AKIAOPS', 'ops-secret', new Date(late.date));
    expect((await call(reset, 'POST', '', current)).status).toBe(200);
    expect(sb.controls.clock.offsetMs).toBe(0);
  });

  it('works with curl --aws-sigv4, as the README shows', async () => {
    const { sb, listener } = await listening({ strictAuth: true, users });
    const { stdout } = await promisify(execFile)('curl', [
      '-s',
      '--aws-sigv4',
      'aws:amz:us-east-1:strongbox',
      '--user',
      'AKIAOPS:ops-secret',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"advance": "7d"}',
      `${listener.url}/_strongbox/clock`,
    ]);
    expect(JSON.parse(stdout).offsetMs).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect(sb.controls.clock.offsetMs).toBeGreaterThanOrEqual(7 * 86_400_000);
  });
});
