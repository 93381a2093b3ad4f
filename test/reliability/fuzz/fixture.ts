/**
 * @module
 * What the hostile-input fuzzers share: a `strongbox serve` equivalent (`startServer`, the very
 * function the CLI runs) on a loopback port with a data directory, seeded with keys, aliases,
 * grants, buckets and objects so that requests reach deep code; a snapshot of everything a
 * request could change (KMS keys, aliases, grants, policies, tags; buckets, objects, uploads;
 * the trail's successful KMS writes; every file of the data directory and beside it) to show that
 * nothing did; and the checks every answer must pass.
 */

import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  type CreateKeyCommandInput,
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  KMSClient,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { CreateBucketCommand, ListBucketsCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type RunningServer, startServer } from 'strongbox';
import { expect } from 'vitest';
import type { RawExchange, RawResponse } from './raw-http.ts';

/** How many runs a property gets: `STRONGBOX_FUZZ_RUNS` (per property) or the CI-sized default. */
export function fuzzRuns(ciDefault: number): number {
  const text = process.env['STRONGBOX_FUZZ_RUNS'];
  const runs = text === undefined || text === '' ? ciDefault : Number(text);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`STRONGBOX_FUZZ_RUNS expected a positive integer, got '${text}'`);
  return runs;
}

/**
 * How long one hostile request may go unanswered before it counts as a hang, counted in turns of
 * the event loop the target shares with the test (`raw-http.ts`): a stalled or starved process
 * does not count towards it, so a loaded CI machine cannot turn a slow answer into a hang, while a
 * request the server never answers is reported after 15 s of a running loop.
 */
export const ANSWER_BOUND_MS = 15_000;

/** A running fuzz target. */
export interface FuzzTarget {
  readonly server: RunningServer;
  readonly port: number;
  /** The temporary directory holding `data/` (and nothing else, unless a request escaped). */
  readonly root: string;
  readonly data: string;
  readonly kms: KMSClient;
  readonly s3: S3Client;
  /** Seeded names the generators aim at. */
  readonly keys: { readonly symmetric: string; readonly rsa: string; readonly hmac: string; readonly ecc: string };
  readonly alias: string;
  readonly bucket: string;
  readonly objectKey: string;
  close(): Promise<void>;
}

/**
 * Starts the endpoint on a free port with a data directory, and seeds it.
 * @example const target = await startFuzzTarget(); ... await target.close();
 */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  const root = await mkdtemp(join(tmpdir(), 'strongbox-fuzz-'));
  const data = join(root, 'data');
  // No quotas: thousands of requests a second from one test must not turn into throttling.
  const server = await startServer({ port: 0, dataDirectory: data, quotas: false });
  const config = {
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  const kms = new KMSClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const create = async (input: CreateKeyCommandInput): Promise<string> => (await kms.send(new CreateKeyCommand(input))).KeyMetadata?.KeyId ?? '';
  const keys = {
    symmetric: await create({ Description: 'fuzz symmetric', Tags: [{ TagKey: 'team', TagValue: 'fuzz' }] }),
    rsa: await create({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
    hmac: await create({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }),
    ecc: await create({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' }),
  };
  const alias = 'alias/fuzz-target';
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keys.symmetric }));
  await kms.send(
    new CreateGrantCommand({
      KeyId: keys.symmetric,
      GranteePrincipal: 'arn:aws:iam::000000000000:role/fuzz',
      Operations: ['Encrypt', 'Decrypt'],
      Constraints: { EncryptionContextSubset: { purpose: 'fuzz' } },
    }),
  );
  const bucket = 'fuzz-bucket';
  const objectKey = 'seed/object.txt';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: 'seeded object' }));
  return {
    server,
    port: server.port,
    root,
    data,
    kms,
    s3,
    keys,
    alias,
    bucket,
    objectKey,
    async close() {
      kms.destroy();
      s3.destroy();
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Everything a request could have changed, as comparable JSON: KMS keys (metadata, policy, tags,
 * grants), aliases; buckets, their objects and uploads; the trail's successful writes; the files
 * under the temporary root (the data directory and anything beside it).
 */
export async function snapshot(target: FuzzTarget): Promise<unknown> {
  const keys = [];
  for (const entry of (await target.kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys ?? []) {
    const KeyId = entry.KeyId ?? '';
    const { KeyMetadata } = await target.kms.send(new DescribeKeyCommand({ KeyId }));
    const policy = await target.kms.send(new GetKeyPolicyCommand({ KeyId, PolicyName: 'default' }));
    const tags = await target.kms.send(new ListResourceTagsCommand({ KeyId }));
    const grants = await target.kms.send(new ListGrantsCommand({ KeyId }));
    keys.push({ metadata: KeyMetadata, policy: policy.Policy, tags: tags.Tags, grants: grants.Grants });
  }
  const aliases = (await target.kms.send(new ListAliasesCommand({ Limit: 100 }))).Aliases;
  const buckets = [];
  for (const bucket of (await target.s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
    const Bucket = bucket.Name ?? '';
    const objects = (await target.s3.send(new ListObjectsV2Command({ Bucket }))).Contents?.map(({ Key, ETag, Size }) => ({ Key, ETag, Size }));
    const uploads = (await target.s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads?.map(({ Key, UploadId }) => ({ Key, UploadId }));
    buckets.push({ Bucket, objects, uploads });
  }
  // KMS's successful writes. S3's are not counted: a few hostile S3 requests are harmless successes
  // that change nothing (CreateBucket of a bucket one owns, DeleteObjects of absent keys) and are
  // recorded as writes; S3's state is compared through its listings and files instead.
  const writes = target.server.kms.auditTrail
    .events()
    .filter((event) => event.eventSource === 'kms.amazonaws.com' && !event.readOnly && event.errorCode === undefined).length;
  return { keys, aliases, buckets, writes, files: await listFiles(target.root) };
}

/**
 * Every file under `dir` with its size, except the stores' own bookkeeping that reads may touch
 * (none expected; listed so that a difference names the file).
 */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { recursive: true, withFileTypes: true })).sort((a, b) => (a.parentPath + a.name < b.parentPath + b.name ? -1 : 1))) {
    const path = join(entry.parentPath, entry.name);
    const relative = path.slice(dir.length);
    if (entry.isDirectory()) out.push(`${relative}/`);
    // KMS's audit log records every request, reads and refusals included (as CloudTrail does):
    // it grows, and starts a new file past 4 MiB; what it holds is compared through the trail's
    // successful writes instead.
    else if (/\/audit-\d+\.sbx$/.test(relative)) continue;
    else out.push(`${relative} ${(await stat(path).catch(() => ({ size: -1 }))).size}`);
  }
  return out;
}

/** A stack frame, an internal or source path, or a Node.js error class leaking into a message. */
const LEAKS = [
  /\n\s+at\s/,
  /\bat [\w$.<>]+ \(/,
  /node:internal/,
  /\/work\//,
  /\.ts:\d+/,
  /node_modules/,
  /\b(TypeError|RangeError|ReferenceError|SyntaxError): /,
];

/** Fails when `text` carries a stack trace or an internal path. */
export function expectNoLeak(text: string, what: string): void {
  for (const pattern of LEAKS) if (pattern.test(text)) throw new Error(`${what}: the answer leaks ${pattern}: ${text.slice(0, 2000)}`);
}

/**
 * node:http's own refusal of bytes that are not HTTP/1.1 (a header section over 16 KiB: 431;
 * garbage where a request line should be: 400), sent before any service sees the request, with
 * no body and no request id. Below every AWS protocol: the endpoint cannot know which service the
 * bytes were meant for.
 */
export function isHttpParserRefusal(response: RawResponse): boolean {
  return (
    (response.status === 400 || response.status === 431) &&
    response.body.length === 0 &&
    response.headers['x-amz-request-id'] === undefined &&
    response.headers['x-amzn-requestid'] === undefined
  );
}

/** The one answer a request must get: in time, one response, below 500, nothing leaked. */
export function answerOf(exchange: RawExchange, what: string): RawResponse {
  if (exchange.timedOut) throw new Error(`${what}: no answer within ${ANSWER_BOUND_MS} ms of a running event loop (a hang)`);
  const first = exchange.responses[0];
  if (first === undefined) throw new Error(`${what}: the connection closed without an answer`);
  for (const response of exchange.responses) {
    if (response.status >= 500) throw new Error(`${what}: answered ${response.status}: ${response.body.toString('utf8').slice(0, 2000)}`);
  }
  expectNoLeak(exchange.raw.toString('latin1'), what);
  return first;
}

/**
 * A JSON 1.1 error (KMS, CloudTrail): 4xx, `__type` and a message (`message` or `Message`).
 * @returns the `__type`.
 */
export function expectJsonError(response: RawResponse, what: string): string {
  expect(response.status, what).toBeGreaterThanOrEqual(400);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error(`${what}: ${response.status} with a body that is not JSON: ${response.body.toString('utf8').slice(0, 500)}`);
  }
  const type = body['__type'];
  const message = body['message'] ?? body['Message'];
  // Some errors travel with `__type` alone, as AWS sends them: Coral's UnknownOperationException
  // and SerializationException (dynalite and kinesalite record them), and KMS's errors whose AWS
  // message is empty (InvalidCiphertextException, UnsupportedOperationException on rotation of
  // an asymmetric key: kms.md). A message, when present, is text.
  if (typeof type !== 'string' || type === '' || (message !== undefined && typeof message !== 'string')) {
    throw new Error(`${what}: not an AWS JSON error: ${response.body.toString('utf8').slice(0, 500)}`);
  }
  return type;
}

/**
 * An S3 REST-XML error: 4xx, `<Error><Code>…</Code><Message>…</Message>…</Error>` (a HEAD answer
 * has no body: its status says it).
 * @returns the code (`''` for a HEAD).
 */
export function expectXmlError(response: RawResponse, what: string, method: string): string {
  expect(response.status, what).toBeGreaterThanOrEqual(400);
  if (method === 'HEAD') return '';
  const text = response.body.toString('utf8');
  const match = /^(?:<\?xml[^>]*\?>\s*)?<Error>\s*<Code>([^<]+)<\/Code>\s*<Message>([^<]*)<\/Message>/.exec(text);
  if (match === null) throw new Error(`${what}: ${response.status} is not an S3 error document: ${text.slice(0, 500)}`);
  return match[1] ?? '';
}

/**
 * An AWS Query protocol error (STS): 4xx, `<ErrorResponse><Error><Type>…</Type><Code>…</Code><Message>…</Message></Error>`.
 * @returns the code.
 */
export function expectQueryError(response: RawResponse, what: string): string {
  expect(response.status, what).toBeGreaterThanOrEqual(400);
  const text = response.body.toString('utf8');
  const match = /^<ErrorResponse xmlns="[^"]+">\s*<Error>\s*<Type>(Sender|Receiver)<\/Type>\s*<Code>([^<]+)<\/Code>\s*<Message>[^<]*<\/Message>/.exec(text);
  if (match === null) throw new Error(`${what}: ${response.status} is not an AWS Query error document: ${text.slice(0, 500)}`);
  return match[2] ?? '';
}
