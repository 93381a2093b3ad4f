/**
 * `strongbox demo` end to end: in process (where it also reads the sealed records) and against
 * `strongbox serve` with its HTTP and HTTPS listeners. The demo's own checks must all hold, its
 * report must show each mechanism and the facts the issue asks for, and it must never print a
 * secret: the SSE-C keys and the CSE-C key (from the randomness the test gives it, which also
 * makes the CSE-C data keys) and every plaintext data key KMS handed out (recorded by wrapping
 * the emulator's `send`) are looked for in hex and base64.
 */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Kms } from '@strongbox/kms';
import { createMemoryObjectStore } from '@strongbox/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeldClock } from '../../src/demo/held-clock.ts';
import { runDemo } from '../../src/demo/run.ts';
import { createStrongbox } from '../../src/strongbox.ts';
import { runInProcess, serveInProcess } from '../helpers/cli.ts';

const MECHANISMS = ['SSE-S3', 'SSE-KMS', 'SSE-KMS with an S3 Bucket Key', 'SSE-C', 'CSE-KMS', 'CSE-C'] as const;

/** Randomness that remembers what it gave. */
function recordingRandom(): { random: (length: number) => Uint8Array; given: Uint8Array[] } {
  const given: Uint8Array[] = [];
  return {
    given,
    random: (length) => {
      const bytes = new Uint8Array(randomBytes(length));
      given.push(new Uint8Array(bytes));
      return bytes;
    },
  };
}

/** Records the plaintext of every data key `kms` returns (GenerateDataKey, Decrypt). */
function recordDataKeys(kms: Kms): Uint8Array[] {
  const keys: Uint8Array[] = [];
  const record = (output: unknown): unknown => {
    const plaintext = (output as { Plaintext?: unknown } | undefined)?.Plaintext;
    if (plaintext instanceof Uint8Array) keys.push(new Uint8Array(plaintext));
    return output;
  };
  const send = kms.send.bind(kms);
  kms.send = (async (operation: string, input: unknown, options?: unknown) =>
    record(await send(operation as never, input as never, options as never))) as Kms['send'];
  // The facade methods serve a call without going through `send` (S3's SSE-KMS calls them).
  for (const name of ['generateDataKey', 'decrypt'] as const) {
    const method = kms[name].bind(kms) as (input: unknown, options?: unknown) => Promise<unknown>;
    (kms as unknown as Record<string, unknown>)[name] = async (input: unknown, options?: unknown) => record(await method(input, options));
  }
  return keys;
}

/** Every way a key could be printed: hex (both cases), base64, base64url. */
function encodings(key: Uint8Array): string[] {
  const buffer = Buffer.from(key);
  const hex = buffer.toString('hex');
  return [hex, hex.toUpperCase(), buffer.toString('base64'), buffer.toString('base64').replace(/=+$/, ''), buffer.toString('base64url')];
}

function expectNoSecret(output: string, secrets: readonly Uint8Array[]): void {
  for (const secret of secrets)
    for (const encoded of encodings(secret)) expect(output.includes(encoded), `a secret appears in the output (${encoded.slice(0, 6)}...)`).toBe(false);
}

/** The text of the section titled `name` (up to the next section). */
function section(output: string, name: string): string {
  const start = output.search(new RegExp(`^\\d+\\. ${name.replace(/[-]/g, '\\-')}(:|$)`, 'm'));
  if (start === -1) throw new Error(`no section ${name}`);
  const rest = output.slice(start + 1);
  const next = rest.search(/^\d+\. /m);
  return next === -1 ? rest : rest.slice(0, next);
}

describe('strongbox demo in process', () => {
  let output = '';
  let report: Awaited<ReturnType<typeof runDemo>>;
  const recorded = recordingRandom();
  let dataKeys: Uint8Array[] = [];

  beforeAll(async () => {
    const store = await createMemoryObjectStore();
    const clock = new HeldClock();
    // As `strongbox demo` makes it: S3 data events on.
    const strongbox = await createStrongbox({ s3Store: store, clock, s3DataEvents: true });
    dataKeys = recordDataKeys(strongbox.kms);
    try {
      report = await runDemo({ target: { kind: 'in-process', strongbox, store, clock }, write: (text) => (output += text), random: recorded.random });
    } finally {
      await strongbox.close();
      await store.close();
    }
  }, 60_000);

  it('runs to the end with every check holding', () => {
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(output).toMatch(/All \d+ checks passed\.\n$/);
  });

  it('has a section for every mechanism, the HTTPS-only policy and throttling', () => {
    for (const name of [...MECHANISMS, 'HTTPS-only bucket policy', 'KMS throttling']) expect(() => section(output, name)).not.toThrow();
  });

  it('shows each round trip passing', () => {
    for (const name of MECHANISMS)
      expect(section(output, name)).toMatch(/ok {5}(GetObject|the encryption client's GetObject).* returns the plaintext \(\d+ bytes, equal\)/);
  });

  it('shows what S3 stored: sealed bytes and metadata, never the plaintext', () => {
    for (const name of MECHANISMS) {
      const text = section(output, name);
      expect(text).toMatch(/S3 stored +\d+ sealed bytes for the \d+ bytes it was sent; the first 16: [0-9a-f]{32}/);
      expect(text).toContain('ok     the stored bytes do not contain the plaintext');
    }
    expect(section(output, 'SSE-KMS')).toMatch(/sse-kms-wrapped-keys: /);
    expect(section(output, 'SSE-KMS with an S3 Bucket Key')).toMatch(/sse-kms-bucket-key: true/);
    expect(section(output, 'SSE-C')).toMatch(/sse-c-key-hmac: /);
  });

  it('shows exactly one GenerateDataKey for the bucket-key run, one per object without', () => {
    const table = (name: string) =>
      section(output, name)
        .split('\n')
        .filter((line) => /^\s+(KMS calls\s+)?GenerateDataKey\s/.test(line));
    expect(table('SSE-KMS with an S3 Bucket Key')).toHaveLength(1);
    expect(table('SSE-KMS')).toHaveLength(3);
    for (const line of [...table('SSE-KMS'), ...table('SSE-KMS with an S3 Bucket Key')]) expect(line).toContain('s3.amazonaws.com');
    expect(table('CSE-KMS')).toHaveLength(1);
    expect(table('CSE-KMS')[0]).not.toContain('s3.amazonaws.com');
  });

  it('lists each S3 object call after the KMS call it caused, naming the object (data events on, as strongbox demo runs)', () => {
    const rows = section(output, 'SSE-KMS')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      // The audit table's rows: event, source (kms or s3), resource, ...
      .filter((cells) => cells[1] === 'kms' || cells[1] === 's3');
    const bucket = section(output, 'SSE-KMS').match(/aws:s3:arn=arn:aws:s3:::([^/\s]+)\//)?.[1];
    expect(bucket).toBeDefined();
    expect(rows.map((cells) => [cells[0], cells[0]?.endsWith('Object') ? cells[2] : undefined])).toEqual([
      ['GenerateDataKey', undefined],
      ['PutObject', `${bucket}/sse-kms/1.txt`],
      ['GenerateDataKey', undefined],
      ['PutObject', `${bucket}/sse-kms/2.txt`],
      ['GenerateDataKey', undefined],
      ['PutObject', `${bucket}/sse-kms/3.txt`],
      ['Decrypt', undefined],
      ['GetObject', `${bucket}/sse-kms/1.txt`],
    ]);
    // CSE-C: S3 calls, and still no KMS call.
    expect(section(output, 'CSE-C')).toMatch(/PutObject +s3 /);
  });

  it('shows SSE-C refused without the key and with a wrong key, as AWS answers', () => {
    const text = section(output, 'SSE-C');
    expect(text).toContain(
      'InvalidRequest (HTTP 400): The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    );
    expect(text).toContain(
      'AccessDenied (HTTP 403): Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.',
    );
  });

  it('shows the HTTPS-only policy refusing the plain request and accepting TLS', () => {
    const text = section(output, 'HTTPS-only bucket policy');
    expect(text).toMatch(/over plain HTTP +PutObject refused: AccessDenied \(HTTP 403\)/);
    expect(text).toMatch(/over TLS +PutObject accepted/);
  });

  it('shows the burst answered ThrottlingException past the 1/s quota, the clock held still', () => {
    // The endpoint's clock stands still for the burst, so the quota window never refills: one
    // call is admitted and 59 throttled, however slowly this machine sends them.
    const answers = /answers +(\d+) data keys, (\d+) ThrottlingException/.exec(section(output, 'KMS throttling'));
    expect([Number(answers?.[1]), Number(answers?.[2])]).toEqual([1, 59]);
    expect(section(output, 'KMS throttling')).toContain('ok     with the clock held, exactly 1 call admitted at 1/s');
  });

  it('never prints an SSE-C key, the CSE-C key or a plaintext data key', () => {
    // Two SSE-C keys (right and wrong), the CSE-C wrapping key, CSE-C's data key; KMS's data keys.
    const keys = recorded.given.filter((bytes) => bytes.length === 32);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    expect(dataKeys.length).toBeGreaterThanOrEqual(5);
    expectNoSecret(output, [...keys, ...dataKeys]);
  });

  it('writes plain text when not styled', () => {
    expect(output).not.toContain('\u001b[');
  });
});

describe('strongbox demo against strongbox serve', () => {
  let serving: Awaited<ReturnType<typeof serveInProcess>>;
  let httpsUrl = '';
  let ca = '';

  beforeAll(async () => {
    serving = await serveInProcess(['--https-port', '0', '--quiet']);
    httpsUrl = /listening on http:\/\/\S+ and (https:\/\/\S+)/.exec(serving.stdout())?.[1] ?? '';
    ca = await readFile(/Certificate: (\S+)/.exec(serving.stdout())?.[1] ?? '', 'utf8');
  }, 30_000);

  afterAll(async () => {
    await serving.stop();
  });

  it('runs to the end over HTTP and HTTPS, with the wire view only, and cleans up', async () => {
    let output = '';
    const recorded = recordingRandom();
    const report = await runDemo({
      target: { kind: 'remote', endpoint: serving.url, httpsEndpoint: httpsUrl, ca, region: 'us-east-1' },
      write: (text) => (output += text),
      random: recorded.random,
    });
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    for (const name of [...MECHANISMS, 'HTTPS-only bucket policy', 'KMS throttling']) expect(() => section(output, name)).not.toThrow();
    expect(output).toContain('at rest: not visible over the wire');
    expect(section(output, 'SSE-KMS with an S3 Bucket Key')).toContain('ok     exactly one GenerateDataKey for 3 PUTs (the bucket key)');
    expect(section(output, 'HTTPS-only bucket policy')).toMatch(/over plain HTTP +PutObject refused: AccessDenied \(HTTP 403\)/);
    expect(section(output, 'KMS throttling')).toMatch(/answers +\d+ data keys, [1-9]\d* ThrottlingException/);
    expect(output).toMatch(/cleaned up +the demo's buckets deleted, its KMS key scheduled for deletion \(7 days\)/);
    expectNoSecret(
      output,
      recorded.given.filter((bytes) => bytes.length === 32),
    );
  }, 60_000);

  it('shows the refusals of SSE-KMS and SSE-C when only the plain listener is given', async () => {
    let output = '';
    const report = await runDemo({ target: { kind: 'remote', endpoint: serving.url, region: 'us-east-1' }, write: (text) => (output += text) });
    expect(report.ok).toBe(true);
    expect(section(output, 'SSE-KMS')).toContain(
      'refused: InvalidArgument (HTTP 400): Requests specifying Server Side Encryption with AWS KMS managed keys must be made over a secure connection.',
    );
    expect(section(output, 'SSE-C')).toMatch(/refused: Invalid(Request|Argument) \(HTTP 400\)/);
    expect(section(output, 'HTTPS-only bucket policy')).toContain('Skipped');
  }, 60_000);
});

describe('strongbox demo against strongbox serve --strict-auth', () => {
  let serving: Awaited<ReturnType<typeof serveInProcess>>;

  beforeAll(async () => {
    serving = await serveInProcess(['--strict-auth', '--quiet']);
  }, 30_000);

  afterAll(async () => {
    await serving.stop();
  });

  it('reports the refused quota route as skipped instead of dying', async () => {
    let output = '';
    const report = await runDemo({ target: { kind: 'remote', endpoint: serving.url, region: 'us-east-1' }, write: (text) => (output += text) });
    // Under --strict-auth even GET /_strongbox/quotas is 403: the step must say so and let the
    // demo reach its summary.
    expect(section(output, 'KMS throttling')).toContain('Skipped: the endpoint refused to read or change its quotas');
    expect(section(output, 'KMS throttling')).not.toMatch(/ThrottlingException\)/);
    expect(report.checks.length).toBeGreaterThan(0);
    expect(output).toMatch(/checks? (passed|failed)/);
  }, 60_000);
});

describe('strongbox demo on the command line', () => {
  it('prints its help', async () => {
    const exit = await runInProcess(['demo', '--help']);
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('Usage: strongbox demo [options]');
  });

  it.each([
    [['--endpoint-url', 'localhost:4566'], "--endpoint-url expected a URL such as http://localhost:4566, got 'localhost:4566'"],
    [['--https-endpoint-url', 'https://127.0.0.1:4567'], '--https-endpoint-url needs --endpoint-url'],
    [['--endpoint-url', 'http://a', '--https-endpoint-url', 'http://b'], "--https-endpoint-url expected an https:// URL, got 'http://b'"],
    [['--burst', '0'], "--burst expected a number from 1 to 9999, got '0'"],
    // A negative number is named by the flag's own check, not parseArgs' "argument is ambiguous".
    [['--burst', '-1'], "--burst expected a number from 1 to 9999, got '-1'"],
    [['--nope'], "unknown option '--nope'"],
    [['--endpoint', 'http://127.0.0.1:4566'], "unknown option '--endpoint'; did you mean --endpoint-url?"],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const exit = await runInProcess(['demo', ...args]);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toBe(`strongbox: ${message} (see strongbox demo --help)\n`);
  });

  it('refuses an unreadable --ca-bundle with exit 1', async () => {
    const exit = await runInProcess(['demo', '--endpoint-url', 'https://127.0.0.1:1', '--ca-bundle', '/nonexistent/cert.pem']);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/^strongbox: cannot read --ca-bundle '\/nonexistent\/cert\.pem': /);
  });

  it('says nothing listens at an --endpoint-url where nothing does, with exit 1', async () => {
    const port = await freePort();
    const exit = await runInProcess(['demo', '--endpoint-url', `http://127.0.0.1:${port}`]);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toBe(
      `strongbox: cannot connect to http://127.0.0.1:${port} (ECONNREFUSED): is strongbox serve running there? Start it, or point --endpoint-url at the URL its banner prints\n`,
    );
  });

  it('says how to trust the HTTPS listener, and that https:// needs the HTTPS port, with exit 1', async () => {
    const serving = await serveInProcess(['--https-port', '0', '--quiet']);
    try {
      const httpsUrl = /and (https:\/\/\S+)/.exec(serving.stdout())?.[1] ?? '';
      const untrusted = await runInProcess(['demo', '--endpoint-url', httpsUrl]);
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toMatch(/^strongbox: the HTTPS endpoint's certificate is not trusted \([A-Z_]+\): pass --ca-bundle FILE, .*\n$/);
      const tlsToPlain = await runInProcess(['demo', '--endpoint-url', serving.url.replace('http:', 'https:')]);
      expect(tlsToPlain.code).toBe(1);
      expect(tlsToPlain.stderr).toMatch(
        /^strongbox: TLS failed with https:\/\/127\.0\.0\.1:\d+ \([A-Z_]+\): an https:\/\/ URL names the --https-port listener/,
      );
    } finally {
      await serving.stop();
    }
  }, 30_000);

  it('explains an http:// URL at the HTTPS listener in one line, as the opposite mistake is, with exit 1', async () => {
    const serving = await serveInProcess(['--https-port', '0', '--quiet']);
    try {
      const httpsUrl = /and (https:\/\/\S+)/.exec(serving.stdout())?.[1] ?? '';
      const exit = await runInProcess(['demo', '--endpoint-url', httpsUrl.replace('https:', 'http:')]);
      expect(exit.code).toBe(1);
      expect(exit.stderr).not.toMatch(/unexpected error/);
    } finally {
      await serving.stop();
    }
  }, 30_000);

  it('runs in process by default and exits 0', async () => {
    const exit = await runInProcess(['demo', '--burst', '30']);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/All \d+ checks passed\.\n$/);
  }, 60_000);
});

/** A port nothing listens on: bound by the system, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
