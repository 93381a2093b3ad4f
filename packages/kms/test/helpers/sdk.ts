/**
 * Test harness: a `Kms` and the official `@aws-sdk/client-kms` talking to it through the JSON 1.1
 * handler, the way users' code talks to Strongbox: in-process by default (the kernel's
 * `InProcessHandler`: the SDK serializes, signs and parses as over HTTP, with no socket), or over
 * real HTTP on an ephemeral loopback port (`transport: 'socket'`, kept for the socket edge).
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KMSClient } from '@aws-sdk/client-kms';
import { InProcessHandler } from '@strongbox/service-kernel';
import { createJson11Handler, type Json11Options, toNodeListener } from '../../src/http.ts';
import { Kms, type KmsOptions } from '../../src/index.ts';

/** How the SDK reaches the emulator. */
export type Transport = 'in-process' | 'socket';

/** The endpoint in-process clients name (any host: no connection is made). */
const IN_PROCESS_ENDPOINT = 'http://kms.strongbox.localhost';

/** A running emulator and a client for it. */
export interface SdkFixture {
  readonly kms: Kms;
  readonly client: KMSClient;
  readonly endpoint: string;
  /** A client with other settings (region, credentials) against the same endpoint. */
  clientFor(options: { region?: string; accessKeyId?: string; secretAccessKey?: string }): KMSClient;
  close(): Promise<void>;
}

/** Starts an emulator (quotas off unless given) and an SDK client with `maxAttempts: 1`. */
export async function startKms(
  options: KmsOptions = {},
  handlerOptions: Json11Options = {},
  kms?: Kms,
  transport: Transport = 'in-process',
): Promise<SdkFixture> {
  const emulator = kms ?? new Kms({ quotas: false, ...options });
  const handler = createJson11Handler(emulator, handlerOptions);
  let server: Server | undefined;
  let endpoint = IN_PROCESS_ENDPOINT;
  if (transport === 'socket') {
    server = createServer(toNodeListener(handler));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const requestHandler = transport === 'in-process' ? new InProcessHandler(handler) : undefined;
  const clients: KMSClient[] = [];
  const clientFor = (settings: { region?: string; accessKeyId?: string; secretAccessKey?: string }): KMSClient => {
    const client = new KMSClient({
      endpoint,
      region: settings.region ?? emulator.region,
      credentials: { accessKeyId: settings.accessKeyId ?? 'test', secretAccessKey: settings.secretAccessKey ?? 'test' },
      maxAttempts: 1,
      ...(requestHandler === undefined ? {} : { requestHandler }),
    });
    clients.push(client);
    return client;
  };
  const client = clientFor({});
  return {
    kms: emulator,
    client,
    endpoint,
    clientFor,
    async close() {
      for (const c of clients) c.destroy();
      if (server !== undefined) {
        const open = server;
        await new Promise<void>((resolve, reject) => open.close((error) => (error ? reject(error) : resolve())));
      }
      await emulator.close();
    },
  };
}

/** The error a rejected promise carries, with its name and message, for `expect(...).toMatchObject`. */
export async function failureOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
