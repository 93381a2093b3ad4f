/**
 * @module
 * The wire names of S3's server-side-encryption headers (model `httpHeader` traits;
 * ../shared/reference/s3-sse.md §1.1) and their mapping to the model's neutral `SseRequest`. This
 * is the only place the model's fields meet header names; the rest of the S3 protocol (issue 11)
 * builds on it. Header names are case-insensitive: lookups go through a lowercased copy.
 */

import type { SseRequest } from '../model/encryption.ts';
import type { EchoedEncryption } from '../model/response-encryption.ts';
import { header, type MemberBindings } from './binding.ts';

/** Request and response header names, lowercase. */
export const SSE_HEADERS: Readonly<{
  serverSideEncryption: string;
  kmsKeyId: string;
  encryptionContext: string;
  bucketKeyEnabled: string;
  customerAlgorithm: string;
  customerKey: string;
  customerKeyMd5: string;
  copySourceCustomerAlgorithm: string;
  copySourceCustomerKey: string;
  copySourceCustomerKeyMd5: string;
}> = Object.freeze({
  serverSideEncryption: 'x-amz-server-side-encryption',
  kmsKeyId: 'x-amz-server-side-encryption-aws-kms-key-id',
  encryptionContext: 'x-amz-server-side-encryption-context',
  bucketKeyEnabled: 'x-amz-server-side-encryption-bucket-key-enabled',
  customerAlgorithm: 'x-amz-server-side-encryption-customer-algorithm',
  customerKey: 'x-amz-server-side-encryption-customer-key',
  customerKeyMd5: 'x-amz-server-side-encryption-customer-key-md5',
  copySourceCustomerAlgorithm: 'x-amz-copy-source-server-side-encryption-customer-algorithm',
  copySourceCustomerKey: 'x-amz-copy-source-server-side-encryption-customer-key',
  copySourceCustomerKeyMd5: 'x-amz-copy-source-server-side-encryption-customer-key-md5',
});

/** Request headers: any case, a single value each (the edge joins or rejects repeats). */
export type HeaderBag = Readonly<Record<string, string | undefined>> | ReadonlyMap<string, string>;

/**
 * The SSE fields of a request's own headers (PutObject, GetObject, UploadPart, …).
 *
 * @example
 * ```ts
 * import { sseRequestFromHeaders } from '@strongbox/s3';
 * sseRequestFromHeaders({ 'X-Amz-Server-Side-Encryption': 'AES256' }).serverSideEncryption; // 'AES256'
 * ```
 */
export function sseRequestFromHeaders(headers: HeaderBag): SseRequest {
  const get = lowercaseLookup(headers);
  return {
    serverSideEncryption: get(SSE_HEADERS.serverSideEncryption),
    kmsKeyId: get(SSE_HEADERS.kmsKeyId),
    encryptionContext: get(SSE_HEADERS.encryptionContext),
    bucketKeyEnabled: get(SSE_HEADERS.bucketKeyEnabled),
    customer: { algorithm: get(SSE_HEADERS.customerAlgorithm), key: get(SSE_HEADERS.customerKey), keyMd5: get(SSE_HEADERS.customerKeyMd5) },
  };
}

/**
 * The SSE-C fields of a copy source (`x-amz-copy-source-server-side-encryption-customer-*`), in the
 * same shape, for `checkReadEncryption(…, 'copy-source', …)`.
 *
 * @example
 * ```ts
 * import { copySourceSseRequestFromHeaders } from '@strongbox/s3';
 * copySourceSseRequestFromHeaders({}).customer; // { algorithm: undefined, key: undefined, keyMd5: undefined }
 * ```
 */
export function copySourceSseRequestFromHeaders(headers: HeaderBag): SseRequest {
  const get = lowercaseLookup(headers);
  return {
    customer: {
      algorithm: get(SSE_HEADERS.copySourceCustomerAlgorithm),
      key: get(SSE_HEADERS.copySourceCustomerKey),
      keyMd5: get(SSE_HEADERS.copySourceCustomerKeyMd5),
    },
  };
}

function lowercaseLookup(headers: HeaderBag): (name: string) => string | undefined {
  const lowered = new Map<string, string>();
  const entries = headers instanceof Map ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) if (typeof value === 'string') lowered.set(name.toLowerCase(), value);
  return (name) => lowered.get(name);
}

/**
 * The response headers of echoed encryption fields (see `echoedEncryption`), in a null-prototype
 * record; booleans lowercase, as the JS SDK v3 requires (localstack/localstack#6840).
 *
 * @example
 * ```ts
 * import { encryptionResponseHeaders } from '@strongbox/s3';
 * encryptionResponseHeaders({ serverSideEncryption: 'aws:kms', kmsKeyId: arn, bucketKeyEnabled: true });
 * // { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': arn, 'x-amz-server-side-encryption-bucket-key-enabled': 'true' }
 * ```
 */
export function encryptionResponseHeaders(echoed: EchoedEncryption): Readonly<Record<string, string>> {
  const headers = Object.create(null) as Record<string, string>;
  if (echoed.serverSideEncryption !== undefined) headers[SSE_HEADERS.serverSideEncryption] = echoed.serverSideEncryption;
  if (echoed.kmsKeyId !== undefined) headers[SSE_HEADERS.kmsKeyId] = echoed.kmsKeyId;
  if (echoed.encryptionContext !== undefined) headers[SSE_HEADERS.encryptionContext] = echoed.encryptionContext;
  if (echoed.bucketKeyEnabled === true) headers[SSE_HEADERS.bucketKeyEnabled] = 'true';
  if (echoed.customerAlgorithm !== undefined) headers[SSE_HEADERS.customerAlgorithm] = echoed.customerAlgorithm;
  if (echoed.customerKeyMd5 !== undefined) headers[SSE_HEADERS.customerKeyMd5] = echoed.customerKeyMd5;
  return headers;
}

/** The SSE-C request members and their headers (GetObject, HeadObject, UploadPart, …). */
export const SSE_C_REQUEST: MemberBindings = Object.freeze({
  SSECustomerAlgorithm: header(SSE_HEADERS.customerAlgorithm),
  SSECustomerKey: header(SSE_HEADERS.customerKey),
  SSECustomerKeyMD5: header(SSE_HEADERS.customerKeyMd5),
});

/** Every SSE request member of a write (PutObject, CopyObject, CreateMultipartUpload). */
export const SSE_WRITE_REQUEST: MemberBindings = Object.freeze({
  ServerSideEncryption: header(SSE_HEADERS.serverSideEncryption),
  SSEKMSKeyId: header(SSE_HEADERS.kmsKeyId),
  SSEKMSEncryptionContext: header(SSE_HEADERS.encryptionContext),
  BucketKeyEnabled: header(SSE_HEADERS.bucketKeyEnabled, 'boolean'),
  ...SSE_C_REQUEST,
});

/** The copy source's SSE-C members (CopyObject, UploadPartCopy). */
export const COPY_SOURCE_SSE_C_REQUEST: MemberBindings = Object.freeze({
  CopySourceSSECustomerAlgorithm: header(SSE_HEADERS.copySourceCustomerAlgorithm),
  CopySourceSSECustomerKey: header(SSE_HEADERS.copySourceCustomerKey),
  CopySourceSSECustomerKeyMD5: header(SSE_HEADERS.copySourceCustomerKeyMd5),
});

/**
 * Every SSE response member (an operation's output carries only those S3 echoes for it:
 * `echoedEncryption`; booleans are written lowercase).
 */
export const SSE_RESPONSE: MemberBindings = Object.freeze({
  ServerSideEncryption: header(SSE_HEADERS.serverSideEncryption),
  SSEKMSKeyId: header(SSE_HEADERS.kmsKeyId),
  SSEKMSEncryptionContext: header(SSE_HEADERS.encryptionContext),
  BucketKeyEnabled: header(SSE_HEADERS.bucketKeyEnabled, 'boolean'),
  SSECustomerAlgorithm: header(SSE_HEADERS.customerAlgorithm),
  SSECustomerKeyMD5: header(SSE_HEADERS.customerKeyMd5),
});
