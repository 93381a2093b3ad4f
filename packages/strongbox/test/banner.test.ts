/**
 * The start-up banner: the README's sample is compared line by line with what `startBanner` prints
 * for the default settings, so the two cannot drift apart again (the sample named "KMS, CloudTrail
 * LookupEvents" long after S3 was served); and its authentication line speaks of users-file keys
 * only when there is a users file.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseUsers } from '@strongbox/kms';
import { describe, expect, it } from 'vitest';
import { startBanner } from '../src/banner.ts';

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

/** The lines of the README's sample banner, without its `...` elisions. */
function sampleBanner(): string[] {
  const at = README.indexOf('It prints the endpoint and lines to paste:');
  expect(at, 'the README shows a sample banner').toBeGreaterThanOrEqual(0);
  const open = README.indexOf('```\n', at) + 4;
  return README.slice(open, README.indexOf('```', open))
    .split('\n')
    .filter((line) => line !== '' && line !== '...');
}

describe('the README sample banner', () => {
  it('shows lines the banner prints for the default settings, in its order', () => {
    const banner = startBanner({ url: 'http://127.0.0.1:4566', region: 'us-east-1', account: '000000000000', strictAuth: false }).split('\n');
    const sample = sampleBanner();
    expect(sample.length).toBeGreaterThan(1);
    expect(sample[0]).toBe(banner[0]);
    let from = 0;
    for (const line of sample) {
      const found = banner.indexOf(line, from);
      expect(found, `the banner prints ${JSON.stringify(line)} (after line ${from})`).toBeGreaterThanOrEqual(from);
      from = found + 1;
    }
  });
});

describe('the TLS hint', () => {
  const facts = { url: 'http://127.0.0.1:4566', region: 'us-east-1', account: '000000000000', strictAuth: false };

  it('without an HTTPS listener, says SSE-KMS and SSE-C need one and which flag adds it', () => {
    expect(startBanner(facts)).toContain('SSE-KMS and SSE-C need TLS, as on AWS (plain-HTTP requests for them are refused): add --https-port 4567.\n');
  });

  it('under --port 4567, does not tell the user to add --https-port 4567 (refused: it must differ from --port)', () => {
    const banner = startBanner({ ...facts, url: 'http://127.0.0.1:4567' });
    expect(banner).toContain('SSE-KMS and SSE-C need TLS');
    expect(banner).not.toContain('add --https-port 4567.');
    expect(banner).toContain('add --https-port 4568.');
  });

  it('with one, leaves the hint out: the HTTPS lines say how to reach it', () => {
    const https = { url: 'https://127.0.0.1:4567', certPath: '/tmp/cert.pem', origin: 'created' as const, fingerprint256: 'AA:BB' };
    const banner = startBanner({ ...facts, https });
    expect(banner).not.toContain('SSE-KMS and SSE-C need TLS');
    expect(banner).toContain('Certificate: /tmp/cert.pem');
  });
});

describe('the quotas line', () => {
  const facts = { url: 'http://127.0.0.1:4566', region: 'us-east-1', account: '000000000000', strictAuth: false };
  const quotasLine = (banner: string): string => banner.split('\n').find((line) => line.startsWith('  Quotas: ')) ?? '';

  it('under --no-quotas, says throttling is off and the key quota still applies', () => {
    expect(quotasLine(startBanner({ ...facts, quotas: false }))).toBe('  Quotas: no throttling; 100000 customer managed keys per account and Region');
  });
});

describe('the CloudTrail line', () => {
  const facts = { url: 'http://127.0.0.1:4566', region: 'us-east-1', account: '000000000000', strictAuth: false };
  const trailLines = (banner: string): string[] => banner.split('\n').filter((line) => line.startsWith('  CloudTrail: '));

  it('says S3 data events are recorded under --s3-data-events, and is absent by default (as AWS: data events off)', () => {
    expect(trailLines(startBanner({ ...facts, s3DataEvents: true }))).toEqual([
      '  CloudTrail: S3 data events recorded too (LookupEvents lists PutObject, GetObject, ... beside the KMS calls)',
    ]);
    expect(trailLines(startBanner(facts))).toEqual([]);
    expect(trailLines(startBanner({ ...facts, s3DataEvents: false }))).toEqual([]);
  });
});

describe('the authentication line', () => {
  const facts = { url: 'http://127.0.0.1:4566', region: 'us-east-1', account: '000000000000' };
  const authLine = (banner: string): string => banner.split('\n').find((line) => line.startsWith('  Authentication: ')) ?? '';
  const users = parseUsers({ users: [{ accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret', principal: 'arn:aws:iam::000000000000:user/alice' }] });

  it('without a users file, says every key and unsigned request is the root, and names no users-file keys', () => {
    const line = authLine(startBanner({ ...facts, strictAuth: false }));
    expect(line).toContain('unsigned requests and any access key (test/test too, any secret) act as the account root');
    expect(line).toContain('--users FILE adds verified keys');
    expect(line).not.toContain('users-file keys are verified');
  });

  it('with a users file, says its keys are verified and the others act as the root; and never prints a secret', () => {
    const banner = startBanner({ ...facts, strictAuth: false, users });
    expect(authLine(banner)).toContain('users-file keys are verified; unsigned requests and other keys');
    expect(banner).not.toContain('alice-secret');
  });

  it('with a users file that lists no users, still speaks of the file, not of --users FILE to add', () => {
    const line = authLine(startBanner({ ...facts, strictAuth: false, users: parseUsers({ users: [] }) }));
    expect(line).toContain('users-file keys are verified');
    expect(line).not.toContain('--users FILE adds');
  });

  it('under --strict-auth, says what is refused and that an unsigned S3 request is the anonymous caller', () => {
    expect(authLine(startBanner({ ...facts, strictAuth: true }))).toBe(
      '  Authentication: strict (unknown access keys are refused; unsigned S3 requests are the anonymous caller, allowed only by a bucket policy for "*"; KMS and the admin API refuse them)',
    );
  });
});
