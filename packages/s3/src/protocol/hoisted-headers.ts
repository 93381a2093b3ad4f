/**
 * @module
 * Server-side-encryption and user-metadata headers a presigned URL carries as query parameters
 * ("hoisted"), read as the headers they stand for (metadata: `META` below). For SSE,
 * `@aws-sdk/s3-request-presigner`'s `getSignedUrl(…, { hoistableHeaders })`
 * (smithy-lang/smithy-typescript#1421), the AWS SDK for Ruby and the old JavaScript SDK v2 put
 * them in the query string; S3 then encrypts as the parameters say:
 * - `x-amz-server-side-encryption` and `x-amz-server-side-encryption-aws-kms-key-id`: an SDK
 *   maintainer's test against S3 in 2024 (smithy-typescript#1421: "as of today my testing shows
 *   this not to be true" of S3 needing them as headers); the v2 SDK's form, the name also in
 *   `X-Amz-SignedHeaders`, works without the header (localstack/localstack#7628, AWS-validated).
 * - the SSE-C trio: an SSE-C object read through a URL carrying the three only as query
 *   parameters, once the client stopped sending them as headers too (aws/aws-sdk-ruby
 *   discussion #2810, on an SDK maintainer's advice). The User Guide still tells clients of
 *   presigned SSE-C URLs to send the headers (ServerSideEncryptionCustomerKeys, "Presigned URLs
 *   and SSE-C").
 *
 * Not read (each UNCONFIRMED in the README's known differences): `x-amz-server-side-encryption-context`,
 * which S3 was reported to ignore in the query (aws/aws-sdk-go#4949, aws-sdk-go-v2#2228, 2023:
 * "the object is uploaded and encrypted without adding the encryption context"), and
 * `x-amz-server-side-encryption-bucket-key-enabled` (no report either way), and the copy source's
 * SSE-C trio (`x-amz-copy-source-server-side-encryption-customer-*`: no report, issue or capture
 * shows S3 reading them from a presigned CopyObject's or UploadPartCopy's query, so such a copy
 * sends them as headers, signed, as every `x-amz-*` header of a presigned request must be). S3 is selective:
 * it ignores a hoisted `x-amz-tagging` (aws-sdk-go-v2#1017) and unsigned `x-amz-checksum-*`
 * parameters (localstack#12169).
 *
 * A presigned URL (`X-Amz-Algorithm` in the query, no `Authorization` header) is read this way,
 * and so is one in SigV2's form (`AWSAccessKeyId` and `Signature`), which botocore's
 * `generate_presigned_url` makes by default: its `HmacV1QueryAuth` moves every `x-amz-*` header it
 * signed into the query, and S3 reads them there: its SigV2 string to sign for such a URL lists
 * the query's `x-amz-security-token` among the amz headers (boto/botocore#2962, S3's own
 * `StringToSign`; the SSE parameters themselves are inferred). Names are decoded once for both
 * tests (`query-names.ts`). Strongbox does not verify SigV2 (without strict
 * authentication such a URL acts as an unsigned request; with it, it is refused before this), so
 * its parameters count for no more than the headers an unsigned request may send. A SigV4 URL is
 * read after authentication: every query parameter but
 * `X-Amz-Signature` is part of the canonical query, so a parameter added or changed after
 * signing has already been refused (403 SignatureDoesNotMatch). Without strict authentication
 * (the authenticator's `strict`, `strongbox serve --strict-auth`) a URL signed with an unknown
 * access key is not verified (it acts as the account root), and neither are its parameters: no
 * more than the headers such a request may send. A header of the same name wins over the
 * parameter, as LocalStack (`presigned_url.py`) and MinIO (`extractSignedHeaders`) decide; what
 * S3 does then is UNCONFIRMED. A URL holder cannot use that to override a signed value: every
 * `x-amz-*` header of a presigned request must be signed (the kernel's `checkHeadersSigned`).
 */

import type { HttpRequestHead } from '@strongbox/service-kernel';
import { decodeQueryComponent, PresignedNames, queryNameOf } from './query-names.ts';
import { SSE_HEADERS } from './sse-headers.ts';

type Headers = HttpRequestHead['headers'];

/** The query parameters read as headers, by lowercase name (header names are case-insensitive). */
const HOISTABLE: ReadonlySet<string> = new Set([
  SSE_HEADERS.serverSideEncryption,
  SSE_HEADERS.kmsKeyId,
  SSE_HEADERS.customerAlgorithm,
  SSE_HEADERS.customerKey,
  SSE_HEADERS.customerKeyMd5,
]);

/** What every hoistable SSE name starts with: a query without it (or META) is skipped unparsed. */
const PREFIX = 'x-amz-server-side-encryption';

/**
 * User metadata (`x-amz-meta-*`), which `getSignedUrl` hoists by default: S3 stores an object
 * PUT through such a URL with it (aws/aws-sdk-js-v3#4694, an SDK maintainer's upload to S3;
 * LocalStack reads every hoisted `x-amz-*` parameter but the checksums, `presigned_url.py`).
 */
const META = 'x-amz-meta-';

/** Whether a lowercase query name is read as the header it names. */
function hoistable(lower: string): boolean {
  return HOISTABLE.has(lower) || (lower.startsWith(META) && lower.length > META.length);
}

/**
 * The request's headers with the hoisted SSE parameters of a presigned URL added (see the
 * module documentation); `head.headers` itself when there are none. A name given more than once
 * is joined with `, `, as HTTP folds a repeated header, so S3's own check of the value refuses it.
 * @example
 * ```ts
 * hoistedHeaders({ method: 'PUT', path: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&x-amz-server-side-encryption=aws%3Akms&…', headers: {} });
 * // { 'x-amz-server-side-encryption': 'aws:kms' }
 * ```
 */
export function hoistedHeaders(head: HttpRequestHead): Headers {
  const question = head.path.indexOf('?');
  if (question < 0 || head.headers['authorization'] !== undefined) return head.headers;
  const query = head.path.slice(question + 1);
  // Names may be percent-encoded (`x%2Damz…`); such a query is parsed in full.
  const lowerQuery = query.toLowerCase();
  if (!lowerQuery.includes(PREFIX) && !lowerQuery.includes(META) && !query.includes('%')) return head.headers;
  const names = new PresignedNames();
  let hoisted: Map<string, string[]> | undefined;
  for (const part of query.split('&')) {
    const name = queryNameOf(part);
    names.see(name);
    const lower = name.toLowerCase();
    if (!hoistable(lower) || head.headers[lower] !== undefined) continue;
    const equals = part.indexOf('=');
    const value = equals < 0 ? '' : decodeQueryComponent(part.slice(equals + 1));
    hoisted ??= new Map();
    const values = hoisted.get(lower);
    if (values === undefined) hoisted.set(lower, [value]);
    else values.push(value);
  }
  if (!names.presigned || hoisted === undefined) return head.headers;
  const headers: Record<string, string | undefined> = { ...head.headers };
  for (const [name, values] of hoisted) headers[name] = values.join(', ');
  return headers;
}
