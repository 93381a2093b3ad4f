/**
 * `startServer`, the programmatic endpoint: serves the SDK, closes only after requests in flight,
 * and releases the data directory when it cannot start.
 */

import { connect } from 'node:net';
import { CreateKeyCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { parseUsers } from '@strongbox/kms';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import { failureOf, kmsClient, useTempDir } from './helpers/cli.ts';

const dir = useTempDir();

describe('startServer', () => {
  it('serves KMS on an ephemeral port in the given account and Region', async () => {
    const server = await startServer({ port: 0, account: '111122223333', region: 'eu-central-1' });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      const kms = kmsClient(server.url, undefined, 'eu-central-1');
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
      expect(KeyMetadata?.Arn).toMatch(/^arn:aws:kms:eu-central-1:111122223333:key\//);
      kms.destroy();
    } finally {
      await server.close();
    }
  });

  it('releases the data directory when the port is taken, so the next start can open it', async () => {
    const data = `${dir.path}/data`;
    const first = await startServer({ port: 0, dataDirectory: data });
    const { KeyMetadata } = await kmsClient(first.url).send(new CreateKeyCommand({}));
    await first.close();
    const blocker = await startServer({ port: 0 });
    try {
      const error = await startServer({ port: blocker.port, dataDirectory: data }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'EADDRINUSE' });
      const again = await startServer({ port: 0, dataDirectory: data });
      const { KeyMetadata: kept } = await kmsClient(again.url).send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId! }));
      expect(kept?.KeyId).toBe(KeyMetadata!.KeyId);
      await again.close();
    } finally {
      await blocker.close();
    }
  });

  it('uses the users directory and strict authentication it is given', async () => {
    const users = parseUsers({
      users: [{ accessKeyId: 'AKIADAVE', secretAccessKey: 'dave', principal: 'arn:aws:iam::000000000000:user/dave', policy: { allow: ['kms:CreateKey'] } }],
    });
    const server = await startServer({ port: 0, users, strictAuth: true });
    try {
      const dave = kmsClient(server.url, { accessKeyId: 'AKIADAVE', secretAccessKey: 'dave' });
      await dave.send(new CreateKeyCommand({}));
      expect(server.kms.auditTrail.events().at(-1)?.caller.arn).toBe('arn:aws:iam::000000000000:user/dave');
      expect(await failureOf(kmsClient(server.url, { accessKeyId: 'AKIADAVE', secretAccessKey: 'not-dave' }).send(new CreateKeyCommand({})))).toMatchObject({
        name: 'InvalidSignatureException',
      });
      // The unsigned admin route is closed under strict authentication, and changes nothing.
      const refused = await fetch(`${server.url}/_strongbox/quotas`, { method: 'PUT', body: 'false' });
      expect(refused.status).toBe(403);
      expect((await fetch(`${server.url}/_strongbox/quotas`)).status).toBe(403);
      expect(server.kms.quotas.options.enabled).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('reads and replaces the quotas of the running server at /_strongbox/quotas', async () => {
    const server = await startServer({ port: 0 });
    const kms = kmsClient(server.url);
    const quotas = `${server.url}/_strongbox/quotas`;
    try {
      for (let i = 0; i < 6; i++) await kms.send(new CreateKeyCommand({}));
      const put = await fetch(quotas, { method: 'PUT', body: JSON.stringify({ profile: 'aws', overrides: { CreateKey: 1 } }) });
      expect(put.status).toBe(200);
      expect(await put.json()).toEqual({
        options: { enabled: true, profile: 'aws', scale: 1, overrides: { CreateKey: 1 }, customerManagedKeys: 100_000 },
        usage: [],
        resources: [{ account: '000000000000', region: 'us-east-1', quota: 'customerManagedKeys', limit: 100_000, usage: 6 }],
      });
      await kms.send(new CreateKeyCommand({}));
      expect(await failureOf(kms.send(new CreateKeyCommand({})))).toMatchObject({ name: 'ThrottlingException', status: 400 });
      const got = await fetch(quotas);
      expect(((await got.json()) as { usage: unknown }).usage).toEqual([
        { account: '000000000000', region: 'us-east-1', quota: 'CreateKey', limit: 1, lastSecond: 1, admitted: 1, throttled: 1 },
      ]);

      const bad = await fetch(quotas, { method: 'PUT', body: '{"profile":"everything"}' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toBe(`"quotas.profile" expected 'cryptographic' or 'aws', got "everything"`);
      expect((await fetch(quotas, { method: 'PUT', body: 'not json' })).status).toBe(400);
      expect((await fetch(quotas, { method: 'DELETE' })).status).toBe(405);
      expect(server.kms.quotas.options.profile).toBe('aws');

      expect((await fetch(quotas, { method: 'PUT', body: 'false' })).status).toBe(200);
      for (let i = 0; i < 3; i++) await kms.send(new CreateKeyCommand({}));
    } finally {
      kms.destroy();
      await server.close();
    }
  });

  it('lowers the key quota of the running server at /_strongbox/quotas and reports its use', async () => {
    const server = await startServer({ port: 0 });
    const kms = kmsClient(server.url);
    const quotas = `${server.url}/_strongbox/quotas`;
    try {
      await kms.send(new CreateKeyCommand({}));
      expect((await fetch(quotas, { method: 'PUT', body: 'false' })).status).toBe(200);
      const put = await fetch(quotas, { method: 'PUT', body: JSON.stringify({ customerManagedKeys: 2 }) });
      expect(put.status).toBe(200);
      await kms.send(new CreateKeyCommand({}));
      expect(await failureOf(kms.send(new CreateKeyCommand({})))).toMatchObject({
        name: 'LimitExceededException',
        message: 'Key quota for this account in this region is 2 but the current usage is 2.',
        status: 400,
      });
      const got = (await (await fetch(quotas)).json()) as { options: { enabled: boolean; customerManagedKeys: number }; resources: unknown };
      expect(got.options.customerManagedKeys).toBe(2);
      // Naming only the key quota left throttling off, as the PUT before it set it.
      expect(got.options.enabled).toBe(false);
      expect(got.resources).toEqual([{ account: '000000000000', region: 'us-east-1', quota: 'customerManagedKeys', limit: 2, usage: 2 }]);
      const bad = await fetch(quotas, { method: 'PUT', body: '{"customerManagedKeys":-1}' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toBe('"quotas.customerManagedKeys" expected a whole number of keys, 0 or more, got -1');
      expect(server.kms.quotas.options.customerManagedKeys).toBe(2);
    } finally {
      kms.destroy();
      await server.close();
    }
  });

  it('answers a quota body over 64 KiB with 413 instead of cutting the connection, changing nothing', async () => {
    // Found by the hostile-input fuzzer (test/reliability/fuzz-endpoint.test.ts): the route
    // destroyed the request, and the client got no answer at all.
    const server = await startServer({ port: 0 });
    try {
      const body = JSON.stringify({ profile: 'aws', padding: 'x'.repeat(70 * 1024) });
      const socket = connect(server.port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.write(`PUT /_strongbox/quotas HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      socket.end();
      await new Promise((resolve) => socket.on('close', resolve));
      expect(received).toMatch(/^HTTP\/1\.1 413 /);
      expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toEqual({
        __type: 'RequestEntityTooLarge',
        message: 'an admin body is at most 65536 bytes',
      });
      expect(server.kms.quotas.options.profile).toBe('cryptographic');
    } finally {
      await server.close();
    }
  });

  it('answers a fault id that does not decode (%ff) with 400, not a 500', async () => {
    // Found by the hostile-input fuzzer (test/reliability/fuzz-endpoint.test.ts).
    const server = await startServer({ port: 0 });
    try {
      for (const method of ['DELETE', 'GET']) {
        const response = await fetch(`${server.url}/_strongbox/faults/%ff`, { method });
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ __type: 'ValidationException', message: 'the fault id "%ff" is not valid percent-encoding' });
      }
    } finally {
      await server.close();
    }
  });
});
