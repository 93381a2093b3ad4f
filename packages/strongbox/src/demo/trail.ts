/**
 * @module
 * The audit events each step of the demo caused, read back the way a user reads them: CloudTrail
 * `LookupEvents` through the official client, on the same endpoint. The reader remembers the event
 * ids it has handed out, so each `since()` returns only what happened after the previous one, in
 * the order it happened (LookupEvents lists newest first). Each record's `CloudTrailEvent` JSON
 * gives what the demo shows: the operation, the key, the encryption context and `invokedBy`
 * (`s3.amazonaws.com` when S3 called KMS on the caller's behalf, SSE-KMS; absent when the caller
 * called KMS itself, CSE-KMS), and for an S3 event its bucket and, for a data event (recorded when
 * the endpoint records them), its object.
 */

import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';

/** One audit event, as the demo prints it. */
export interface AuditEvent {
  readonly eventName: string;
  /** `kms.amazonaws.com`, `s3.amazonaws.com`, ... */
  readonly eventSource: string;
  /** The key the call named (its id, ARN or alias, as the request gave it), if any. */
  readonly keyId?: string;
  /** The encryption context of the call, `name=value` pairs joined by `, `. */
  readonly encryptionContext?: string;
  /** The service that made the call for the caller (`userIdentity.invokedBy`). */
  readonly invokedBy?: string;
  /** The error of a refused call (`ThrottlingException`, ...). */
  readonly errorCode?: string;
  /** The bucket of an S3 event. */
  readonly bucketName?: string;
  /** The object of an S3 data event (PutObject, GetObject, ...). */
  readonly objectKey?: string;
}

/** Reads the trail step by step. */
export interface TrailReader {
  /** The events recorded since the last call (since the reader was made, the first time). */
  since(): Promise<AuditEvent[]>;
}

/** LookupEvents' largest page. */
const PAGE_SIZE = 50;

/**
 * A reader over `client`'s trail that starts now: events already recorded are skipped.
 * @throws the client's errors (the first LookupEvents call is made here).
 * @example
 * ```ts
 * const trail = await openTrail(new CloudTrailClient(sb.clientConfig));
 * await s3.send(new PutObjectCommand({ ..., ServerSideEncryption: 'aws:kms' }));
 * (await trail.since()).map((event) => event.eventName); // ['GenerateDataKey']
 * ```
 */
export async function openTrail(client: CloudTrailClient): Promise<TrailReader> {
  const seen = new Set<string>();
  // Recorded before the demo: marks its ids seen. Looking back an hour bounds the listing on a
  // long-running endpoint; the demo's own events are all later than the reader.
  const start = new Date(Date.now() - 60 * 60 * 1000);
  for (const record of await lookup(client, start)) seen.add(record.id);
  return {
    async since() {
      const fresh = (await lookup(client, start)).filter((record) => !seen.has(record.id));
      for (const record of fresh) seen.add(record.id);
      // Newest first on the wire; the demo tells them in the order they happened.
      return fresh.reverse().map((record) => record.event);
    },
  };
}

interface RawRecord {
  readonly id: string;
  readonly event: AuditEvent;
}

async function lookup(client: CloudTrailClient, start: Date): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new LookupEventsCommand({ StartTime: start, MaxResults: PAGE_SIZE, ...(token === undefined ? {} : { NextToken: token }) }));
    for (const event of page.Events ?? []) {
      if (event.EventId === undefined) continue;
      records.push({ id: event.EventId, event: parseEvent(event.EventName ?? '', event.EventSource ?? '', event.CloudTrailEvent) });
    }
    token = page.NextToken;
  } while (token !== undefined);
  return records;
}

interface CloudTrailRecord {
  readonly userIdentity?: { readonly invokedBy?: unknown };
  readonly requestParameters?: {
    readonly keyId?: unknown;
    readonly encryptionContext?: unknown;
    readonly bucketName?: unknown;
    readonly key?: unknown;
  } | null;
  readonly errorCode?: unknown;
}

/** The fields the demo shows, from a `CloudTrailEvent` JSON document (absent ones stay absent). */
export function parseEvent(eventName: string, eventSource: string, json: string | undefined): AuditEvent {
  let record: CloudTrailRecord = {};
  try {
    record = json === undefined ? {} : (JSON.parse(json) as CloudTrailRecord);
  } catch {
    // A record that is not JSON still has its name and source to show.
  }
  const parameters = record.requestParameters ?? {};
  const context = parameters.encryptionContext;
  return {
    eventName,
    eventSource,
    ...(typeof parameters.keyId === 'string' ? { keyId: parameters.keyId } : {}),
    ...(context !== null && typeof context === 'object' ? { encryptionContext: formatContext(context as Record<string, unknown>) } : {}),
    ...(typeof record.userIdentity?.invokedBy === 'string' ? { invokedBy: record.userIdentity.invokedBy } : {}),
    ...(typeof record.errorCode === 'string' ? { errorCode: record.errorCode } : {}),
    ...(typeof parameters.bucketName === 'string' ? { bucketName: parameters.bucketName } : {}),
    ...(typeof parameters.key === 'string' ? { objectKey: parameters.key } : {}),
  };
}

function formatContext(context: Record<string, unknown>): string {
  return Object.entries(context)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(', ');
}
