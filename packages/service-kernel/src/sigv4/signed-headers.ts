/**
 * @module
 * S3's rule that a signature covers every `x-amz-*` header a request carries: any other is
 * refused with 403 AccessDenied "There were headers present in the request which were not signed"
 * and `<HeadersNotSigned>` naming them, for presigned URLs and for the `Authorization` header
 * alike (answers quoted in apache/arrow-rs-object-store#484, `x-amz-meta-s1, x-amz-tagging`, and
 * aws/aws-sdk-js-v3#6978; versitygw applies it to both forms, versity/versitygw#2158). The S3 API
 * reference ("Signature Calculations for the Authorization Header") asks the canonical headers to
 * include "any x-amz-* headers that you plan to include in your request": an unsigned one could be
 * added in flight (`x-amz-copy-source` turns a signed PutObject into a CopyObject).
 */

import { ServiceError } from '../errors.ts';
import type { HttpRequestHead } from '../http/types.ts';

/**
 * Refuses a request carrying an `x-amz-*` header that `signedHeaders` does not name.
 * @param exempt - headers tolerated unsigned (the header form's `x-amz-content-sha256`).
 * @throws ServiceError AccessDenied (403) with `HeadersNotSigned`: the unsigned names, comma-separated.
 * @example checkHeadersSigned({ method: 'GET', path: '/b/k', headers: { 'x-amz-meta-a': '1' } }, ['host']) // throws
 */
export function checkHeadersSigned(request: HttpRequestHead, signedHeaders: readonly string[], exempt: readonly string[] = []): void {
  let notSigned: string[] | undefined;
  for (const name in request.headers) {
    if (!name.startsWith('x-amz-') || request.headers[name] === undefined) continue;
    if (signedHeaders.includes(name) || exempt.includes(name)) continue;
    (notSigned ??= []).push(name);
  }
  if (notSigned !== undefined) {
    throw new ServiceError('AccessDenied', 'There were headers present in the request which were not signed', [['HeadersNotSigned', notSigned.join(', ')]]);
  }
}
