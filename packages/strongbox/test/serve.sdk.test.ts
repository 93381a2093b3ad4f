/**
 * `strongbox serve` end to end: the CLI (in-process, on a real port; as a child process where a
 * real signal matters), spoken to by the official
 * `@aws-sdk/client-kms` and `@aws-sdk/client-cloudtrail` (and the AWS CLI when installed), as a
 * user's program would: KMS and CloudTrail on one port, persistence across restarts, seeds, users
 * with identity policies under strict authentication, quotas, and a graceful SIGTERM.
 */

import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudTrailClient, failureOf, kmsClient, type ServeProcess, type Serving, serve, serveInProcess, useTempDir } from './helpers/cli.ts';

const running: Serving[] = [];
afterEach(async () => {
  // A test that failed midway must not leave a server behind.
  for (const server of running.splice(0)) await server.stop('SIGKILL');
});
/** `strongbox serve` run in-process (its real port, its real output). */
async function started(args: readonly string[] = []): Promise<Serving> {
  const server = await serveInProcess(args);
  running.push(server);
  return server;
}
/** `strongbox serve` as a child process, for real signals. */
async function startedChild(args: readonly string[] = []): Promise<ServeProcess> {
  const server = await serve(args);
  running.push(server);
  return server;
}
/** Stops a server started by `started` with SIGTERM and returns how it exited. */
async function stopped(server: Serving): Promise<Awaited<ReturnType<Serving['stop']>>> {
  running.splice(running.indexOf(server), 1);
  return server.stop('SIGTERM');
}

const dir = useTempDir();

describe('one port for KMS and CloudTrail', () => {
  it('prints the endpoint, credentials and copy-paste lines for the actual port', async () => {
    const server = await started();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toBe('http://127.0.0.1:0');
    const out = server.stdout();
    expect(out).toContain('Region us-east-1, account 000000000000');
    expect(out).toContain(`export AWS_ENDPOINT_URL=${server.url} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1`);
    expect(out).toContain(`aws kms create-key --endpoint-url ${server.url}`);
    expect(out).toContain(`new KMSClient({ endpoint: '${server.url}'`);
    expect(out).toContain(`aws s3 mb s3://my-bucket --endpoint-url ${server.url}`);
    expect(out).toContain(`new S3Client({ endpoint: '${server.url}'`);
    expect(server.stderr()).toBe('');
  });

  it('serves the official KMS client: create a key, encrypt, decrypt', async () => {
    const server = await started();
    const kms = kmsClient(server.url);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'e2e' }));
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: new TextEncoder().encode('hello') }));
    const { Plaintext, KeyId } = await kms.send(new DecryptCommand({ CiphertextBlob: CiphertextBlob! }));
    expect(new TextDecoder().decode(Plaintext)).toBe('hello');
    expect(KeyId).toBe(KeyMetadata!.Arn);
    kms.destroy();
  });

  it('answers CloudTrail LookupEvents from the same port with the KMS calls made there', async () => {
    const server = await started();
    const kms = kmsClient(server.url);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const trail = cloudTrailClient(server.url);
    const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }] }));
    expect(Events).toHaveLength(1);
    expect(Events![0]).toMatchObject({ EventName: 'CreateKey', EventSource: 'kms.amazonaws.com' });
    expect(JSON.parse(Events![0]!.CloudTrailEvent!).responseElements.keyMetadata.keyId).toBe(KeyMetadata!.KeyId);
    kms.destroy();
    trail.destroy();
  });

  it('answers any other X-Amz-Target with a JSON 1.1 UnknownOperationException that says what is served', async () => {
    const server = await started();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message:
        "No service on this endpoint handles X-Amz-Target 'DynamoDB_20120810.ListTables'; it serves Strongbox health (/_strongbox/health), Strongbox admin API (/_strongbox/), KMS, CloudTrail LookupEvents, STS GetCallerIdentity, S3.",
    });
  });
});

describe('state', () => {
  it('with --data, a restart keeps keys and their material', async () => {
    const data = `${dir.path}/data-restart`;
    const first = await started(['--data', data]);
    let kms = kmsClient(first.url);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'kept' }));
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: new Uint8Array([7, 7, 7]) }));
    kms.destroy();
    expect((await stopped(first)).code).toBe(0);

    const second = await started(['--data', data]);
    expect(second.stdout()).toContain(`State: kept in ${data}`);
    kms = kmsClient(second.url);
    const described = await kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId! }));
    expect(described.KeyMetadata).toMatchObject({ KeyId: KeyMetadata!.KeyId, Description: 'kept', KeyState: 'Enabled' });
    const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob: CiphertextBlob! }));
    expect(Plaintext).toEqual(new Uint8Array([7, 7, 7]));
    kms.destroy();
  });

  it('with --seed, the seeded key and alias exist from the first request', async () => {
    const keyId = '6f1c1c1e-5a0e-4a8e-9c77-2d1f1b0c9a11';
    const seed = await dir.file('seed.json', JSON.stringify({ keys: [{ keyId, description: 'orders', aliases: ['alias/orders'] }] }));
    const server = await started(['--seed', seed]);
    const kms = kmsClient(server.url);
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/orders' }));
    expect(KeyMetadata).toMatchObject({ KeyId: keyId, Description: 'orders' });
    kms.destroy();
  });

  it('with --quotas aws --quota-scale, operation quotas shrink: the second CreateKey within 200 s is throttled', async () => {
    // CreateKey's quota is 5/s; x 0.001 = one request per 200 seconds.
    const server = await started(['--quotas', 'aws', '--quota-scale', '0.001']);
    expect(server.stdout()).toContain("Quotas: AWS's request quotas, every operation's own included x 0.001");
    const kms = kmsClient(server.url);
    await kms.send(new CreateKeyCommand({}));
    expect(await failureOf(kms.send(new CreateKeyCommand({})))).toMatchObject({ name: 'ThrottlingException', status: 400 });
    kms.destroy();
  });

  it('with --no-quotas --key-quota 2, throttles nothing and refuses the third key with LimitExceededException', async () => {
    const server = await started(['--no-quotas', '--key-quota', '2']);
    expect(server.stdout()).toContain('Quotas: no throttling; 2 customer managed keys per account and Region');
    const kms = kmsClient(server.url);
    await Promise.all([kms.send(new CreateKeyCommand({})), kms.send(new CreateKeyCommand({}))]);
    expect(await failureOf(kms.send(new CreateKeyCommand({})))).toMatchObject({
      name: 'LimitExceededException',
      message: 'Key quota for this account in this region is 2 but the current usage is 2.',
      status: 400,
    });
    kms.destroy();
  });

  it('by default throttles no control-plane call: ten CreateKey at once all succeed', async () => {
    const server = await started([]);
    expect(server.stdout()).toContain("Quotas: AWS's shared cryptographic quotas (--quotas aws adds CreateKey 5/s and the rest)");
    const kms = kmsClient(server.url);
    const created = await Promise.all(Array.from({ length: 10 }, () => kms.send(new CreateKeyCommand({}))));
    expect(created).toHaveLength(10);
    kms.destroy();
  });
});

describe('users and strict authentication', () => {
  const users = {
    users: [
      {
        accessKeyId: 'AKIAALICE',
        secretAccessKey: 'alice-secret-do-not-print',
        principal: 'arn:aws:iam::000000000000:user/alice',
        policy: { allow: ['kms:*'] },
      },
      {
        accessKeyId: 'AKIACAROL',
        secretAccessKey: 'carol-secret-do-not-print',
        principal: 'arn:aws:iam::000000000000:user/carol',
        policy: { allow: ['kms:*'], deny: ['kms:CreateKey'] },
      },
    ],
  };

  it('lists users-file keys without their secrets', async () => {
    const server = await started(['--users', await dir.file('users-banner.json', JSON.stringify(users)), '--strict-auth']);
    expect(server.stdout()).toContain('AKIAALICE / (secret in the users file)  ->  arn:aws:iam::000000000000:user/alice');
    expect(server.stdout()).toContain('test / test  ->  arn:aws:iam::000000000000:root');
    expect(server.stdout()).not.toContain('do-not-print');
  });

  it('refuses unknown keys and unsigned requests, and lets identity policies decide', async () => {
    const server = await started(['--users', await dir.file('users.json', JSON.stringify(users)), '--strict-auth']);
    const stranger = kmsClient(server.url, { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' });
    expect(await failureOf(stranger.send(new CreateKeyCommand({})))).toEqual({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      status: 400,
    });
    const unsigned = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.CreateKey' },
      body: '{}',
    });
    expect(await unsigned.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });

    const alice = kmsClient(server.url, { accessKeyId: 'AKIAALICE', secretAccessKey: users.users[0]!.secretAccessKey });
    const { KeyMetadata } = await alice.send(new CreateKeyCommand({}));
    expect(KeyMetadata?.KeyState).toBe('Enabled');
    const carol = kmsClient(server.url, { accessKeyId: 'AKIACAROL', secretAccessKey: users.users[1]!.secretAccessKey });
    expect(await failureOf(carol.send(new CreateKeyCommand({})))).toEqual({
      name: 'AccessDeniedException',
      message:
        'User: arn:aws:iam::000000000000:user/carol is not authorized to perform: kms:CreateKey on resource: * with an explicit deny in an identity-based policy',
      status: 400,
    });
    for (const client of [stranger, alice, carol]) client.destroy();
  });

  it('verifies test/test under --strict-auth, and accepts it with any secret by default', async () => {
    const strict = await started(['--strict-auth']);
    const wrongStrict = kmsClient(strict.url, { accessKeyId: 'test', secretAccessKey: 'not-test' });
    expect(await failureOf(wrongStrict.send(new CreateKeyCommand({})))).toMatchObject({ name: 'InvalidSignatureException', status: 400 });
    const rightStrict = kmsClient(strict.url, { accessKeyId: 'test', secretAccessKey: 'test' });
    expect((await rightStrict.send(new CreateKeyCommand({}))).KeyMetadata?.AWSAccountId).toBe('000000000000');

    const permissive = await started([]);
    const anySecret = kmsClient(permissive.url, { accessKeyId: 'test', secretAccessKey: 'whatever' });
    expect((await anySecret.send(new CreateKeyCommand({}))).KeyMetadata?.AWSAccountId).toBe('000000000000');
    for (const client of [wrongStrict, rightStrict, anySecret]) client.destroy();
  });
});

describe('SIGTERM', () => {
  it('stops accepting, finishes the request in flight, prints one line and exits 0', async () => {
    const server = await startedChild(['--data', `${dir.path}/data-sigterm`]);
    const { hostname, port } = new URL(server.url);
    // Expect: 100-continue lets the test know the server holds the request before the body is sent.
    const pending = request({
      hostname,
      port,
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.CreateKey', 'content-length': '2', expect: '100-continue' },
    });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      pending.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      pending.on('error', reject);
    });
    await new Promise<void>((resolve) => pending.once('continue', resolve));
    const before = server.stdout();
    server.child.kill('SIGTERM');
    await server.waitForStdout('strongbox: SIGTERM received, stopping after 1 request in flight\n');
    // New connections are refused while the request in flight is still open.
    await expect(fetch(server.url, { method: 'POST', body: '{}' })).rejects.toThrow();
    pending.end('{}');
    const answer = await response;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).KeyMetadata.KeyState).toBe('Enabled');
    // No second signal: the first one alone must end the process.
    const exit = await server.exited;
    running.splice(running.indexOf(server), 1);
    expect(exit).toMatchObject({ code: 0, signal: null, stderr: '' });
    // The stop line, then the log line of the request it waited for (answered after the signal).
    expect(exit.stdout.slice(before.length)).toMatch(/^strongbox: SIGTERM received, stopping after 1 request in flight\n\S+Z POST kms CreateKey 200 \d+ms\n$/);
  });
});

describe('SIGINT', () => {
  it('(Ctrl-C, delivered to the CLI in-process) stops the same way: one line, exit 0', async () => {
    const server = await started();
    const before = server.stdout();
    const exit = await server.stop('SIGINT');
    running.splice(running.indexOf(server), 1);
    expect(exit).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(exit.stdout.slice(before.length)).toBe('strongbox: SIGINT received, stopping\n');
  });
});

describe('the AWS CLI', () => {
  const hasAws = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

  // The AWS CLI is not a dependency of this repository; the test runs where it is installed.
  it.skipIf(!hasAws)("runs the banner's `aws kms create-key` line", async () => {
    const server = await started();
    const line = /aws kms create-key [^\n]+/.exec(server.stdout())![0];
    const { stdout } = await promisify(execFile)('sh', ['-c', line], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    });
    expect(JSON.parse(stdout).KeyMetadata.KeyState).toBe('Enabled');
  });

  it.skipIf(!hasAws)(
    "runs the banner's `aws s3 mb` line, then `aws s3 cp` up (multipart, CLI checksums) and down",
    async () => {
      const server = await started();
      const env = {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      };
      const run = (command: string) => promisify(execFile)('sh', ['-c', command], { env, maxBuffer: 16 * 1024 * 1024 });
      await run(/aws s3 mb [^\n]+/.exec(server.stdout())![0]);
      // 9 MiB: over the CLI's 8 MiB multipart threshold.
      const file = join(dir.path, 'cli-upload.bin');
      await writeFile(file, randomBytes(9 * 1024 * 1024));
      const endpoint = `--endpoint-url ${server.url} --region us-east-1`;
      await run(`aws s3 cp ${file} s3://my-bucket/up.bin ${endpoint} --sse AES256 --only-show-errors`);
      const head = JSON.parse((await run(`aws s3api head-object --bucket my-bucket --key up.bin ${endpoint}`)).stdout);
      expect(head).toMatchObject({ ContentLength: 9 * 1024 * 1024, ServerSideEncryption: 'AES256' });
      expect(head.ETag).toMatch(/-2"$/);
      await run(`aws s3 cp s3://my-bucket/up.bin ${file}.back ${endpoint} --only-show-errors`);
      expect((await readFile(`${file}.back`)).equals(await readFile(file))).toBe(true);
      // Five CLI processes of about a second each, more on a loaded machine.
    },
    60_000,
  );
});
