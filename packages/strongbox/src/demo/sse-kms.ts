/**
 * @module
 * SSE-KMS (`x-amz-server-side-encryption: aws:kms`), with and without an S3 Bucket Key. Without
 * one, S3 calls KMS GenerateDataKey for every object it writes and Decrypt for every read, on the
 * caller's behalf (the trail names the caller, `invokedBy: s3.amazonaws.com`), with the object's
 * ARN as encryption context. With one, S3 asks KMS for a bucket-level key once per period and
 * derives each object's data key from it locally: several PUTs, one GenerateDataKey, whose
 * encryption context is the bucket's ARN. AWS: "Using server-side encryption with AWS KMS keys
 * (SSE-KMS)", "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys".
 */

import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { DemoContext, DemoKey } from './context.ts';
import { kmsEvents, sameBytes, showAudit, showReceived, showSent, showStored, textBytes } from './steps.ts';

/** Objects each SSE-KMS step writes. */
const OBJECTS = 3;

/**
 * Puts three objects with SSE-KMS under the demo's key (with an S3 Bucket Key when `bucketKey`),
 * gets the first back, and shows the KMS calls S3 made.
 * @throws the SDK's error when a request the demo expects to succeed fails.
 * @example await sseKmsStep(context, { bucketKey: true })
 */
export async function sseKmsStep(context: DemoContext, options: { readonly bucketKey: boolean }): Promise<void> {
  const { printer, s3, wire } = context;
  const key = context.key as DemoKey;
  const bucket = context.names.bucket;
  const prefix = options.bucketKey ? 'sse-kms-bucket-key' : 'sse-kms';
  printer.section(options.bucketKey ? 'SSE-KMS with an S3 Bucket Key' : 'SSE-KMS', 'AWS KMS keys');
  printer.note(
    options.bucketKey
      ? `S3 asks KMS for one bucket-level key and derives each object's data key from it:\n${OBJECTS} PUTs, one GenerateDataKey (encryption context: the bucket's ARN).`
      : `S3 calls KMS on the caller's behalf for every object: ${OBJECTS} PUTs, ${OBJECTS} GenerateDataKey\n(encryption context: the object's ARN), and a Decrypt for each GET.`,
  );
  const plaintexts: Uint8Array[] = [];
  for (let index = 1; index <= OBJECTS; index += 1) {
    const objectKey = `${prefix}/${index}.txt`;
    const plaintext = textBytes(`payroll batch ${index}, encrypted with SSE-KMS${options.bucketKey ? ' and a bucket key' : ''}\n`);
    plaintexts.push(plaintext);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: objectKey,
        Body: plaintext,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: key.arn,
        ...(options.bucketKey ? { BucketKeyEnabled: true } : {}),
      }),
    );
    if (index === 1) {
      showSent(context, `PutObject ${objectKey} (${plaintext.length} bytes)`, wire.last());
      showReceived(context, wire.last());
      const headers = new Map(wire.last()?.responseHeaders ?? []);
      printer.check(
        `S3 answers aws:kms with the demo's key${options.bucketKey ? ' and bucket-key-enabled: true' : ''}`,
        headers.get('x-amz-server-side-encryption') === 'aws:kms' &&
          headers.get('x-amz-server-side-encryption-aws-kms-key-id') === key.arn &&
          (!options.bucketKey || headers.get('x-amz-server-side-encryption-bucket-key-enabled') === 'true'),
      );
    }
  }
  printer.row('then', `PutObject ${prefix}/2.txt .. ${prefix}/${OBJECTS}.txt, the same way`);
  const first = `${prefix}/1.txt`;
  await showStored(context, bucket, first, plaintexts[0] as Uint8Array);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: first }));
  const body = await got.Body?.transformToByteArray();
  showReceived(context, wire.last(), 'GetObject got');
  printer.check(
    `GetObject ${first} returns the plaintext (${plaintexts[0]?.length} bytes, equal)`,
    body !== undefined && sameBytes(body, plaintexts[0] as Uint8Array),
  );
  const events = await showAudit(context);
  checkCalls(context, events, bucket, prefix, options.bucketKey);
}

function checkCalls(context: DemoContext, events: Awaited<ReturnType<typeof showAudit>>, bucket: string, prefix: string, bucketKey: boolean): void {
  const { printer } = context;
  const generated = kmsEvents(events, 'GenerateDataKey');
  if (bucketKey) {
    printer.check(`exactly one GenerateDataKey for ${OBJECTS} PUTs (the bucket key)`, generated.length === 1);
    printer.check(
      `its encryption context is the bucket's ARN (aws:s3:arn=arn:aws:s3:::${bucket})`,
      generated[0]?.encryptionContext === `aws:s3:arn=arn:aws:s3:::${bucket}`,
    );
  } else {
    printer.check(`one GenerateDataKey per PUT (${OBJECTS})`, generated.length === OBJECTS);
    printer.check(
      "each with the object's ARN as encryption context",
      generated.every((event, index) => event.encryptionContext === `aws:s3:arn=arn:aws:s3:::${bucket}/${prefix}/${index + 1}.txt`),
    );
  }
  const calls = kmsEvents(events);
  printer.check(
    'every KMS call was made by S3 for the caller (invokedBy s3.amazonaws.com)',
    calls.length > 0 && calls.every((event) => event.invokedBy === 's3.amazonaws.com'),
  );
  printer.check('the GET caused one Decrypt', kmsEvents(events, 'Decrypt').length === 1);
}
