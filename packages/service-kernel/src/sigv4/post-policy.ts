/**
 * @module
 * SigV4 authentication of a browser-based upload (S3 POST Object): the form carries the base64
 * POST policy and `x-amz-algorithm`, `x-amz-credential`, `x-amz-date` and `x-amz-signature`, and the
 * signature is the hex HMAC-SHA256 of the policy text as sent (not the decoded JSON) under the SigV4
 * signing key of the credential's date, Region and service (S3 API reference, "Authenticating
 * Requests in Browser-Based Uploads Using POST (AWS Signature Version 4)", "Calculating a
 * Signature"). The HMAC chain is `@smithy/signature-v4`'s own: its `sign(stringToSign, …)` is
 * exactly that HMAC, with the signing key it derives and caches (`signer-cache.ts`).
 *
 * Texts: S3's as captured where a capture exists (SignatureDoesNotMatch's elements, the unknown key,
 * an empty access key, a malformed `x-amz-date`, listed in the comments); the others are marked
 * UNCONFIRMED.
 */

import { ServiceError, type ServiceErrorFields } from '../errors.ts';
import type { RequestIdentity } from '../http/types.ts';
import { rootPrincipal } from '../principal.ts';
import type { UserDirectory } from '../users.ts';
import { isRegionName, type Scope } from './credential-scope.ts';
import { S3_SIGNATURE_MISMATCH } from './presigned.ts';
import { constantTimeEqual } from './signature.ts';
import { SignerCache } from './signer-cache.ts';
import { parseIsoBasic } from './signing-time.ts';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const YYYYMMDD = /^\d{8}$/;

/** The signing fields of a POST form (names already matched case-insensitively). */
export interface PostPolicySignature {
  /** `policy`: the base64 policy document, as sent (the string signed). */
  readonly policy: string;
  /** `x-amz-algorithm`. */
  readonly algorithm: string;
  /** `x-amz-credential`: `<key>/<yyyymmdd>/<region>/<service>/aws4_request`. */
  readonly credential: string;
  /** `x-amz-date`: ISO 8601 basic, `20260101T000000Z`. */
  readonly date: string;
  /** `x-amz-signature`: lowercase hex. */
  readonly signature: string;
}

/** Settings of the POST policy verifier (those of `createSigV4Authenticator`). */
export interface PostPolicyVerifierOptions {
  readonly users: UserDirectory;
  /** `true`: unknown access keys are refused (403 InvalidAccessKeyId); `false`: they act as the account root, unverified. */
  readonly strict: boolean;
  readonly account: string;
  /** The signing name the credential scope must carry (`s3`). */
  readonly service: string;
}

/** Verifies the signature of a POST form; resolves to who signed it. */
export type PostPolicyVerifier = (form: PostPolicySignature) => Promise<RequestIdentity>;

/**
 * Builds the verifier of POST policy signatures.
 *
 * @throws ServiceError (from the returned function) InvalidArgument (400) for a wrong algorithm, a
 *   malformed credential or `x-amz-date`; InvalidAccessKeyId (403, strict mode); SignatureDoesNotMatch
 *   (403, with `AWSAccessKeyId`, `StringToSign` (the policy), `SignatureProvided`, `StringToSignBytes`).
 * @example
 * ```ts
 * const verify = createPostPolicyVerifier({ users, strict: true, account: '000000000000', service: 's3' });
 * const { caller } = await verify({ policy, algorithm: 'AWS4-HMAC-SHA256', credential, date, signature });
 * ```
 */
export function createPostPolicyVerifier(options: PostPolicyVerifierOptions): PostPolicyVerifier {
  const signers = new SignerCache();
  // No clock: a POST form is bounded by its policy's expiration, which the service checks (S3
  // is not known to check x-amz-date's skew on a POST).
  return async (form) => {
    // UNCONFIRMED text (no capture): the presigned URL's wording for another algorithm.
    if (form.algorithm !== ALGORITHM) throw argument('X-Amz-Algorithm', form.algorithm, 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    const signedAt = parseIsoBasic(form.date);
    // Captured from S3 (michaeldyrynda/s3upload#1, 2017), its misspelling included.
    if (signedAt === undefined) throw argument('X-Amz-Date', form.date, 'X-Amz-Date must be formated via ISO8601 Long format');
    const scope = parseCredential(form.credential, form.date, options.service);
    const user = options.users.lookup(scope.accessKeyId);
    if (user === undefined) {
      if (options.strict) {
        // Captured (aws/aws-sdk-js#3878, aws/aws-sdk-net#1989): the presigned URL's answer.
        throw new ServiceError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', [
          ['AWSAccessKeyId', scope.accessKeyId],
        ]);
      }
      // Non-strict: an unknown key cannot be verified; it stands for the default account's root.
      return { caller: { ...rootPrincipal(scope.region, options.account), accessKeyId: scope.accessKeyId }, region: scope.region, signedAt };
    }
    const signer = signers.get(scope, user.secretAccessKey, false);
    const expected = await signer.sign(form.policy, { signingDate: new Date(signedAt), signingRegion: scope.region, signingService: scope.service });
    if (!constantTimeEqual(expected, form.signature)) {
      // The elements S3 adds for a POST, in its order (Fausto95/aws-s3#65, 2019; LocalStack's
      // test_post_request_malformed_policy, recorded against S3 2026-02-21): no canonical request.
      const fields: ServiceErrorFields = [
        ['AWSAccessKeyId', scope.accessKeyId],
        ['StringToSign', form.policy],
        ['SignatureProvided', form.signature],
        ['StringToSignBytes', hexBytes(form.policy)],
      ];
      throw new ServiceError('SignatureDoesNotMatch', S3_SIGNATURE_MISMATCH, fields);
    }
    return { caller: user.principal, region: scope.region, signedAt };
  };
}

/** The credential scope of a POST form, checked as a presigned URL's (S3 answers InvalidArgument naming X-Amz-Credential). */
function parseCredential(credential: string, date: string, service: string): Scope {
  const parts = credential.split('/');
  // Captured (outline/outline#7060, 2024).
  if (parts[0] === '') throw argument('X-Amz-Credential', credential, 'a non-empty Access Key (AKID) must be provided in the credential.');
  // UNCONFIRMED texts below (no capture of a POST): the presigned URL's, without its prefix.
  if (parts.length !== 5 || parts.some((part) => part === '')) {
    throw argument('X-Amz-Credential', credential, 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const [accessKeyId, day, region, scopeService, terminator] = parts as [string, string, string, string, string];
  if (!YYYYMMDD.test(day) || day !== date.slice(0, 8)) {
    throw argument('X-Amz-Credential', credential, `incorrect date format "${day}". This date in the credential must be in the format "yyyyMMdd".`);
  }
  // Any well-formed Region is served (the emulator has them all); a malformed one cannot be.
  if (!isRegionName(region)) throw argument('X-Amz-Credential', credential, `the region '${region}' is wrong; expecting a Region name`);
  if (scopeService !== service) throw argument('X-Amz-Credential', credential, `incorrect service "${scopeService}". This endpoint belongs to "${service}".`);
  if (terminator !== TERMINATOR) throw argument('X-Amz-Credential', credential, `incorrect terminal "${terminator}". This endpoint uses "${TERMINATOR}".`);
  return { accessKeyId, region, service: scopeService };
}

function argument(name: string, value: string, message: string): ServiceError {
  return new ServiceError('InvalidArgument', message, [
    ['ArgumentName', name],
    ['ArgumentValue', value],
  ]);
}

/** `41 57 53 34`: S3's byte rendering (two lowercase hex digits per byte, space-separated). */
function hexBytes(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
