/**
 * The controls, two ways: in process (`sb.controls`, clients on `sb.clientConfig`) and over HTTP
 * (the admin API under `/_strongbox/`, clients on a real socket). Each test runs on both.
 */

import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { FaultSpec } from '@strongbox/service-kernel';
import { createStrongbox, type EndpointOptions, type Strongbox, type StrongboxListener } from '../../src/index.ts';

export type Mode = 'in process' | 'over HTTP';
export const MODES: readonly Mode[] = ['in process', 'over HTTP'];

/** SDK client settings a test may change. */
export interface ClientOptions {
  readonly maxAttempts?: number;
  readonly region?: string;
}

export interface Harness {
  readonly sb: Strongbox;
  kms(options?: ClientOptions): KMSClient;
  s3(options?: ClientOptions): S3Client;
  cloudtrail(): CloudTrailClient;
  advance(ms: number): Promise<void>;
  addFault(spec: Partial<FaultSpec> & { readonly seed?: number | string }): Promise<void>;
  faults(): Promise<{ readonly seed: string; readonly faults: readonly { readonly id: string; readonly struck: number; readonly remaining?: number }[] }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Opens a harness in `mode`. */
export async function openHarness(mode: Mode, options: EndpointOptions = {}): Promise<Harness> {
  const sb = await createStrongbox(options);
  const clients: { destroy(): void }[] = [];
  const keep = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  let listener: StrongboxListener | undefined;
  // Over HTTP the clients use the HTTPS listener: SSE-KMS refuses plain HTTP, as S3 does.
  if (mode === 'over HTTP') listener = await sb.listen({ https: { port: 0 } });
  const config = (): Record<string, unknown> => {
    const https = listener?.https;
    if (https === undefined) return { ...sb.clientConfig };
    return {
      endpoint: https.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      forcePathStyle: true,
      requestHandler: { httpsAgent: new Agent({ ca: readFileSync(https.certificate.path) }) },
    };
  };
  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${listener?.url}/_strongbox/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /_strongbox/${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  return {
    sb,
    kms: (options = {}) => keep(new KMSClient({ ...config(), ...options })),
    s3: (options = {}) => keep(new S3Client({ ...config(), ...options })),
    cloudtrail: () => keep(new CloudTrailClient(config())),
    async advance(ms) {
      if (listener === undefined) sb.controls.clock.advance(ms);
      else await admin('POST', 'clock', { advance: ms });
    },
    async addFault({ seed, ...spec }) {
      if (listener === undefined) {
        if (seed !== undefined) sb.controls.faults.reseed(seed);
        if (spec.service !== undefined) sb.controls.faults.add({ operation: '*', ...spec } as FaultSpec);
      } else {
        await admin('POST', 'faults', { ...spec, ...(seed === undefined ? {} : { seed }) });
      }
    },
    async faults() {
      if (listener === undefined) return { seed: sb.controls.faults.seed, faults: sb.controls.faults.list() };
      return (await admin('GET', 'faults')) as Awaited<ReturnType<Harness['faults']>>;
    },
    async reset() {
      if (listener === undefined) await sb.reset();
      else await admin('POST', 'reset');
    },
    async close() {
      for (const client of clients.splice(0)) client.destroy();
      await sb.close();
    },
  };
}

export const DAY_MS = 86_400_000;
