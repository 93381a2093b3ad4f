/**
 * @module
 * SSE-C (`x-amz-server-side-encryption-customer-*`): the client sends its own 256-bit key with
 * every request, over TLS; S3 encrypts with it, keeps only a salted HMAC of it to recognise it
 * later, and forgets the key. A GET without the key, or with another key, is refused. AWS:
 * "Using server-side encryption with customer-provided keys (SSE-C)". Since April 2026 a new bucket
 * blocks SSE-C uploads (`BlockedEncryptionTypes` SSE-C) until its encryption configuration lifts the
 * block, which the step shows first. The key is never printed:
 * the wire recorder replaces its header, and the demo shows only its MD5, as S3 echoes it.
 */

import { createHash } from 'node:crypto';
import { GetObjectCommand, PutBucketEncryptionCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { DemoContext } from './context.ts';
import { describeError, errorCode, kmsEvents, sameBytes, showAudit, showReceived, showSent, showStored, textBytes } from './steps.ts';

/** SSE-C's only algorithm. */
const ALGORITHM = 'AES256';

/**
 * Puts an object with a customer key, gets it back with the key, and shows the refusals without
 * it and with a wrong key.
 * @throws the SDK's error when a request the demo expects to succeed fails.
 * @example await sseCStep(context)
 */
export async function sseCStep(context: DemoContext): Promise<void> {
  const { printer, s3, wire } = context;
  const bucket = context.names.bucket;
  const key = 'sse-c/contract.txt';
  const plaintext = textBytes('signed contract, encrypted with SSE-C\n');
  const customerKey = Buffer.from(context.random(32)).toString('base64');
  const wrongKey = Buffer.from(context.random(32)).toString('base64');
  const keyMd5 = createHash('md5').update(Buffer.from(customerKey, 'base64')).digest('base64');
  printer.section('SSE-C', 'customer-provided keys');
  printer.note(
    'The client sends a 256-bit key with every request (over TLS only). S3 encrypts with it, keeps a salted\nHMAC of it to recognise it, and forgets it. The key is never shown here, only its MD5.',
  );
  const withKey = { SSECustomerAlgorithm: ALGORITHM, SSECustomerKey: customerKey };
  const put = new PutObjectCommand({ Bucket: bucket, Key: key, Body: plaintext, ...withKey });
  let blocked: string | undefined;
  try {
    await s3.send(put);
  } catch (error) {
    blocked = errorCode(error);
    printer.row('PutObject', ['refused on a new bucket (SSE-C is blocked by default since April 2026):', describeError(error)]);
  }
  printer.check('a new bucket blocks SSE-C uploads (AccessDenied, 403)', blocked === 'AccessDenied');
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
      },
    }),
  );
  printer.row('bucket encryption', 'default SSE-S3, BlockedEncryptionTypes: NONE (lifts the block)');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: plaintext, ...withKey }));
  showSent(context, `PutObject ${key} (${plaintext.length} bytes)`, wire.last());
  showReceived(context, wire.last());
  const headers = new Map(wire.last()?.responseHeaders ?? []);
  printer.check(
    "S3 echoes the algorithm and the key's MD5, not the key",
    headers.get('x-amz-server-side-encryption-customer-algorithm') === ALGORITHM &&
      headers.get('x-amz-server-side-encryption-customer-key-md5') === keyMd5 &&
      !headers.has('x-amz-server-side-encryption-customer-key'),
  );
  await showStored(context, bucket, key, plaintext, withKey);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...withKey }));
  const body = await got.Body?.transformToByteArray();
  showReceived(context, wire.last(), 'GetObject got');
  printer.check(`GetObject with the key returns the plaintext (${plaintext.length} bytes, equal)`, body !== undefined && sameBytes(body, plaintext));
  const refusedWithout = await refusal(context, 'GET without key', { Bucket: bucket, Key: key });
  printer.check('a GET without the key is refused (InvalidRequest, 400)', refusedWithout === 'InvalidRequest');
  const refusedWrong = await refusal(context, 'GET, wrong key', { Bucket: bucket, Key: key, SSECustomerAlgorithm: ALGORITHM, SSECustomerKey: wrongKey });
  printer.check('a GET with another key is refused (AccessDenied, 403)', refusedWrong === 'AccessDenied');
  const events = await showAudit(context);
  printer.check('no KMS call: the key comes with each request', kmsEvents(events).length === 0);
}

/** Sends a GET the demo expects S3 to refuse; prints the refusal and returns its code. */
async function refusal(context: DemoContext, label: string, input: ConstructorParameters<typeof GetObjectCommand>[0]): Promise<string | undefined> {
  try {
    const got = await context.s3.send(new GetObjectCommand(input));
    await got.Body?.transformToByteArray();
    context.printer.row(label, 'answered 200 (expected a refusal)');
    return undefined;
  } catch (error) {
    context.printer.row(label, describeError(error));
    return errorCode(error);
  }
}
