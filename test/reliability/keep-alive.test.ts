/**
 * Keep-alive on the `strongbox serve` listener: an official SDK client that reuses a connection
 * after a pause gets its answer on that same connection. Node's default server closed idle
 * connections after 5 s (+1 s), and an SDK client (whose agent keeps idle sockets with no timeout
 * of its own) that reused one as the server closed it saw "socket hang up"; the soak met it a few
 * times in 300,000 requests. `bench/reliability/keep-alive-race.ts` reproduces that race at scale.
 * This test waits for real, once, past Node's default: the behaviour, not a duration, is asserted.
 */

import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { createStrongbox, type Strongbox, type StrongboxListener } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Node's default `keepAliveTimeout` plus the second Node waits before closing, and some margin. */
const PAST_NODE_DEFAULT_MS = 5_000 + 1_000 + 500;

let sb: Strongbox;
let listener: StrongboxListener;
beforeAll(async () => {
  sb = await createStrongbox();
  listener = await sb.listen();
});
afterAll(async () => {
  await sb.close();
});

describe('strongbox serve keep-alive', () => {
  it('announces that idle connections stay open two minutes', async () => {
    const header = await new Promise<string | undefined>((resolve, reject) => {
      httpRequest(`${listener.url}/_strongbox/health`, { agent: new Agent({ keepAlive: true }) }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.headers['keep-alive'] as string | undefined));
      })
        .on('error', reject)
        .end();
    });
    expect(header).toBe('timeout=120');
  });

  it('answers an SDK request sent on a connection idle for longer than Node’s default keep-alive, on that connection', async () => {
    // The SDK's own agent settings (keep-alive, no idle timeout), with one socket to watch.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<Socket>();
    const kms = new KMSClient({
      endpoint: listener.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      // A cut connection must fail the call, not be hidden by a retry.
      maxAttempts: 1,
      requestHandler: { httpAgent: agent },
    });
    agent.on('free', (socket: Socket) => sockets.add(socket));
    try {
      await kms.send(new ListKeysCommand({}));
      await sleep(PAST_NODE_DEFAULT_MS);
      const [idle] = sockets;
      expect(idle?.destroyed).toBe(false);
      await expect(kms.send(new ListKeysCommand({}))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
      // Both requests went over the one connection: the server kept it open through the pause.
      expect(sockets.size).toBe(1);
    } finally {
      kms.destroy();
      agent.destroy();
    }
  }, 30_000);
});
