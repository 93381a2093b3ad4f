/**
 * @module
 * How a request on the wire was signed, as S3's policy keys `s3:authType`, `s3:signatureversion`,
 * `s3:signatureAge` and `s3:x-amz-content-sha256` report it (S3 API reference, "Amazon S3
 * Signature Version 4 Authentication Specific Policy Keys"): an `Authorization` header is
 * `REST-HEADER`, a presigned URL `REST-QUERY-STRING`. The age and the payload hash are what the
 * authenticator verified (`RequestIdentity.signedAt` and `.payload`), never the request read
 * again: a presigned URL naming `X-Amz-Date` twice must not say one age to the signature check and
 * another to a policy. An unsigned request (non-strict mode) has none of these keys.
 */

import { type HttpRequestHead, type RequestIdentity, signatureFormOf } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import type { SignatureFacts } from '../policy/request-context.ts';
import { isSigV2Authorization } from '../protocol/auth-scheme.ts';
import { sigV2PresignedPath } from '../protocol/query-names.ts';

/**
 * The signature facts of a request head and what its authenticator verified, or `undefined` for an
 * unsigned request. Without an authenticator nothing was verified: no age, and the payload hash
 * as declared.
 * @throws S3Error MultipleAuthMechanisms when the request carries an `Authorization` header and a presigned URL's `X-Amz-Algorithm`.
 * @example signatureFactsOf({ method: 'GET', path: '/b/k', headers: { authorization: 'AWS4-HMAC-SHA256 …', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { caller, signedAt: 1796533200000, payload: { contentSha256: 'UNSIGNED-PAYLOAD' } })
 * // { authType: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256', signedAt: 1796533200000, contentSha256: 'UNSIGNED-PAYLOAD' }
 */
export function signatureFactsOf(head: HttpRequestHead, identity: RequestIdentity | undefined): SignatureFacts | undefined {
  // The usual request (an SDK call: an Authorization header, no presigning parameter in the
  // query) is told apart without parsing the query; anything else goes through the kernel's test.
  const authorization = head.headers['authorization'];
  const form = authorization !== undefined && plainQuery(head.path) ? 'header' : signatureFormOf(head);
  // The REST edge refuses such a request before it is served (`protocol/auth-mechanisms.ts`); a
  // form upload reaches here without that check.
  if (form === 'both') throw new S3Error('MultipleAuthMechanisms', { fields: [['ArgumentValue', authorization ?? '']] });
  if (form === 'none') return sigV2PresignedPath(head.path) ? SIGV2_QUERY_FACTS : undefined;
  if (form === 'header' && isSigV2Authorization(authorization)) return SIGV2_HEADER_FACTS;
  const presigned = form === 'query';
  const contentSha256 = identity?.payload?.contentSha256 ?? (presigned ? undefined : head.headers['x-amz-content-sha256']);
  const signedAt = identity?.signedAt;
  // SigV2 was told apart above (the kernel verifies SigV4 only), so a signed request here is SigV4.
  // Built member by member: spreading optional members costs a temporary object each.
  const facts: { -readonly [K in keyof SignatureFacts]: SignatureFacts[K] } = {
    authType: presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
    signatureVersion: 'AWS4-HMAC-SHA256',
  };
  if (signedAt !== undefined) facts.signedAt = signedAt;
  if (contentSha256 !== undefined) facts.contentSha256 = contentSha256;
  return facts;
}

/*
 * Signature Version 2 (S3 API reference, "Appendix: Authenticating requests (AWS signature version
 * 2)"): `Authorization: AWS <key>:<signature>`, or a presigned URL carrying `AWSAccessKeyId`,
 * `Signature` and `Expires`, which botocore's `generate_presigned_url` and the AWS CLI v1's
 * `aws s3 presign` still make by default (boto/botocore#3791). The kernel does not verify SigV2:
 * without strict authentication the request acts as an unsigned one, and its form is still
 * reported, so that `s3:signatureversion` reads `AWS` and SSE-KMS refuses it as S3 does.
 */
const SIGV2_QUERY_FACTS: SignatureFacts = Object.freeze({ authType: 'REST-QUERY-STRING', signatureVersion: 'AWS' });
const SIGV2_HEADER_FACTS: SignatureFacts = Object.freeze({ authType: 'REST-HEADER', signatureVersion: 'AWS' });
/** Whether a path's query can name no presigning parameter (none spelled out, none percent-encoded). */
function plainQuery(path: string): boolean {
  const question = path.indexOf('?');
  if (question < 0) return true;
  const query = path.slice(question + 1);
  return !query.includes('X-Amz-Algorithm') && !query.includes('%');
}
