/**
 * `createStrongbox`, the in-process entry point, used exactly as the README shows: the official
 * `S3Client` and `KMSClient` built from `sb.clientConfig` alone, and `listen()` serving the same
 * state on a port.
 */

import { CreateKeyCommand, DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it } from 'vitest';
import { createStrongbox, parseUsers, type Strongbox, StrongboxError, type StrongboxListener, startInProcess } from '../src/index.ts';
import { failureOf, kmsClient, tempDir } from './helpers/cli.ts';

const opened: Strongbox[] = [];
const clients: { destroy(): void }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const sb of opened.splice(0)) await sb.close();
});

async function open(options: Parameters<typeof createStrongbox>[0] = {}): Promise<Strongbox> {
  const sb = await createStrongbox(options);
  opened.push(sb);
  return sb;
}

function keep<T extends { destroy(): void }>(client: T): T {
  clients.push(client);
  return client;
}

describe('createStrongbox', () => {
  it('serves S3 and KMS to clients built from sb.clientConfig exactly as the README shows', async () => {
    const sb = await open();
    const s3 = keep(new S3Client(sb.clientConfig));
    const kms = keep(new KMSClient(sb.clientConfig));
    await s3.send(new CreateBucketCommand({ Bucket: 'reports' }));
    await s3.send(new PutObjectCommand({ Bucket: 'reports', Key: 'q1.csv', Body: 'a,b\n1,2\n' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'q1.csv' }));
    expect(await got.Body?.transformToString()).toBe('a,b\n1,2\n');
    expect(got.ServerSideEncryption).toBe('AES256');
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'readme' }));
    // The engines are the ones the clients reach.
    expect((await sb.kms.describeKey({ KeyId: KeyMetadata!.KeyId! })).KeyMetadata.Description).toBe('readme');
  });

  it('counts in-process requests as over TLS, so SSE-KMS and SSE-C work; an http: endpoint is plain HTTP and refused', async () => {
    const sb = await open();
    const s3 = keep(new S3Client(sb.clientConfig));
    await s3.send(new CreateBucketCommand({ Bucket: 'secure' }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'secure', Key: 'k', Body: 'kms', ServerSideEncryption: 'aws:kms' }));
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\//);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'secure', Key: 'k' }));
    expect(await got.Body?.transformToString()).toBe('kms');
    const plain = keep(new S3Client({ ...sb.clientConfig, endpoint: 'http://strongbox.localhost' }));
    const refused = await failureOf(plain.send(new PutObjectCommand({ Bucket: 'secure', Key: 'p', Body: 'x', ServerSideEncryption: 'aws:kms' })));
    expect(refused).toMatchObject({ name: 'InvalidArgument', status: 400 });
    expect(refused.message).toMatch(/must be made over a secure connection/);
  });

  it('clientConfig is path-style, in the given Region, and a fresh object on each read', async () => {
    const sb = await open({ region: 'eu-west-3' });
    expect(sb.clientConfig).toMatchObject({ region: 'eu-west-3', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    expect(sb.clientConfig).not.toBe(sb.clientConfig);
    expect(sb.clientConfig.credentials).not.toBe(sb.clientConfig.credentials);
  });

  it('listen() serves the same state over a port, and closing it leaves the in-process clients working', async () => {
    const sb = await open();
    const kms = keep(new KMSClient(sb.clientConfig));
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'shared' }));
    const listener = await sb.listen();
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const overHttp = keep(
      new KMSClient({ endpoint: listener.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 }),
    );
    expect((await overHttp.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId! }))).KeyMetadata?.Description).toBe('shared');
    const s3OverHttp = keep(
      new S3Client({ endpoint: listener.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true }),
    );
    await s3OverHttp.send(new CreateBucketCommand({ Bucket: 'from-the-port' }));
    await listener.close();
    // The port is closed: the call cannot connect (failureOf throws if it succeeds).
    await failureOf(overHttp.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId! })));
    // The bucket made over the port is there in process; the stores are still open.
    const s3 = keep(new S3Client(sb.clientConfig));
    await s3.send(new PutObjectCommand({ Bucket: 'from-the-port', Key: 'k', Body: 'v' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'from-the-port', Key: 'k' }))).Body?.transformToString()).toBe('v');
  });

  it('serves a URL presigned by a client on a listener’s endpoint, as the README shows', async () => {
    const sb = await open();
    const s3 = keep(new S3Client(sb.clientConfig));
    await s3.send(new CreateBucketCommand({ Bucket: 'shared' }));
    await s3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'report.csv', Body: 'a,b\n' }));
    const presigning = keep(new S3Client({ ...sb.clientConfig, endpoint: (await sb.listen()).url }));
    const url = await getSignedUrl(presigning, new GetObjectCommand({ Bucket: 'shared', Key: 'report.csv' }), { expiresIn: 60 });
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('a,b\n');
  });

  it('close() also closes its listeners, and listen() after close() is refused', async () => {
    const sb = await createStrongbox();
    const listener = await sb.listen();
    await sb.close();
    await expect(fetch(listener.url)).rejects.toThrow();
    await expect(sb.listen()).rejects.toThrow('this Strongbox is closed');
  });

  it('refuses every call from its clients once closed, as a closed port refuses connections', async () => {
    const sb = await createStrongbox();
    const kms = keep(new KMSClient(sb.clientConfig));
    const s3 = keep(new S3Client(sb.clientConfig));
    await kms.send(new CreateKeyCommand({}));
    await sb.close();
    // Neither a key made in a store that is gone nor S3's 500 InternalError (which the SDK retries):
    // the call fails at once, and says why.
    const kmsCall: unknown = await kms.send(new CreateKeyCommand({})).catch((error: unknown) => error);
    expect(kmsCall).toBeInstanceOf(StrongboxError);
    expect(kmsCall).toMatchObject({ code: 'CLOSED', message: expect.stringContaining('this Strongbox is closed') });
    const s3Call: unknown = await s3.send(new CreateBucketCommand({ Bucket: 'after-close' })).catch((error: unknown) => error);
    expect(s3Call).toBeInstanceOf(StrongboxError);
    expect(s3Call).toMatchObject({ code: 'CLOSED', $metadata: { attempts: 1 } });
    await expect(sb.reset()).rejects.toMatchObject({ name: 'StrongboxError', code: 'CLOSED' });
  });

  it('takes users parsed by its own parseUsers (a users file’s document): a user’s key signs as its principal', async () => {
    const users = parseUsers({
      users: [{ accessKeyId: 'AKIABOB', secretAccessKey: 'bob', principal: 'arn:aws:iam::000000000000:user/bob', policy: { allow: ['kms:DescribeKey'] } }],
    });
    const sb = await open({ users, strictAuth: true });
    const bob = keep(new KMSClient({ ...sb.clientConfig, credentials: { accessKeyId: 'AKIABOB', secretAccessKey: 'bob' }, maxAttempts: 1 }));
    const refused = await failureOf(bob.send(new CreateKeyCommand({})));
    expect(refused.name).toBe('AccessDeniedException');
    expect(refused.message).toContain('arn:aws:iam::000000000000:user/bob');
  });

  it('startInProcess keeps working under its old name', async () => {
    const old = await startInProcess();
    try {
      const kms = keep(new KMSClient({ ...old.clientConfig, maxAttempts: 1 }));
      expect((await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId).toBeDefined();
    } finally {
      await old.close();
    }
  });

  it('startInProcess refuses its clients once closed too', async () => {
    const old = await startInProcess();
    const kms = keep(new KMSClient(old.clientConfig));
    await old.close();
    await expect(kms.send(new CreateKeyCommand({}))).rejects.toMatchObject({ name: 'StrongboxError', code: 'CLOSED' });
  });
});

describe('close() and the calls in flight', () => {
  // A listener's close() lets requests in flight finish before it closes the stores (listener.ts:
  // "so every acknowledged change is durable when" it returns); in process, the same call must not
  // run on into stores that are already closed.
  /** An emulator on `directory` and a KMS client of it, as each entry point makes them. */
  type Started = { readonly emulator: Pick<Strongbox, 'controls' | 'close'>; readonly kms: KMSClient };
  const starts: [string, (directory: string) => Promise<Started>][] = [
    [
      'createStrongbox, a listener',
      async (directory) => {
        const sb = await createStrongbox({ dataDirectory: directory });
        return { emulator: sb, kms: keep(kmsClient((await sb.listen()).url)) };
      },
    ],
    [
      'createStrongbox, in process',
      async (directory) => {
        const sb = await createStrongbox({ dataDirectory: directory });
        return { emulator: sb, kms: keep(new KMSClient({ ...sb.clientConfig, maxAttempts: 1 })) };
      },
    ],
    [
      'startInProcess',
      async (directory) => {
        const started = await startInProcess({ dataDirectory: directory });
        return { emulator: started, kms: keep(new KMSClient({ ...started.clientConfig, maxAttempts: 1 })) };
      },
    ],
  ];

  it.each(starts)('%s: close() lets a CreateKey in flight finish first, and the key stays in the data directory', async (_, start) => {
    const dir = await tempDir();
    try {
      const { emulator, kms } = await start(dir.path);
      // The latency holds the call inside the engine; the fault is spent once the call has drawn it.
      emulator.controls.faults.add({ service: 'kms', operation: 'CreateKey', fault: 'latency', latencyMs: 1000, count: 1 });
      let settled = false;
      const call = kms.send(new CreateKeyCommand({})).then(
        (answer) => answer.KeyMetadata?.KeyId,
        (error: unknown) => error,
      );
      void call.then(() => {
        settled = true;
      });
      while (emulator.controls.faults.list().length > 0) await new Promise((resolve) => setImmediate(resolve));
      await emulator.close();
      expect(settled).toBe(true);
      const keyId = await call;
      expect(keyId).toEqual(expect.any(String));
      const again = await open({ dataDirectory: dir.path });
      const kept = await keep(new KMSClient(again.clientConfig)).send(new ListKeysCommand({}));
      expect(kept.Keys?.map((key) => key.KeyId)).toContain(keyId);
      await again.close();
    } finally {
      await dir.cleanup();
    }
  });
});

describe('createStrongbox reset() once close() is called', () => {
  // Its calls are refused from the moment close() is called; a reset must be too, as
  // startInProcess refuses it, rather than reopen the engines that close() is about to close.
  it.each([
    ['sb.reset()', (sb: Strongbox) => sb.reset()],
    ['sb.controls.reset()', (sb: Strongbox) => sb.controls.reset()],
  ] as const)('%s is refused with CLOSED while close() is settling', async (_name, reset) => {
    const sb = await createStrongbox();
    const closing = sb.close();
    const refused = await reset(sb).then(
      () => 'reset',
      (error: unknown) => error,
    );
    await closing;
    expect(refused).toMatchObject({ name: 'StrongboxError', code: 'CLOSED' });
  });
});

describe('createStrongbox engines once closed', () => {
  // README: `sb.kms`, `sb.s3` are "the engines behind the clients"; a closed S3 engine refuses
  // every call ("the S3 engine is closed"), and a closed KMS must not go on making keys in a store
  // that is closed (memory) or released (a data directory another process may now hold).
  it('sb.kms refuses a call after close(), as sb.s3 does', async () => {
    const sb = await createStrongbox();
    await sb.close();
    await expect(sb.s3.send('ListBuckets', {})).rejects.toThrow('closed');
    await expect(sb.kms.createKey({})).rejects.toThrow('closed');
  });
});

describe('createStrongbox listen() racing close()', () => {
  // close() closes the listeners it knows of; one whose listen() was still binding its port when
  // close() was called must not be left open after close() has settled, answering from closed
  // stores (and keeping the process alive).
  it('leaves no port open when close() is called while listen() is still starting', async () => {
    const sb = await createStrongbox();
    const listening = sb.listen().then(
      (listener) => listener,
      (error: unknown) => error,
    );
    await sb.close();
    const outcome = await listening;
    if (outcome instanceof StrongboxError) {
      expect(outcome.code).toBe('CLOSED');
      return;
    }
    const listener = outcome as StrongboxListener;
    try {
      await expect(fetch(`${listener.url}/_strongbox/health`)).rejects.toThrow('fetch failed');
    } finally {
      await listener.close();
    }
  });
});

describe('createStrongbox fault controls', () => {
  // The kernel refuses a string that is no operation name at all (FaultInjector: letters and
  // digits, 1 to 128 of them) as malformed; seeking the served name it was meant to be costs an
  // edit distance over its whole length against every operation, so it must come after that
  // check (an admin body of 64 KiB held the event loop for most of a second).
  it('refuses an operation that is no operation name as malformed, before seeking the name meant', async () => {
    const sb = await open();
    for (const operation of ['A'.repeat(60_000), 'Get Object']) {
      expect(() => sb.controls.faults.add({ service: 's3', operation, fault: 'SlowDown', count: 1 })).toThrow(/^"operation" must be an operation name or "\*"/);
    }
    expect(sb.controls.faults.list()).toEqual([]);
  });
});
