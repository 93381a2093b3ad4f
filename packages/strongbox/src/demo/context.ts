/**
 * @module
 * What every step of the demo works with: the official SDK clients pointed at the target (the
 * in-process endpoint of a `createStrongbox()`, or a running `strongbox serve`), a plain-HTTP S3
 * client for the refusal the HTTPS-only policy shows, the trail reader, the at-rest view (in
 * process only), the quota control, randomness for the customer keys, and the names the demo
 * creates.
 */

import { randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '@strongbox/s3';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY } from '@strongbox/service-kernel';
import type { Strongbox } from '../strongbox.ts';
import { type AtRestView, atRestView } from './at-rest.ts';
import type { Printer } from './printer.ts';
import { inProcessQuotas, type QuotaControl, remoteQuotas } from './quotas.ts';
import { openTrail, type TrailReader } from './trail.ts';
import { recordWire, type WireRecorder } from './wire.ts';

/** Where the demo runs. */
export type DemoTarget =
  | {
      readonly kind: 'in-process';
      readonly strongbox: Strongbox;
      /** The engine's object store (`createStrongbox({ s3Store })`), for the at-rest view. */
      readonly store?: ObjectStore;
    }
  | {
      readonly kind: 'remote';
      /** The endpoint, `http://` or `https://`. */
      readonly endpoint: string;
      /** Its HTTPS listener, when `endpoint` is the plain one. */
      readonly httpsEndpoint?: string;
      /** PEM certificate(s) to trust for `https://`. */
      readonly ca?: string;
      readonly region: string;
    };

/** Fresh random bytes. */
export type RandomSource = (length: number) => Uint8Array;

/** The KMS key the demo made for SSE-KMS and CSE-KMS. */
export interface DemoKey {
  readonly id: string;
  readonly arn: string;
  readonly alias: string;
}

/** What the steps share. */
export interface DemoContext {
  readonly printer: Printer;
  readonly target: DemoTarget['kind'];
  readonly region: string;
  /** Where the clients send their requests, for the report. */
  readonly endpoint: string;
  /** Whether `s3` reaches S3 over TLS (SSE-KMS and SSE-C need it). */
  readonly secure: boolean;
  /** The S3 client of every step, its wire recorded. */
  readonly s3: S3Client;
  readonly wire: WireRecorder;
  /** An S3 client over plain HTTP, when the target has a plain endpoint. */
  readonly plainS3?: S3Client;
  readonly kms: KMSClient;
  /** A KMS client that never retries (the throttling burst counts every answer). */
  readonly burstKms: KMSClient;
  readonly trail: TrailReader;
  readonly atRest?: AtRestView;
  readonly quotas: QuotaControl;
  readonly random: RandomSource;
  /** Names made unique per run against a running endpoint (whose state outlives the demo). */
  readonly names: { readonly bucket: string; readonly policyBucket: string; readonly alias: string };
  /** Set by the set-up step. */
  key?: DemoKey;
}

/** The endpoint the in-process plain-HTTP client names: any `http:` endpoint counts as plain HTTP. */
const IN_PROCESS_PLAIN_ENDPOINT = 'http://strongbox.localhost';

/**
 * Builds the clients for `target`.
 * @throws the CloudTrail client's error when the trail cannot be read (an endpoint that is down).
 * @example const context = await openContext({ kind: 'in-process', strongbox: sb }, printer, randomSource);
 */
export async function openContext(target: DemoTarget, printer: Printer, random: RandomSource = defaultRandom): Promise<DemoContext> {
  return target.kind === 'in-process' ? inProcess(target, printer, random) : remote(target, printer, random);
}

/** Closes the context's clients (their sockets). */
export function closeContext(context: DemoContext): void {
  for (const client of [context.s3, context.plainS3, context.kms, context.burstKms]) client?.destroy();
}

async function inProcess(target: Extract<DemoTarget, { kind: 'in-process' }>, printer: Printer, random: RandomSource): Promise<DemoContext> {
  const sb = target.strongbox;
  const s3 = new S3Client(sb.clientConfig);
  return {
    printer,
    target: 'in-process',
    region: sb.clientConfig.region,
    endpoint: sb.clientConfig.endpoint,
    secure: true,
    s3,
    wire: recordWire(s3),
    plainS3: new S3Client({ ...sb.clientConfig, endpoint: IN_PROCESS_PLAIN_ENDPOINT }),
    kms: new KMSClient(sb.clientConfig),
    burstKms: new KMSClient({ ...sb.clientConfig, maxAttempts: 1 }),
    trail: await openTrail(new CloudTrailClient(sb.clientConfig)),
    ...(target.store === undefined ? {} : { atRest: atRestView(target.store) }),
    quotas: inProcessQuotas(sb.kms),
    random,
    names: { bucket: 'strongbox-demo', policyBucket: 'strongbox-demo-tls-only', alias: 'alias/strongbox-demo' },
  };
}

async function remote(target: Extract<DemoTarget, { kind: 'remote' }>, printer: Printer, random: RandomSource): Promise<DemoContext> {
  const urls = [target.endpoint, ...(target.httpsEndpoint === undefined ? [] : [target.httpsEndpoint])];
  const secureUrl = urls.find((url) => url.startsWith('https:'));
  const plainUrl = urls.find((url) => url.startsWith('http:'));
  const main = secureUrl ?? target.endpoint;
  const config = (endpoint: string) => ({
    endpoint,
    region: target.region,
    credentials: { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY },
    forcePathStyle: true,
    ...(endpoint.startsWith('https:') && target.ca !== undefined ? { requestHandler: { httpsAgent: new Agent({ ca: target.ca }) } } : {}),
  });
  const s3 = new S3Client(config(main));
  const suffix = Buffer.from(random(4)).toString('hex');
  return {
    printer,
    target: 'remote',
    region: target.region,
    endpoint: main,
    secure: secureUrl !== undefined,
    s3,
    wire: recordWire(s3),
    ...(plainUrl === undefined ? {} : { plainS3: new S3Client(config(plainUrl)) }),
    kms: new KMSClient(config(main)),
    burstKms: new KMSClient({ ...config(main), maxAttempts: 1 }),
    trail: await openTrail(new CloudTrailClient(config(main))),
    quotas: remoteQuotas(plainUrl ?? main, target.ca),
    random,
    names: { bucket: `strongbox-demo-${suffix}`, policyBucket: `strongbox-demo-tls-only-${suffix}`, alias: `alias/strongbox-demo-${suffix}` },
  };
}

function defaultRandom(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}
