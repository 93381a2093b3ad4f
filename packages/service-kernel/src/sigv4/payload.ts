/**
 * @module
 * The body of an S3 request as its signature authenticates it, streamed: what a protocol edge
 * hands the engine after `createSigV4Authenticator({ payloadMode: 's3' })` has verified the
 * request head. An aws-chunked body is decoded (`decodeAwsChunked`, chunk signatures chained
 * from the seed); a body signed by its hex SHA-256 is hashed as it passes and refused at its end
 * if it differs (S3's `XAmzContentSHA256Mismatch`); `UNSIGNED-PAYLOAD` passes as it is.
 */

import { createHash, type Hash } from 'node:crypto';
import { ServiceError } from '../errors.ts';
import { type BodyObserver, ObservedBody } from '../http/observed-body.ts';
import type { PayloadAuthentication } from '../http/types.ts';
import { type AwsChunkedBody, type AwsChunkedForm, decodeAwsChunked, EMPTY_SHA256, isAwsChunked } from './streaming.ts';

/** A SHA-256 in hex; upper case is taken too (whether S3 takes it is UNCONFIRMED) and compared lowercased. */
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** The literal forms S3 names; with a hex SHA-256 the only values it accepts. */
const PAYLOAD_FORMS: ReadonlySet<string> = new Set([
  'UNSIGNED-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
]);

/** S3's text (quoted in versity/versitygw#1352). */
const INVALID_CONTENT_SHA256 =
  'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.';

/**
 * The request body as its signature authenticates it (see the module documentation).
 *
 * @param source - the raw body as it arrives (after HTTP's own chunked framing is removed).
 * @param headers - the request headers (lowercase names).
 * @param payload - what the authenticator verified (`RequestIdentity.payload`); absent for an
 *   unsigned request, whose `x-amz-content-sha256` is then still honoured if it names a form.
 * @throws ServiceError (at once) InvalidArgument (400) for an `x-amz-content-sha256` that is
 *   neither a hex SHA-256 nor one of S3's forms, and as `decodeAwsChunked` does for aws-chunked bodies;
 *   (while iterating) XAmzContentSHA256Mismatch (400) for a body whose SHA-256 differs from the
 *   signed one, and the aws-chunked errors.
 * @example
 * ```ts
 * const identity = await authenticate(request);
 * const body = authenticatedBody(incoming, request.headers, identity.payload);
 * await s3.putObject({ Bucket, Key, Body: body });
 * ```
 */
export function authenticatedBody(
  source: AsyncIterable<Uint8Array>,
  headers: Readonly<Record<string, string | undefined>>,
  payload?: PayloadAuthentication,
): AsyncIterable<Uint8Array> | AwsChunkedBody {
  const contentSha256 = payload?.contentSha256 ?? headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD';
  // Anything else would leave the body unchecked (a base64 MD5, a typo): S3 refuses it with 400
  // InvalidArgument naming the value, before the body is read.
  const hexSha256 = HEX_SHA256.test(contentSha256);
  if (!hexSha256 && !PAYLOAD_FORMS.has(contentSha256)) {
    throw new ServiceError('InvalidArgument', INVALID_CONTENT_SHA256, [
      ['ArgumentName', 'x-amz-content-sha256'],
      ['ArgumentValue', contentSha256],
    ]);
  }
  if (contentSha256.startsWith('STREAMING-') || isAwsChunked(headers)) {
    return decodeAwsChunked(source, {
      form: contentSha256 as AwsChunkedForm,
      decodedContentLength: headers['x-amz-decoded-content-length'],
      trailer: headers['x-amz-trailer'],
      chunkSigning: payload?.chunkSigning,
    });
  }
  if (hexSha256) return checkedSha256(source, contentSha256.toLowerCase());
  return source;
}

/**
 * The body observed by its SHA-256 check: hashed as it passes, failing before its end if the
 * SHA-256 is not `expected` (one observer of the body's single pass, `ObservedBody`).
 */
function checkedSha256(source: AsyncIterable<Uint8Array>, expected: string): ObservedBody {
  return ObservedBody.observe(source, new Sha256Check(expected));
}

/** The SHA-256 check of a body signed by its hex SHA-256. */
class Sha256Check implements BodyObserver {
  /** Made at the first chunk: a body with none (every GET) hashes to `EMPTY_SHA256`. */
  #hash: Hash | undefined;
  readonly #expected: string;

  constructor(expected: string) {
    this.#expected = expected;
  }

  update(chunk: Uint8Array): void {
    (this.#hash ??= createHash('sha256')).update(chunk);
  }

  /** @throws ServiceError XAmzContentSHA256Mismatch when the body's SHA-256 is not the signed one. */
  end(): void {
    const computed = this.#hash === undefined ? EMPTY_SHA256 : this.#hash.digest('hex');
    if (computed !== this.#expected) {
      // S3's error and elements (versitygw's AWS-checked suite, s3err/content-sha256-mismatch-error.go).
      throw new ServiceError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", [
        ['ClientComputedContentSHA256', this.#expected],
        ['S3ComputedContentSHA256', computed],
      ]);
    }
  }
}
