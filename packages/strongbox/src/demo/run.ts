/**
 * @module
 * The demo from start to end: the set-up (a bucket, a KMS key with an alias), one step per
 * mechanism (SSE-S3, SSE-KMS without and with an S3 Bucket Key, SSE-C, CSE-KMS, CSE-C), the
 * HTTPS-only bucket policy, the KMS throttling burst, and a summary of the checks. Against a
 * running endpoint, whose state outlives the demo, the names are unique per run and what the demo
 * made is removed at the end (the KMS key is scheduled for deletion, KMS's shortest window).
 */

import { CreateAliasCommand, CreateKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { closeContext, type DemoContext, type DemoTarget, openContext, type RandomSource } from './context.ts';
import { cseCStep } from './cse-c.ts';
import { cseKmsStep } from './cse-kms.ts';
import { httpsOnlyStep } from './https-only.ts';
import { type CheckResult, Printer } from './printer.ts';
import { sseCStep } from './sse-c.ts';
import { sseKmsStep } from './sse-kms.ts';
import { sseS3Step } from './sse-s3.ts';
import { describeError, errorCode, showAudit } from './steps.ts';
import { DEFAULT_BURST, throttlingStep } from './throttling.ts';

/** How to run the demo. */
export interface DemoOptions {
  readonly target: DemoTarget;
  /** Where the report goes, as it is written. */
  readonly write: (text: string) => void;
  /** Bold and colour (a terminal). Default false. */
  readonly style?: boolean;
  /** Randomness for the SSE-C and CSE-C keys and names (tests pass one they can see). */
  readonly random?: RandomSource;
  /** GenerateDataKey calls in the throttling burst. Default 60. */
  readonly burst?: number;
}

/** What the demo found. */
export interface DemoReport {
  readonly checks: readonly CheckResult[];
  /** Whether every check held. */
  readonly ok: boolean;
}

/**
 * Runs the demo against `options.target`, writing the report as it goes.
 * @throws the SDK's error when a request the demo needs fails (an endpoint that is down); the
 *   checks that failed are reported, not thrown.
 * @example
 * ```ts
 * const sb = await createStrongbox();
 * const report = await runDemo({ target: { kind: 'in-process', strongbox: sb }, write: (text) => process.stdout.write(text) });
 * await sb.close();
 * ```
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const printer = new Printer({ write: options.write, ...(options.style === undefined ? {} : { style: options.style }) });
  const context = await openContext(options.target, printer, options.random);
  try {
    await setUp(context);
    await sseS3Step(context);
    if (context.secure) {
      await sseKmsStep(context, { bucketKey: false });
      await sseKmsStep(context, { bucketKey: true });
      await sseCStep(context);
    } else {
      // S3 refuses both over plain HTTP ("Requests specifying Server Side Encryption with ... must
      // be made over a secure connection.").
      const kms = { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: context.key?.arn } as const;
      await plainRefusalStep(context, 'SSE-KMS', kms, ['InvalidArgument']);
      await plainRefusalStep(context, 'SSE-KMS with an S3 Bucket Key', { ...kms, BucketKeyEnabled: true }, ['InvalidArgument']);
      // AWS's code for SSE-C over plain HTTP is UNCONFIRMED: MinIO answers InvalidRequest, IONOS
      // InvalidArgument, with the same message (reference s3-sse.md §2.1).
      const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: Buffer.from(context.random(32)).toString('base64') };
      await plainRefusalStep(context, 'SSE-C', customer, ['InvalidRequest', 'InvalidArgument']);
    }
    await cseKmsStep(context);
    await cseCStep(context);
    await httpsOnlyStep(context);
    await throttlingStep(context, options.burst ?? DEFAULT_BURST);
  } finally {
    if (context.target === 'remote') await cleanUp(context);
    closeContext(context);
  }
  const failed = printer.checks.filter((check) => !check.ok);
  printer.line();
  printer.line(
    failed.length === 0
      ? `All ${printer.checks.length} checks passed.`
      : `${failed.length} of ${printer.checks.length} checks FAILED:\n${failed.map((check) => `  ${check.section}: ${check.description}`).join('\n')}`,
  );
  return { checks: printer.checks, ok: failed.length === 0 };
}

async function setUp(context: DemoContext): Promise<void> {
  const { printer } = context;
  printer.title(`strongbox demo: the S3 encryption mechanisms, ${context.target === 'in-process' ? 'in process (no port)' : 'against a running endpoint'}`);
  printer.row('endpoint', `${context.endpoint}${context.target === 'in-process' ? " (the kernel's in-process handler: requests count as over TLS)" : ''}`);
  printer.row('clients', '@aws-sdk/client-s3, client-kms, client-cloudtrail; @strongbox/s3-encryption-client for CSE');
  printer.row(
    'audit',
    context.target === 'in-process'
      ? 'CloudTrail LookupEvents on the same endpoint: the KMS calls, S3 management events, and S3\ndata events (object calls) when the emulator records them (strongbox demo turns them on,\ncreateStrongbox({ s3DataEvents: true }); real CloudTrail Event history never lists data events)'
      : 'CloudTrail LookupEvents on the same endpoint: the KMS calls and S3 management events; S3\ndata events (object calls) only if the endpoint records them (strongbox serve --s3-data-events)',
  );
  if (context.atRest === undefined) printer.row('at rest', "not visible over the wire: the object records need in-process mode ('strongbox demo')");
  await context.s3.send(new CreateBucketCommand({ Bucket: context.names.bucket }));
  const created = await context.kms.send(new CreateKeyCommand({ Description: 'strongbox demo: SSE-KMS and CSE-KMS' }));
  const metadata = created.KeyMetadata;
  if (metadata?.KeyId === undefined || metadata.Arn === undefined) throw new Error('CreateKey answered without KeyMetadata');
  await context.kms.send(new CreateAliasCommand({ AliasName: context.names.alias, TargetKeyId: metadata.KeyId }));
  context.key = { id: metadata.KeyId, arn: metadata.Arn, alias: context.names.alias };
  printer.row('bucket', context.names.bucket);
  printer.row('KMS key', `${metadata.Arn} (${context.names.alias})`);
  await showAudit(context, 'set-up events');
  if (!context.secure)
    printer.note(
      'Note: this endpoint is plain HTTP, and S3 accepts SSE-KMS and SSE-C only over TLS: those steps show\nthe refusal. Pass --https-endpoint-url (strongbox serve --https-port N) to see them work.',
    );
}

/**
 * Over plain HTTP, S3 refuses SSE-KMS and SSE-C requests ("Requests specifying Server Side
 * Encryption with AWS KMS managed keys must be made over a secure connection.", and the SSE-C
 * equivalent): the step shows that refusal instead of the mechanism.
 */
async function plainRefusalStep(context: DemoContext, name: string, members: Partial<PutObjectCommandInput>, codes: readonly string[]): Promise<void> {
  const { printer } = context;
  printer.section(name, 'over plain HTTP');
  try {
    await context.s3.send(new PutObjectCommand({ Bucket: context.names.bucket, Key: 'plain-http.txt', Body: 'x', ...members }));
    printer.row('PutObject', 'answered 200 (expected a refusal)');
    printer.check('S3 refuses it over plain HTTP', false);
  } catch (error) {
    printer.row('PutObject', `refused: ${describeError(error)}`);
    printer.check(`S3 refuses it over plain HTTP (${codes.join(' or ')}, 400)`, codes.includes(errorCode(error) ?? ''));
  }
  printer.note('Pass --https-endpoint-url (strongbox serve --https-port N) to see it work.');
}

/** Removes what the demo made on a running endpoint; failures are reported, not thrown. */
async function cleanUp(context: DemoContext): Promise<void> {
  const { s3, kms, printer } = context;
  const failures: string[] = [];
  for (const bucket of [context.names.bucket, context.names.policyBucket]) {
    try {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      for (const object of listed.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
      if (bucket === context.names.policyBucket) await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'NoSuchBucket') failures.push(`${bucket}: ${describeError(error)}`);
    }
  }
  if (context.key !== undefined) {
    try {
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: context.key.id, PendingWindowInDays: 7 }));
    } catch (error) {
      failures.push(`${context.key.id}: ${describeError(error)}`);
    }
  }
  printer.line();
  printer.row('cleaned up', failures.length === 0 ? "the demo's buckets deleted, its KMS key scheduled for deletion (7 days)" : failures);
}
