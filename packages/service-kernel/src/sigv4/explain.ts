/**
 * @module
 * What S3 says about a signature that does not verify: its `SignatureDoesNotMatch` error carries
 * the string to sign and the canonical request it computed (as text and as hex bytes), so a
 * client's author can see where the two sides differ. Both are produced by `@smithy/signature-v4`
 * itself (its canonical-request and string-to-sign steps), never assembled here. The SSE-C keys
 * a request signs are the one thing left out: their values are replaced by `REDACTED` in the
 * canonical request shown (secrets never reach messages; the SDK copies these fields onto the
 * error it throws, which loggers print whole). Whether S3 redacts them is UNCONFIRMED (no capture).
 */

import { getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest as SdkRequest } from '@smithy/types';
import type { ServiceErrorFields } from '../errors.ts';

/** The canonical request and string to sign of a request as signed. */
export interface SigningExplanation {
  /** The canonical request, SSE-C key values replaced by `REDACTED`. */
  readonly canonicalRequest: string;
  /** The string to sign as computed (its hash line is the hash of the canonical request unredacted). */
  readonly stringToSign: string;
}

/**
 * Headers (and, in a presigned URL, query parameters) whose value is a secret: an SSE-C key is
 * all it takes to read its objects. Not `x-amz-security-token`: a session token signs nothing
 * without its secret access key, and S3 shows it like any signed header. `…-key-md5` is not
 * secret either (S3 returns it in every SSE-C response).
 */
const SECRET_NAMES: ReadonlySet<string> = new Set(['x-amz-server-side-encryption-customer-key', 'x-amz-copy-source-server-side-encryption-customer-key']);

/** What a secret's value is shown as. */
const REDACTED = 'REDACTED';

/** The SDK's signer, with its canonical-request and string-to-sign steps reachable for an error message. */
export class ExplainingSignatureV4 extends SignatureV4 {
  /**
   * The canonical request and string to sign of `signed` (a request as `sign` or `presign`
   * returned it), over exactly the headers the client signed; the string to sign starts with
   * `algorithm` (default `AWS4-HMAC-SHA256`, the one `sign` writes).
   * @example const { stringToSign } = await signer.explain(presigned, { signedHeaders, payloadHash, amzDate, scope });
   */
  async explain(
    signed: SdkRequest,
    options: {
      readonly signedHeaders: readonly string[];
      readonly payloadHash: string;
      readonly amzDate: string;
      readonly scope: string;
      readonly algorithm?: string;
    },
  ): Promise<SigningExplanation> {
    const signable = new Set(options.signedHeaders);
    const unsignable = new Set(Object.keys(signed.headers).filter((name) => !signable.has(name.toLowerCase())));
    const canonicalHeaders = getCanonicalHeaders(signed, unsignable, signable);
    const canonicalRequest = this.createCanonicalRequest(signed, canonicalHeaders, options.payloadHash);
    const stringToSign = await this.createStringToSign(options.amzDate, options.scope, canonicalRequest, options.algorithm ?? 'AWS4-HMAC-SHA256');
    return { canonicalRequest: redactSecrets(canonicalRequest), stringToSign };
  }
}

/**
 * The extra elements of S3's `SignatureDoesNotMatch`, in its order (s3-sse.md §2.4).
 * @example mismatchFields('AKIA…', 'abc…', explanation)[0] // ['AWSAccessKeyId', 'AKIA…']
 */
export function mismatchFields(accessKeyId: string, signatureProvided: string, explanation: SigningExplanation): ServiceErrorFields {
  return [
    ['AWSAccessKeyId', accessKeyId],
    ['StringToSign', explanation.stringToSign],
    ['SignatureProvided', signatureProvided],
    ['StringToSignBytes', hexBytes(explanation.stringToSign)],
    ['CanonicalRequest', explanation.canonicalRequest],
    ['CanonicalRequestBytes', hexBytes(explanation.canonicalRequest)],
  ];
}

/**
 * The canonical request with SSE-C key values replaced: in the query line (a presigned URL may
 * carry the key as a parameter) and in the canonical header lines (`name:value`, up to the blank
 * line that ends them).
 */
function redactSecrets(canonicalRequest: string): string {
  const lines = canonicalRequest.split('\n');
  const query = lines[2];
  if (query !== undefined && query !== '') {
    lines[2] = query
      .split('&')
      .map((pair) => {
        const equals = pair.indexOf('=');
        const name = equals < 0 ? pair : pair.slice(0, equals);
        return SECRET_NAMES.has(decodeName(name).toLowerCase()) ? `${name}=${REDACTED}` : pair;
      })
      .join('&');
  }
  for (let index = 3; index < lines.length && lines[index] !== ''; index++) {
    const line = lines[index] as string;
    const colon = line.indexOf(':');
    if (colon > 0 && SECRET_NAMES.has(line.slice(0, colon))) lines[index] = `${line.slice(0, colon)}:${REDACTED}`;
  }
  return lines.join('\n');
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** `41 57 53 34`: S3's byte rendering (two hex digits per byte, space-separated). */
function hexBytes(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
