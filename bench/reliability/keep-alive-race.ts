/**
 * @module
 * Reproduces (or rules out) the keep-alive race behind the soak's rare "socket hang up": a server
 * that closes an idle keep-alive connection at the moment a client reuses it makes that request
 * fail (HTTP/1.1 allows it, RFC 9112 §9.6; clients are expected to retry, and the soak does not).
 *
 * `strongbox serve` runs as a child; N official KMS clients (`maxAttempts: 1`, each with its own
 * keep-alive agent of one socket, as the SDK's default agent keeps idle sockets: no idle timeout of
 * its own) each send one request, stay idle for a time swept across the window where Node's old
 * default would close the connection (keep-alive timeout 5 s, closed 1 s after that), and send a
 * second request on the same socket. Prints the failures and how many second requests reused the
 * first socket:
 *
 * ```
 * npx tsx bench/reliability/keep-alive-race.ts                 # 200 clients, idle 5.90–6.10 s
 * STRONGBOX_RACE_CLIENTS=400 STRONGBOX_RACE_FROM_MS=5800 STRONGBOX_RACE_TO_MS=6200 npx tsx bench/reliability/keep-alive-race.ts
 * ```
 *
 * Exits 1 when any request failed.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { serveChild } from '../../test/reliability/helpers/serve.ts';

const clients = Number.parseInt(process.env['STRONGBOX_RACE_CLIENTS'] ?? '200', 10);
const fromMs = Number.parseInt(process.env['STRONGBOX_RACE_FROM_MS'] ?? '5900', 10);
const toMs = Number.parseInt(process.env['STRONGBOX_RACE_TO_MS'] ?? '6100', 10);

const directory = await mkdtemp(join(tmpdir(), 'strongbox-race-'));
const served = await serveChild({ args: ['--data', join(directory, 'data'), '--quiet', '--no-quotas'] });
const failures: Record<string, number> = Object.create(null) as Record<string, number>;
let reused = 0;
try {
  await Promise.all(
    Array.from({ length: clients }, async (_, index) => {
      const agent = new Agent({ ca: served.ca, keepAlive: true, maxSockets: 1 });
      const kms = new KMSClient({
        endpoint: served.https,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
        requestHandler: { httpsAgent: agent },
      });
      try {
        await kms.send(new ListKeysCommand({}));
        const idle = fromMs + ((toMs - fromMs) * index) / Math.max(1, clients - 1);
        await sleep(idle);
        // A socket the server closed before this point left the agent's free list on its 'close'.
        const free = Object.values(agent.freeSockets).flat().length;
        if (free > 0) reused++;
        await kms.send(new ListKeysCommand({}));
      } catch (error) {
        const label = `${(error as Error).name}: ${(error as Error).message}`;
        failures[label] = (failures[label] ?? 0) + 1;
      } finally {
        kms.destroy();
      }
    }),
  );
} finally {
  await served.stop('SIGTERM');
  await rm(directory, { recursive: true, force: true });
}
const failed = Object.values(failures).reduce((sum, count) => sum + count, 0);
process.stdout.write(
  `${clients} clients idle ${fromMs}–${toMs} ms between two requests: ${failed} failed, ${reused} second requests reused the idle socket\n${JSON.stringify(failures)}\n`,
);
process.exitCode = failed === 0 ? 0 : 1;
