/**
 * @module
 * What S3 says about a signature that does not verify: its `SignatureDoesNotMatch` error carries
 * the string to sign and the canonical request it computed (as text and as hex bytes), so a
 * client's author can see where the two sides differ. Both are produced by `@smithy/signature-v4`
 * itself (its canonical-request and string-to-sign steps), never assembled here.
 */

import { getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest as SdkRequest } from '@smithy/types';
import type { ServiceErrorFields } from '../errors.ts';

/** The canonical request and string to sign of a request as signed. */
export interface SigningExplanation {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/** The SDK's signer, with its canonical-request and string-to-sign steps reachable for an error message. */
export class ExplainingSignatureV4 extends SignatureV4 {
  /**
   * The canonical request and string to sign of `signed` (a request as `sign` or `presign`
   * returned it), over exactly the headers the client signed.
   * @example const { stringToSign } = await signer.explain(presigned, { signedHeaders, payloadHash, amzDate, scope });
   */
  async explain(
    signed: SdkRequest,
    options: { readonly signedHeaders: readonly string[]; readonly payloadHash: string; readonly amzDate: string; readonly scope: string },
  ): Promise<SigningExplanation> {
    const signable = new Set(options.signedHeaders);
    const unsignable = new Set(Object.keys(signed.headers).filter((name) => !signable.has(name.toLowerCase())));
    const canonicalHeaders = getCanonicalHeaders(signed, unsignable, signable);
    const canonicalRequest = this.createCanonicalRequest(signed, canonicalHeaders, options.payloadHash);
    const stringToSign = await this.createStringToSign(options.amzDate, options.scope, canonicalRequest, 'AWS4-HMAC-SHA256');
    return { canonicalRequest, stringToSign };
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

/** `41 57 53 34`: S3's byte rendering (two hex digits per byte, space-separated). */
function hexBytes(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
