/**
 * @module
 * A header-signed request's signature recomputed by `@smithy/signature-v4` (the signer the AWS SDK
 * for JavaScript uses) over exactly the headers the client signed, and compared with the one it
 * sent in constant time: the JSON services' form (the payload hash is the body's SHA-256) and S3's
 * (the payload hash is the declared `x-amz-content-sha256`; the body may still be streaming).
 */

import { timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import type { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest as SdkRequest } from '@smithy/types';
import type { HttpRequest } from '../http/types.ts';
import type { ParsedAuthorization } from './authorization.ts';
import type { SignedQuery } from './query.ts';
import { parseIsoBasic } from './signing-time.ts';

/** Re-signs the request over exactly the signed headers, with `payloadHash` as the payload's hash. */
export async function headerSignature(
  signer: SignatureV4,
  request: HttpRequest,
  path: string,
  query: SignedQuery,
  auth: ParsedAuthorization,
  signingDate: Date,
  payloadHash: string,
): Promise<{ signature: string; signed?: SdkRequest }> {
  // Names are the client's: no prototype, so `__proto__` or `constructor` is an ordinary name.
  const headers = Object.create(null) as Record<string, string>;
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    // A signed header the request does not carry cannot verify (x-amz-date is set by the signer).
    if (value === undefined && name !== 'x-amz-date') return { signature: '' };
    if (value !== undefined) headers[name] = value;
  }
  // The signer takes the payload hash from this header when present (`getPayloadHash`).
  headers['x-amz-content-sha256'] = payloadHash;
  const unsignable = new Set<string>();
  if (!auth.signedHeaders.includes('x-amz-date')) unsignable.add('x-amz-date');
  if (!auth.signedHeaders.includes('x-amz-content-sha256')) unsignable.add('x-amz-content-sha256');
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: headers['host'] ?? '', path, query, headers, body: undefined },
    { signingDate, signableHeaders: new Set(auth.signedHeaders), unsignableHeaders: unsignable },
  );
  return { signature: signatureCovering(signed, auth.signedHeaders), signed };
}

/**
 * Re-signs the request with `@smithy/signature-v4` over exactly the signed headers and returns the
 * signature. The payload hash is always the SHA-256 of the body received: a client
 * `x-amz-content-sha256` header that disagrees with the body (or says `UNSIGNED-PAYLOAD`) fails as
 * a signature mismatch, since the signer would otherwise trust the header instead of the body.
 */
export async function computeSignature(
  request: HttpRequest,
  path: string,
  query: SignedQuery,
  auth: ParsedAuthorization,
  signer: SignatureV4,
): Promise<string> {
  // Names are the client's: no prototype, so `__proto__` or `constructor` is an ordinary name.
  const headers = Object.create(null) as Record<string, string>;
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    // A signed header the request does not carry cannot verify (x-amz-date is set by the signer).
    if (value === undefined && name !== 'x-amz-date') return '';
    if (value !== undefined) headers[name] = value;
  }
  const contentHash = request.headers['x-amz-content-sha256'];
  if (contentHash !== undefined && auth.signedHeaders.includes('x-amz-content-sha256') && contentHash !== (await sha256Hex(request.body))) return '';
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: headers['host'] ?? '', path, query, headers, body: request.body },
    {
      signingDate: new Date(parseIsoBasic(auth.amzDate) ?? Number.NaN),
      signableHeaders: new Set(auth.signedHeaders),
      // The signer always sets X-Amz-Date; it counts only if the client signed it.
      ...(auth.signedHeaders.includes('x-amz-date') ? {} : { unsignableHeaders: new Set(['x-amz-date']) }),
    },
  );
  return signatureCovering(signed, auth.signedHeaders);
}

/**
 * The signature of `signed` (the signer's output), or `''` when the headers it covers are not the
 * client's list. `sign` drops `date` and `authorization` whatever `signableHeaders` says, and
 * signs its own list: without this check, a request signed without them still verifies after its
 * `SignedHeaders` is widened to name them, with a `Date` header nobody signed (the presigned form
 * has the same check, `presigned.ts`). An honest client that really signed them never verified
 * here, since the signer's canonical request lacks them.
 */
function signatureCovering(signed: SdkRequest, signedHeaders: readonly string[]): string {
  const authorization = String(signed.headers['authorization'] ?? '');
  const list = /SignedHeaders=([^,]*)/.exec(authorization)?.[1];
  if (list !== signedHeaders.join(';')) return '';
  return authorization.slice(authorization.lastIndexOf('Signature=') + 'Signature='.length);
}

/** The hex SHA-256 of `body`. */
async function sha256Hex(body: Uint8Array): Promise<string> {
  const hash = new Hash('sha256');
  hash.update(body);
  return Buffer.from(await hash.digest()).toString('hex');
}

/**
 * Compares two signatures in time independent of where they differ (and of the length of `b`).
 * @example constantTimeEqual(expected, parsed.signature)
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // timingSafeEqual needs equal lengths; comparing with itself keeps the time independent of b.
  return left.length === right.length ? timingSafeEqual(left, right) : (timingSafeEqual(left, left), false);
}
