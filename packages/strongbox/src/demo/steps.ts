/**
 * @module
 * The rows every mechanism prints, in the same order: what the client sent, what it got back
 * (both as the wire carried them), what S3 stored, the round trip, and the audit events the step
 * caused. Errors are shown as the SDK raised them: AWS's code, HTTP status and message.
 */

import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { DemoContext } from './context.ts';
import type { AuditEvent } from './trail.ts';
import type { WireExchange } from './wire.ts';

/** An SDK error as the demo prints it: `Code (HTTP status): message`. */
export function describeError(error: unknown): string {
  const failure = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = failure.$metadata?.httpStatusCode;
  return `${String(failure.name ?? 'Error')}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${String(failure.message ?? error)}`;
}

/** The error's code (the SDK's `name`), or undefined for a non-error. */
export function errorCode(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** Prints the request of `exchange` as "client sent". */
export function showSent(context: DemoContext, summary: string, exchange: WireExchange | undefined): void {
  context.printer.row('client sent', [summary, ...headerLines(exchange?.requestHeaders ?? [])]);
}

/** Prints the response of `exchange` as "client got back". */
export function showReceived(context: DemoContext, exchange: WireExchange | undefined, label = 'client got back'): void {
  const status = exchange?.status === undefined ? 'no response' : `HTTP ${exchange.status}`;
  const headers = exchange?.responseHeaders ?? [];
  context.printer.row(label, [status, ...(headers.length === 0 ? ['(no encryption headers)'] : headerLines(headers))]);
}

function headerLines(headers: readonly (readonly [string, string])[]): string[] {
  return headers.map(([name, value]) => `${name}: ${value}`);
}

/** SSE-C members a HeadObject of an SSE-C object needs. */
export interface CustomerKeyMembers {
  readonly SSECustomerAlgorithm?: string;
  readonly SSECustomerKey?: string;
}

/**
 * Prints what S3 stored for `key`: in process the sealed record (size, first bytes, metadata
 * fields), checking that the plaintext is nowhere in it; against a running endpoint what the wire
 * shows of it (HeadObject), and that the at-rest view needs in-process mode.
 */
export async function showStored(
  context: DemoContext,
  bucket: string,
  key: string,
  plaintext: Uint8Array,
  customerKey: CustomerKeyMembers = {},
): Promise<void> {
  const { printer, atRest } = context;
  if (atRest === undefined) {
    const head = await context.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ...customerKey }));
    printer.row('S3 stored', [
      `HeadObject: ${head.ContentLength ?? '?'} bytes${head.ServerSideEncryption === undefined ? '' : `, ${head.ServerSideEncryption}`}${head.SSECustomerAlgorithm === undefined ? '' : `, SSE-C ${head.SSECustomerAlgorithm}`}`,
      'at rest: not visible over the wire (`strongbox demo` without --endpoint-url shows the sealed record)',
    ]);
    return;
  }
  const stored = await atRest.read(bucket, key, plaintext);
  if (stored === undefined) {
    printer.row('S3 stored', 'nothing (no object)');
    return;
  }
  printer.row('S3 stored', [
    `${stored.storedBytes} sealed bytes for the ${stored.plaintextBytes ?? '?'} bytes it was sent; the first ${stored.head.length / 2}: ${stored.head}`,
    'metadata:',
    ...stored.fields.map(([name, value]) => `  ${name}: ${value}`),
  ]);
  printer.check('the stored bytes do not contain the plaintext', !stored.plaintextVisible);
}

/** Prints the audit events of a step as a table (or "none"), and returns them for checks. */
export async function showAudit(context: DemoContext, label = 'audit events'): Promise<AuditEvent[]> {
  const events = await context.trail.since();
  if (events.length === 0) {
    context.printer.row(label, 'none');
    return events;
  }
  context.printer.table(
    label,
    ['event', 'source', 'resource', 'invoked by', 'encryption context'],
    events.map((event) => [
      event.errorCode === undefined ? event.eventName : `${event.eventName} (${event.errorCode})`,
      event.eventSource.replace('.amazonaws.com', ''),
      shortKey(event.keyId) ?? s3Resource(event) ?? '-',
      event.invokedBy ?? '-',
      event.encryptionContext ?? '-',
    ]),
  );
  return events;
}

/** An S3 event's bucket, or `bucket/key` for an object's data event. */
function s3Resource(event: AuditEvent): string | undefined {
  if (event.bucketName === undefined) return undefined;
  return event.objectKey === undefined ? event.bucketName : `${event.bucketName}/${event.objectKey}`;
}

/** KMS events of `events` named `name`. */
export function kmsEvents(events: readonly AuditEvent[], name?: string): AuditEvent[] {
  return events.filter((event) => event.eventSource === 'kms.amazonaws.com' && (name === undefined || event.eventName === name));
}

/** A key ARN shortened to its id (`arn:...:key/<id>` → `<id>`); other ids as they are. */
export function shortKey(keyId: string | undefined): string | undefined {
  if (keyId === undefined) return undefined;
  const slash = keyId.lastIndexOf(':key/');
  return slash === -1 ? keyId : keyId.slice(slash + ':key/'.length);
}

/** Whether two byte sequences are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** UTF-8 bytes of a demo object's text. */
export function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
