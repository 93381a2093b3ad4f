/**
 * The in-process handler answers exactly as the HTTPS listener does: for the same sequence of
 * official SDK calls, two emulators on one fixed clock, one reached in process and one over HTTPS,
 * give the SDK the same status, headers and body bytes for every call (what the SDK's handler
 * returns, before any parsing), and the SDK the same outputs and errors. Only what differs by
 * nature is set aside: the per-request ids (`x-amz-request-id`, `x-amz-id-2`, and the same ids in
 * an error body), the random ids each emulator gives its KMS keys (the `aws/s3` key of SSE-KMS, in
 * ARNs), the ETags of SSE-KMS and SSE-C objects (random, as S3's: each side's ETags are numbered in
 * the order they first appear, so which responses share an ETag is still compared), and the
 * connection's framing headers (`connection`, `keep-alive`, `transfer-encoding`),
 * which node:http adds on the wire.
 *
 * The sequences are fast-check's: puts (SSE-S3, SSE-KMS, SSE-C, metadata, content types, empty
 * bodies), whole and ranged gets, heads, copies, deletes, listings, and calls that fail (missing
 * keys and buckets, a wrong SSE-C key, a range past the end, a header node:http refuses).
 */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { Readable } from 'node:stream';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { createStrongbox, type Strongbox } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What the SDK's request handler gave back, before the SDK read it. */
interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Headers set by the transport itself, or unique to each request. */
const SET_ASIDE: ReadonlySet<string> = new Set(['x-amz-request-id', 'x-amz-id-2', 'connection', 'keep-alive', 'transfer-encoding']);

interface Side {
  readonly sb: Strongbox;
  readonly s3: S3Client;
  readonly kms: KMSClient;
  readonly seen: RawResponse[];
  /** This side's ETags, numbered in the order they first appeared. */
  readonly etags: Map<string, string>;
}

const wrapped = new WeakSet<object>();

/** Records every response the client's handler returns (body read whole, then handed on as it was). */
function recording(client: S3Client | KMSClient, seen: RawResponse[], etags: Map<string, string>): void {
  const handler = client.config.requestHandler as unknown as {
    handle(request: unknown, options?: unknown): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: unknown } }>;
  };
  // The in-process clients share one handler (`sb.clientConfig`): it is wrapped once.
  if (wrapped.has(handler)) return;
  wrapped.add(handler);
  const handle = handler.handle.bind(handler);
  handler.handle = async (request, options) => {
    const output = await handle(request, options);
    const { response } = output;
    // The in-process handler answers a body it has whole as bytes (the SDK's deserializers take
    // them as they are) and a streamed one as a Readable, as node:http's handler does.
    const given = response.body;
    const whole = given instanceof Uint8Array;
    const chunks: Buffer[] = [];
    if (whole) chunks.push(Buffer.from(given));
    else if (given !== undefined && given !== null) for await (const chunk of given as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) if (!SET_ASIDE.has(name.toLowerCase())) headers[name.toLowerCase()] = String(value);
    const ids = [response.headers['x-amz-request-id'], response.headers['x-amz-id-2'], response.headers['x-amzn-requestid']].filter(
      (id): id is string => typeof id === 'string' && id !== '',
    );
    let text = body.toString('latin1');
    for (const id of ids) text = text.split(id).join('<id>');
    for (const name of Object.keys(headers)) headers[name] = comparable(headers[name] as string, etags);
    seen.push({ status: response.statusCode, headers, body: comparable(text, etags) });
    return { ...output, response: { ...response, body: whole ? given : Readable.from(body.length === 0 ? [] : [body]) } };
  };
}

/**
 * `text` with what is each emulator's own made comparable: KMS key ids (UUIDs) as `<key-id>`, ETags
 * (32 hex digits) as `<etag-N>` by order of first appearance on this side.
 */
function comparable(text: string, etags: Map<string, string>): string {
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<key-id>').replace(/\b[0-9a-f]{32}\b/g, (etag) => {
    let token = etags.get(etag);
    if (token === undefined) etags.set(etag, (token = `<etag-${etags.size + 1}>`));
    return token;
  });
}

/** An SDK call's outcome as a test reads it: the output (without `$metadata` ids and streams) or the error. */
async function outcome(call: Promise<object>, etags: Map<string, string>): Promise<unknown> {
  try {
    const output = await call;
    const { $metadata, Body, ...members } = output as Record<string, unknown> & { $metadata: { httpStatusCode?: number }; Body?: unknown };
    const body =
      Body === undefined ? undefined : Buffer.from(await (Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()).toString('hex');
    return { ok: true, status: $metadata.httpStatusCode, members: JSON.parse(comparable(JSON.stringify(members), etags)), body };
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
    return { ok: false, name: failure.name, code: failure.code, message: failure.message, status: failure.$metadata?.httpStatusCode };
  }
}

const sides: Side[] = [];
const BUCKET = 'equivalence';

beforeAll(async () => {
  // One fixed time for both emulators (and so the same Last-Modified and Date), near the real time
  // so that the SDK's signatures are within the allowed skew.
  const fixed = Date.now();
  const clock = { now: () => fixed };
  const inProcess = await createStrongbox({ clock });
  const listened = await createStrongbox({ clock });
  const listener = await listened.listen({ https: { port: 0 } });
  const ca = await readFile(listener.https!.certificate.path, 'utf8');
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const overHttps = { endpoint: listener.https!.url, region: 'us-east-1', credentials, requestHandler: { httpsAgent: new Agent({ ca }) } };
  for (const [sb, config] of [
    [inProcess, inProcess.clientConfig],
    [listened, overHttps],
  ] as const) {
    const seen: RawResponse[] = [];
    const etags = new Map<string, string>();
    const s3 = new S3Client({ ...config, forcePathStyle: true, maxAttempts: 1 });
    const kms = new KMSClient({ ...config, maxAttempts: 1 });
    recording(s3, seen, etags);
    recording(kms, seen, etags);
    sides.push({ sb, s3, kms, seen, etags });
  }
  for (const side of sides) await side.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 60_000);

afterAll(async () => {
  for (const side of sides) {
    side.s3.destroy();
    side.kms.destroy();
    await side.sb.close();
  }
});

const SSE_C_KEY = randomBytes(32).toString('base64');
const OTHER_SSE_C_KEY = randomBytes(32).toString('base64');
const key = fc.constantFrom('a', 'b/c', 'd e', 'ü/ß', 'x%2Fy');
const body = fc.uint8Array({ minLength: 0, maxLength: 3000 });
const metadata = fc.dictionary(fc.constantFrom('owner', 'tenant', 'Mixed-Case'), fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '-'), maxLength: 12 }), {
  maxKeys: 2,
});

/** One SDK call, made the same on both sides. */
type Step = (side: Side) => Promise<object>;

const steps: fc.Arbitrary<{ label: string; run: Step }> = fc.oneof(
  fc.record({ key, body, metadata, type: fc.constantFrom(undefined, 'text/csv', 'application/json') }).map(({ key, body, metadata, type }) => ({
    label: `PutObject ${key} (${body.length} B)`,
    run: (side: Side) =>
      side.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, Metadata: metadata, ...(type === undefined ? {} : { ContentType: type }) })),
  })),
  fc.record({ key, body }).map(({ key, body }) => ({
    label: `PutObject SSE-C ${key}`,
    run: (side: Side) =>
      side.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, SSECustomerAlgorithm: 'AES256', SSECustomerKey: SSE_C_KEY })),
  })),
  fc.record({ key, body, bucketKey: fc.boolean() }).map(({ key, body, bucketKey }) => ({
    label: `PutObject SSE-KMS ${key}`,
    run: (side: Side) =>
      side.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ServerSideEncryption: 'aws:kms', BucketKeyEnabled: bucketKey })),
  })),
  fc.record({ key, sseC: fc.constantFrom(undefined, SSE_C_KEY, OTHER_SSE_C_KEY) }).map(({ key, sseC }) => ({
    label: `GetObject ${key}${sseC === undefined ? '' : ' SSE-C'}`,
    run: (side: Side) =>
      side.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, ...(sseC === undefined ? {} : { SSECustomerAlgorithm: 'AES256', SSECustomerKey: sseC }) })),
  })),
  fc.record({ key, start: fc.nat(3100), length: fc.integer({ min: 1, max: 200 }) }).map(({ key, start, length }) => ({
    label: `GetObject ${key} bytes=${start}-${start + length - 1}`,
    run: (side: Side) => side.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: `bytes=${start}-${start + length - 1}` })),
  })),
  key.map((key) => ({ label: `HeadObject ${key}`, run: (side: Side) => side.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })) })),
  fc.record({ from: key, to: key }).map(({ from, to }) => ({
    label: `CopyObject ${from} -> ${to}`,
    run: (side: Side) => side.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: to, CopySource: `${BUCKET}/${encodeURIComponent(from)}` })),
  })),
  key.map((key) => ({ label: `DeleteObject ${key}`, run: (side: Side) => side.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })) })),
  fc.constantFrom(undefined, 'b', 'ü').map((prefix) => ({
    label: `ListObjectsV2 ${prefix ?? ''}`,
    run: (side: Side) => side.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ...(prefix === undefined ? {} : { Prefix: prefix }) })),
  })),
  fc.constant({ label: 'GetObject from a missing bucket', run: (side: Side) => side.s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })) }),
  fc.constant({
    label: 'PutObject with a metadata value node:http refuses',
    run: (side: Side) => side.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'refused', Body: 'x', Metadata: { note: 'line\r\nx-injected: 1' } })),
  }),
  fc.constant({ label: 'KMS DescribeKey alias/missing', run: (side: Side) => side.kms.send(new DescribeKeyCommand({ KeyId: 'alias/missing' })) }),
);

describe('the in-process handler and the HTTPS listener', () => {
  it('give the SDK the same status, headers and body for the same calls, and the SDK the same outputs and errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(steps, { minLength: 1, maxLength: 8 }), async (sequence) => {
        for (const step of sequence) {
          const [inProcess, overHttps] = sides as [Side, Side];
          const before = [inProcess.seen.length, overHttps.seen.length];
          // The raw responses are recorded (and their ETags numbered) before the SDK's outputs are read.
          const results = [await outcome(step.run(inProcess), inProcess.etags), await outcome(step.run(overHttps), overHttps.etags)];
          expect(results[0], step.label).toEqual(results[1]);
          const raw = [inProcess.seen.slice(before[0]), overHttps.seen.slice(before[1])];
          expect(raw[0], step.label).toEqual(raw[1]);
        }
      }),
      { numRuns: Number(process.env.EQUIVALENCE_RUNS ?? 25) },
    );
  }, 120_000);
});
