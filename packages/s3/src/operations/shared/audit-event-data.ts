/**
 * @module
 * `additionalEventData` of S3 events: how the request was signed and sent (`SignatureVersion`,
 * `CipherSuite`, `AuthenticationMethod`, `x-amz-id-2`), the bytes it carried
 * (`transferred-bytes.ts`) and, for a write, the encryption applied (`SSEApplied`).
 */

import type { CallScope, TlsConnection } from '@strongbox/service-kernel';
import type { SignatureFacts } from '../../policy/request-context.ts';
import { transferredBytes } from './transferred-bytes.ts';

/** CloudTrail's `SignatureVersion` for the signature's algorithm. */
const SIGNATURE_VERSIONS: Readonly<Record<string, string>> = { 'AWS4-HMAC-SHA256': 'SigV4', AWS: 'SigV2' };
/**
 * CloudTrail's `AuthenticationMethod` for how the request was signed: `AuthHeader` (captured
 * PutObject), `QueryString` (a captured presigned PutObject, TryHackMe AoC 2024 day 7 log).
 * UNCONFIRMED for a browser form's POST: not recorded then.
 */
const AUTHENTICATION_METHODS: Readonly<Record<string, string>> = { 'REST-HEADER': 'AuthHeader', 'REST-QUERY-STRING': 'QueryString' };
/** The operations that write a new object and log its encryption as `SSEApplied`. */
const ENCRYPTING_WRITES: ReadonlySet<string> = new Set(['PutObject', 'CreateMultipartUpload', 'CopyObject', 'PostObject']);

/** What the protocol edge tells a call's scope that `additionalEventData` records (`S3CallScope`). */
interface WireFacts {
  readonly signature?: SignatureFacts;
  readonly hostId?: string;
  readonly tls?: TlsConnection;
}

/**
 * `additionalEventData` of an S3 call: what S3 knows of how it was signed and sent, in the order
 * captured records list it (a presigned PutObject data event, TryHackMe AoC 2024 day 7 log:
 * `{"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 83,
 * "SSEApplied": "Default_SSE_S3", "AuthenticationMethod": "QueryString", "x-amz-id-2": …,
 * "bytesTransferredOut": 0}`; the aws-cdk PutObject capture has the same members). Recorded only
 * where known: `SignatureVersion` and `AuthenticationMethod` for a signed request over HTTP,
 * `CipherSuite` over TLS (OpenSSL's name, as the captures show it), `x-amz-id-2` as answered, and
 * `SSEApplied` for a write that encrypted a new object (`sseApplied`); an in-process call records
 * only the last. `bytesTransferredIn` and `bytesTransferredOut` where the engine's answer already
 * says them (`transferredBytes`), in process too. Management
 * events carry the same members, `x-amz-id-2` included (a captured GetBucketAcl management event,
 * bluemountaincyber/building-detections-aws `workbook/docs/exercises/exercise4.md`:
 * `{"SignatureVersion": "SigV4", "CipherSuite": "ECDHE-RSA-AES128-GCM-SHA256",
 * "bytesTransferredIn": 0, "AuthenticationMethod": "AuthHeader", "x-amz-id-2": …,
 * "bytesTransferredOut": 542}`). A definition's own members follow.
 * @example additionalEventData('GetObject', undefined, input, output, true, scope) // { SignatureVersion: 'SigV4', AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': '…' }
 */
export function additionalEventData(
  operation: string,
  own: Record<string, unknown> | undefined,
  input: unknown,
  output: unknown,
  succeeded: boolean,
  scope: CallScope,
): Record<string, unknown> | undefined {
  const data = wireEventData(operation, input, output, succeeded, scope as WireFacts);
  if (own !== undefined) for (const name of Object.keys(own)) data[name] = own[name];
  return hasMembers(data) ? data : undefined;
}

/**
 * The members S3 records of how a call was signed and sent and what it carried, each only where
 * known, in the order captured records list them (see `additionalEventData`).
 */
function wireEventData(operation: string, input: unknown, output: unknown, succeeded: boolean, facts: WireFacts): Record<string, unknown> {
  const signature = facts.signature;
  const data: Record<string, unknown> = {};
  const signatureVersion = signature === undefined ? undefined : SIGNATURE_VERSIONS[signature.signatureVersion];
  if (signatureVersion !== undefined) data['SignatureVersion'] = signatureVersion;
  const cipher = cipherOf(facts.tls);
  if (cipher !== undefined) data['CipherSuite'] = cipher;
  const bytes = succeeded ? transferredBytes(operation, output) : undefined;
  if (bytes !== undefined) data['bytesTransferredIn'] = bytes[0];
  const sse = succeeded && ENCRYPTING_WRITES.has(operation) ? sseApplied(input, output) : undefined;
  if (sse !== undefined) data['SSEApplied'] = sse;
  const method = signature === undefined ? undefined : AUTHENTICATION_METHODS[signature.authType];
  if (method !== undefined) data['AuthenticationMethod'] = method;
  if (facts.hostId !== undefined) data['x-amz-id-2'] = facts.hostId;
  if (bytes !== undefined) data['bytesTransferredOut'] = bytes[1];
  return data;
}

/** Whether `data` has a member (without listing its keys). */
function hasMembers(data: Record<string, unknown>): boolean {
  for (const _ in data) return true;
  return false;
}

/**
 * CloudTrail's `SSEApplied` for a write: `SSE_C` for a customer key, else the mode the new object
 * was encrypted with, `SSE_S3` or `SSE_KMS` when the request asked for it and `Default_SSE_S3` or
 * `Default_SSE_KMS` when the bucket's default encryption chose it (S3 User Guide, "Monitoring
 * default encryption with CloudTrail and CloudWatch"; "For multipart uploads, this information is
 * included in the InitiateMultipartUpload API requests"). UNCONFIRMED: the value for DSSE-KMS (the
 * guide names none: not recorded), and that CopyObject records it (the guide speaks of PUT and
 * POST requests).
 * @example sseApplied({}, { ServerSideEncryption: 'AES256' }) // 'Default_SSE_S3'
 */
export function sseApplied(input: unknown, output: unknown): string | undefined {
  const request = input as { readonly ServerSideEncryption?: unknown; readonly SSECustomerAlgorithm?: unknown } | undefined;
  if (request?.SSECustomerAlgorithm !== undefined) return 'SSE_C';
  const applied = (output as { readonly ServerSideEncryption?: unknown } | undefined)?.ServerSideEncryption;
  const mode = applied === 'AES256' ? 'SSE_S3' : applied === 'aws:kms' ? 'SSE_KMS' : undefined;
  if (mode === undefined) return undefined;
  return request?.ServerSideEncryption === undefined ? `Default_${mode}` : mode;
}

/** The negotiated cipher's OpenSSL name; undefined without TLS (or once the connection is gone). */
function cipherOf(tls: TlsConnection | undefined): string | undefined {
  if (tls === undefined) return undefined;
  try {
    return tls.getCipher()?.name;
  } catch {
    return undefined;
  }
}
