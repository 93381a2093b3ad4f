/**
 * @module
 * SSE-S3 (`x-amz-server-side-encryption: AES256`): S3 encrypts with a data key of its own and
 * keeps it wrapped under a root key it holds; no KMS call, no key from the client. AWS: "Using
 * server-side encryption with Amazon S3 managed keys (SSE-S3)".
 */

import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { DemoContext } from './context.ts';
import { kmsEvents, sameBytes, showAudit, showReceived, showSent, showStored, textBytes } from './steps.ts';

/**
 * Puts and gets one object with SSE-S3, showing each side.
 * @throws the SDK's error when a request the demo expects to succeed fails.
 * @example await sseS3Step(context)
 */
export async function sseS3Step(context: DemoContext): Promise<void> {
  const { printer, s3, wire } = context;
  const bucket = context.names.bucket;
  const key = 'sse-s3/report.txt';
  const plaintext = textBytes('quarterly report, encrypted with SSE-S3\n');
  printer.section('SSE-S3', 'S3 managed keys');
  printer.note('S3 makes a data key per object and wraps it under a root key it keeps; the client sends no key.');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: plaintext, ServerSideEncryption: 'AES256' }));
  showSent(context, `PutObject ${key} (${plaintext.length} bytes)`, wire.last());
  showReceived(context, wire.last());
  const sseHeader = wire.last()?.responseHeaders.find(([name]) => name === 'x-amz-server-side-encryption')?.[1];
  printer.check('S3 answers x-amz-server-side-encryption: AES256', sseHeader === 'AES256');
  await showStored(context, bucket, key, plaintext);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = await got.Body?.transformToByteArray();
  showReceived(context, wire.last(), 'GetObject got');
  printer.check(`GetObject returns the plaintext (${plaintext.length} bytes, equal)`, body !== undefined && sameBytes(body, plaintext));
  const events = await showAudit(context);
  printer.check('no KMS call: S3 holds the keys', kmsEvents(events).length === 0);
}
