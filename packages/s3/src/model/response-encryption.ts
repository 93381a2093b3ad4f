/**
 * @module
 * Which encryption fields S3 echoes, per operation and mode (model `httpHeader` traits and the
 * LS-snapshot captures; ../shared/reference/s3-sse.md §1.2):
 *
 * - SSE-S3: `AES256` on every object response, including writes that relied on the default (since
 *   2023 a plain PUT reports AES256; Java SDKs compare ETags with MD5s unless told otherwise).
 * - SSE-KMS / DSSE-KMS: the algorithm and the key as a **full ARN** on every object response; the
 *   bucket-key flag only when true (`true`, lowercase); the encryption context only on PutObject,
 *   CopyObject and CreateMultipartUpload.
 * - SSE-C: never `x-amz-server-side-encryption`; the customer algorithm and the key MD5 the request
 *   sent, on every object response, CompleteMultipartUpload's too when it sent the key (the model
 *   has no member for them there, but real S3 sends both headers: minio/minio-go#1980).
 */

import type { EncryptionMode, StringMap } from './encryption.ts';

/** Object operations that answer with encryption fields. */
export type EncryptionEchoOperation =
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'CopyObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload';

/** How an object is encrypted, as the engine knows it when answering. */
export interface ObjectEncryption {
  readonly mode: EncryptionMode;
  /** SSE-KMS / DSSE-KMS: the key's full ARN (what KMS resolved), never the alias or bare id. */
  readonly kmsKeyArn?: string | undefined;
  readonly bucketKeyEnabled?: boolean | undefined;
  /** SSE-KMS / DSSE-KMS: the caller's context pairs, if it sent any. */
  readonly context?: StringMap | undefined;
  /** SSE-C: the key MD5 the request sent (S3 echoes it; it is never stored). */
  readonly customerKeyMd5?: string | undefined;
}

/** The encryption fields of a response, by model name (header names live in src/protocol/). */
export interface EchoedEncryption {
  readonly serverSideEncryption?: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  readonly kmsKeyId?: string;
  /** Base64 of the JSON context. */
  readonly encryptionContext?: string;
  readonly bucketKeyEnabled?: true;
  readonly customerAlgorithm?: 'AES256';
  readonly customerKeyMd5?: string;
}

const CONTEXT_ECHOED: ReadonlySet<EncryptionEchoOperation> = new Set<EncryptionEchoOperation>(['PutObject', 'CopyObject', 'CreateMultipartUpload']);

/**
 * The encryption fields S3 returns for `operation` on an object encrypted as `encryption`.
 *
 * UNCONFIRMED: whether the echoed context includes S3's own `aws:s3:arn` pair, and whether it is
 * echoed when the caller sent none; here it is the caller's pairs, only when there are some.
 *
 * @example
 * ```ts
 * import { echoedEncryption } from '@strongbox/s3';
 * echoedEncryption('GetObject', { mode: 'SSE-C', customerKeyMd5: 'JMwgiexXqwuPqIPjYFmIZQ==' });
 * // { customerAlgorithm: 'AES256', customerKeyMd5: 'JMwgiexXqwuPqIPjYFmIZQ==' }
 * ```
 */
export function echoedEncryption(operation: EncryptionEchoOperation, encryption: ObjectEncryption): EchoedEncryption {
  switch (encryption.mode) {
    case 'SSE-S3':
      return { serverSideEncryption: 'AES256' };
    case 'SSE-C':
      // A request without the key has nothing to echo (LS-snapshot: CompleteMultipartUpload of an
      // SSE-C upload sent without the key answers with no SSE fields at all).
      if (encryption.customerKeyMd5 === undefined) return {};
      return { customerAlgorithm: 'AES256', customerKeyMd5: encryption.customerKeyMd5 };
    case 'SSE-KMS':
    case 'DSSE-KMS': {
      // Assigned one by one (every SSE-KMS response answers this): conditional spreads in one
      // literal make V8 build a slow object.
      const echoed: { -readonly [Name in keyof EchoedEncryption]: EchoedEncryption[Name] } = {
        serverSideEncryption: encryption.mode === 'SSE-KMS' ? 'aws:kms' : 'aws:kms:dsse',
      };
      if (encryption.kmsKeyArn !== undefined) echoed.kmsKeyId = encryption.kmsKeyArn;
      if (CONTEXT_ECHOED.has(operation) && encryption.context !== undefined) {
        const pairs = Object.entries(encryption.context);
        if (pairs.length > 0) echoed.encryptionContext = encodeContext(pairs);
      }
      // Bucket keys never apply to DSSE-KMS; S3 omits the flag when false.
      if (encryption.mode === 'SSE-KMS' && encryption.bucketKeyEnabled === true) echoed.bucketKeyEnabled = true;
      return echoed;
    }
  }
}

/** Base64 of the UTF-8 JSON of the pairs, as the request header carries it. */
function encodeContext(pairs: readonly (readonly [string, string])[]): string {
  const json = JSON.stringify(Object.fromEntries(pairs));
  let binary = '';
  for (const byte of new TextEncoder().encode(json)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
