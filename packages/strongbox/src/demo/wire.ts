/**
 * @module
 * What crossed the wire on an SDK client's last call: a middleware added to the client's stack
 * innermost in the `deserialize` step, so it sees the request exactly as sent (serialized,
 * checksummed and signed) and the raw response before the SDK parses it. Only the encryption
 * headers are kept (`x-amz-server-side-encryption*`, and `x-amz-meta-*` where the S3 Encryption
 * Client puts its envelope); the SSE-C key header is replaced by a placeholder when it is
 * recorded, so the key is never held here, let alone printed.
 */

import type { S3Client } from '@aws-sdk/client-s3';

/** The SSE-C key header (`x-amz-server-side-encryption-customer-key`): recorded as a placeholder. */
const SECRET_HEADER = 'x-amz-server-side-encryption-customer-key';

/** One call as the wire saw it: the encryption headers each way, names lowercased, sorted. */
export interface WireExchange {
  readonly method: string;
  readonly path: string;
  readonly requestHeaders: readonly (readonly [string, string])[];
  /** Undefined when no response arrived (a network failure). */
  readonly status?: number;
  readonly responseHeaders: readonly (readonly [string, string])[];
}

/** Reads what the recorder saw. */
export interface WireRecorder {
  /** The last call's exchange, or undefined before the first call. */
  last(): WireExchange | undefined;
}

interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
}

interface RawResponse {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
}

/**
 * Adds the recorder to `client`'s middleware stack.
 * @example
 * ```ts
 * const wire = recordWire(s3);
 * await s3.send(new PutObjectCommand({ ... }));
 * wire.last()?.responseHeaders; // [['x-amz-server-side-encryption', 'AES256']]
 * ```
 */
export function recordWire(client: S3Client): WireRecorder {
  let last: WireExchange | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as RawRequest;
      const base = {
        method: request.method ?? '',
        path: request.path ?? '',
        requestHeaders: encryptionHeaders(request.headers ?? {}),
      };
      last = { ...base, responseHeaders: [] };
      const result = await next(args);
      const response = result.response as RawResponse;
      last = {
        ...base,
        ...(response.statusCode === undefined ? {} : { status: response.statusCode }),
        responseHeaders: encryptionHeaders(response.headers ?? {}),
      };
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'strongboxDemoWireRecorder' },
  );
  return { last: () => last };
}

/** The encryption headers of a header map, the SSE-C key replaced by a placeholder. */
export function encryptionHeaders(headers: Readonly<Record<string, string>>): [string, string][] {
  const kept: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-amz-server-side-encryption') && !lower.startsWith('x-amz-meta-')) continue;
    kept.push([lower, lower === SECRET_HEADER ? `(${keyLengthOf(value)}, not shown)` : value]);
  }
  return kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function keyLengthOf(base64: string): string {
  return `${Buffer.from(base64, 'base64').length}-byte key, base64`;
}
