/**
 * @module
 * A request carrying more than one of S3's three ways to present a credential: an `Authorization`
 * header, a SigV4 presigned URL (`X-Amz-Algorithm` in the query) and a SigV2 one (`Signature` in
 * the query). S3 refuses it ahead of every other credential check, whatever each says, an empty
 * header included: 400 InvalidArgument "Only one auth mechanism allowed; …" with `ArgumentName`
 * `Authorization` and, when a header was sent, its value as `ArgumentValue`; the two query forms
 * together get the same error without `ArgumentValue` (brekkylab/backlot `backlot/auth.py`,
 * `resolve_sigv4`, measured against S3 us-east-1 2026-09-29: "A header beside `X-Amz-Algorithm` or
 * `Signature` in the query is refused first, whatever either says, an empty one included, and the
 * two query forms beside each other"). `Signature` alone counts here, as S3 reads it for this
 * check; SigV2's presigned form proper needs `AWSAccessKeyId` too (`query-names.ts`).
 *
 * The names are read from the query decoded once (`address.ts`, the kernel's `queryPairs`, as the
 * authenticator decodes it), so `X-Amz-%41lgorithm` counts as `X-Amz-Algorithm` for this check and
 * for the signature check alike. Checked whether or not an authenticator is configured, as the
 * SigV2 header's refusal is: it is what S3 answers the request's shape.
 */

import { S3Error } from '../errors.ts';

/** SigV4's presigning parameter (the kernel's test of a presigned URL). */
const SIGV4_PRESIGNED = 'X-Amz-Algorithm';
/** SigV2's signature parameter. */
const SIGV2_SIGNATURE = 'Signature';

/**
 * S3's refusal of a request presenting its credential more than one way, or `undefined`.
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { authMechanismsRefusal } from './src/protocol/auth-mechanisms.ts';
 * authMechanismsRefusal('AWS4-HMAC-SHA256 Credential=…', new Map([['X-Amz-Algorithm', 'AWS4-HMAC-SHA256']]))?.fields;
 * // [['ArgumentName', 'Authorization'], ['ArgumentValue', 'AWS4-HMAC-SHA256 Credential=…']]
 * ```
 */
export function authMechanismsRefusal(authorization: string | undefined, query: ReadonlyMap<string, string>): S3Error | undefined {
  // Most requests: no query at all, or a header with an ordinary query (two lookups).
  if (query.size === 0) return undefined;
  const presigned = query.has(SIGV4_PRESIGNED);
  const sigV2 = query.has(SIGV2_SIGNATURE);
  if (authorization !== undefined) {
    return presigned || sigV2 ? new S3Error('MultipleAuthMechanisms', { fields: [['ArgumentValue', authorization]] }) : undefined;
  }
  return presigned && sigV2 ? new S3Error('MultipleAuthMechanisms') : undefined;
}
