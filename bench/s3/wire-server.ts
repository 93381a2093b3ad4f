/**
 * @module
 * A server child process of the wire benchmark (`wire.ts` forks it; Strongbox runs as the real
 * `strongbox serve` command instead). Run as `node --import tsx bench/s3/wire-server.ts <kind> …`:
 *
 * - `canned <directory> <certPath> <keyPath>`: the canned server (`wire-canned.ts`) on a
 *   `node:http` and a `node:https` listener (the run's certificate), both in this one process as
 *   `strongbox serve` holds its HTTP and HTTPS listeners; the GET bodies are the files
 *   `<directory>/body-<size>` the benchmark wrote (the bytes it PUTs).
 * - `s3rver <directory>`: npm `s3rver` storing under `<directory>`, silent.
 *
 * Every listener is on 127.0.0.1 with Node's default server settings. The child sends `ready`
 * with its URLs over the IPC channel once listening, and exits when the parent goes away (the
 * channel closes) or sends `exit`.
 */

import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import S3rver from 's3rver';
import { cannedListener } from './wire-canned.ts';

/** Messages to the parent. */
export interface WireServerReady {
  readonly type: 'ready';
  readonly http: string;
  readonly https?: string;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function start(kind: string, args: readonly string[]): Promise<WireServerReady> {
  const [directory, certPath, keyPath] = args;
  if (directory === undefined) throw new Error(`${kind}: the directory argument is missing`);
  if (kind === 'canned') {
    if (certPath === undefined || keyPath === undefined) throw new Error('canned: the certificate and key paths are missing');
    const bodies = new Map<number, Uint8Array>();
    for (const name of await readdir(directory)) {
      const size = /^body-(\d+)$/.exec(name)?.[1];
      if (size !== undefined) bodies.set(Number(size), await readFile(join(directory, name)));
    }
    const http = createServer(cannedListener(bodies));
    const https = createHttpsServer({ cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') }, cannedListener(bodies));
    return { type: 'ready', http: `http://127.0.0.1:${await listen(http)}`, https: `https://127.0.0.1:${await listen(https)}` };
  }
  if (kind === 's3rver') {
    const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
    return { type: 'ready', http: `http://127.0.0.1:${((await s3rver.run()) as AddressInfo).port}` };
  }
  throw new Error(`unknown server kind ${JSON.stringify(kind)} (canned or s3rver)`);
}

if (!process.send) {
  process.stderr.write('bench/s3/wire-server.ts runs as a child of bench/s3/wire.ts (it needs the IPC channel)\n');
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));
process.on('message', (message: { type?: string }) => {
  if (message.type === 'exit') process.exit(0);
});
const [, , kind = '', ...args] = process.argv;
process.send(await start(kind, args));
