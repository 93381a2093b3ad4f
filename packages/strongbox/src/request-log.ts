/**
 * @module
 * One line per request served on a port: time, method, service, operation, status and duration,
 *
 * ```
 * 2026-12-06T06:50:00.123Z POST kms CreateKey 200 3ms
 * 2026-12-06T06:50:00.200Z PUT s3 PutObject 200 5ms
 * ```
 *
 * and nothing else: no path (bucket and key names are the user's data), no header value (SSE-C
 * keys, signatures and session tokens travel in headers), no body. The operation is the name the
 * request routes to: the `X-Amz-Target` suffix (kept only when it is a plain name, so a crafted
 * header cannot write into the log), S3's route, or STS's `Action`; `-` when none applies. A
 * request whose connection was cut before the answer was sent shows `aborted` as its status.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLOUDTRAIL_TARGET_PREFIXES } from '@strongbox/kms/http';
import { s3OperationOf } from '@strongbox/s3';
import { isStsRequest } from './sts.ts';

/** One served request. */
export interface RequestLogEntry {
  /** When the request arrived (epoch ms). */
  readonly time: number;
  readonly method: string;
  /** `kms`, `cloudtrail`, `s3`, `sts` or `strongbox` (the `/_strongbox/` routes). */
  readonly service: string;
  /** The operation name, or `-`. */
  readonly operation: string;
  /** The HTTP status answered, or `aborted`. */
  readonly status: number | 'aborted';
  /** Milliseconds from the request's head to the end of the answer. */
  readonly durationMs: number;
}

/** Where the service and operation of a request come from. */
export type RequestClassifier = (request: IncomingMessage) => { readonly service: string; readonly operation: string };

/** A plain operation name: letters and digits, as every AWS operation is spelled. */
const NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/**
 * The operation named by an `X-Amz-Target` (`TrentService.CreateKey` → `CreateKey`), or `-`.
 * @example operationOfTarget('TrentService.Encrypt') // 'Encrypt'
 */
export function operationOfTarget(target: string): string {
  const name = target.slice(target.lastIndexOf('.') + 1);
  return NAME.test(name) ? name : '-';
}

/**
 * `name` if it is a plain operation name, else `-` (for names read from requests).
 * @example plainName('GetCallerIdentity') // 'GetCallerIdentity'
 */
export function plainName(name: string | undefined): string {
  return name !== undefined && NAME.test(name) ? name : '-';
}

/**
 * Formats an entry as its log line (with the newline).
 * @example formatRequestLine({ time: 0, method: 'GET', service: 's3', operation: 'ListBuckets', status: 200, durationMs: 1.4 })
 */
export function formatRequestLine(entry: RequestLogEntry): string {
  return `${new Date(entry.time).toISOString()} ${entry.method} ${entry.service} ${entry.operation} ${entry.status} ${Math.round(entry.durationMs)}ms\n`;
}

/**
 * Watches one request and reports it to `log` when its response closes.
 * @example observeRequest(request, response, classify, (entry) => process.stdout.write(formatRequestLine(entry)))
 */
export function observeRequest(request: IncomingMessage, response: ServerResponse, classify: RequestClassifier, log: (entry: RequestLogEntry) => void): void {
  const time = Date.now();
  const started = performance.now();
  // Classified now: the head is all that is needed, and routes may consume the request.
  const { service, operation } = classify(request);
  const method = plainName(request.method) === '-' ? '-' : (request.method as string);
  response.once('close', () => {
    log({ time, method, service, operation, status: response.writableFinished ? response.statusCode : 'aborted', durationMs: performance.now() - started });
  });
}

/**
 * How the endpoint tells its services apart, for the log: the `/_strongbox/` routes, then
 * `X-Amz-Target` (KMS, CloudTrail), then S3's routes for everything else.
 * @example endpointClassifier()(request) // { service: 'kms', operation: 'CreateKey' }
 */
export function endpointClassifier(baseHosts?: readonly string[]): RequestClassifier {
  return (request) => {
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    if (path.startsWith(ADMIN_PREFIX)) return { service: 'strongbox', operation: plainName(path.slice(ADMIN_PREFIX.length)) };
    if (isStsRequest(request)) {
      // The Query protocol's Action is in the query string or in the body (not read for the log).
      return { service: 'sts', operation: plainName(new URLSearchParams(url.slice(path.length + 1)).get('Action') ?? undefined) };
    }
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') {
      const service = target.startsWith('TrentService.') ? 'kms' : CLOUDTRAIL_TARGET_PREFIXES.some((prefix) => target.startsWith(prefix)) ? 'cloudtrail' : '-';
      return { service, operation: operationOfTarget(target) };
    }
    // Built with fromEntries (no prototype setters); repeated headers joined as node:http would.
    const headers: Record<string, string> = Object.fromEntries(
      Object.entries(request.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])),
    );
    return { service: 's3', operation: s3OperationOf({ method: request.method ?? 'GET', path: url, headers }, baseHosts) ?? '-' };
  };
}

const ADMIN_PREFIX = '/_strongbox/';
