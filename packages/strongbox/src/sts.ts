/**
 * @module
 * STS `GetCallerIdentity` on the endpoint's port, because tools call it to check credentials
 * before anything else (`aws sts get-caller-identity`, Terraform's AWS provider, boto3 session
 * checks). AWS Query protocol (`Action=GetCallerIdentity&Version=2011-06-15`, form-encoded in a
 * POST body or in the query string), SigV4 with service `sts`, answered in STS's XML:
 *
 * ```xml
 * <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
 *   <GetCallerIdentityResult><Arn>…</Arn><UserId>…</UserId><Account>…</Account></GetCallerIdentityResult>
 *   <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata>
 * </GetCallerIdentityResponse>
 * ```
 *
 * Requests are told apart from S3's (which also carry no `X-Amz-Target`) by the service of their
 * SigV4 credential scope, `…/sts/aws4_request`: AWS tells them apart by host name, which a local
 * endpoint cannot. An unsigned STS request therefore reaches S3 (AWS STS would answer
 * `MissingAuthenticationToken`; no SDK sends one). Only `GetCallerIdentity` is served: any other
 * `Action` answers `InvalidAction`, as STS does for an operation it does not know.
 */

import { createHash, randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, Principal, RequestIdentity } from '@strongbox/service-kernel';
import { ServiceError } from '@strongbox/service-kernel';
import type { RequestHeadLike } from './router.ts';

/** The STS API version every Query request names. */
export const STS_VERSION = '2011-06-15';
const NAMESPACE = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;

const HEADER_SCOPE = /Credential=[^,\s]*\/sts\/aws4_request/;
const QUERY_SCOPE = /[?&]X-Amz-Credential=[^&]*(%2F|\/)sts(%2F|\/)aws4_request/i;

/**
 * Whether a request is signed for STS (credential scope service `sts`, in the header or presigned).
 * @example isStsRequest({ path: '/', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, …' } }) // true
 */
export function isStsRequest(head: RequestHeadLike): boolean {
  const authorization = head.headers['authorization'];
  // The substring first: every S3 and KMS request passes here, and almost none is STS's.
  if (typeof authorization === 'string') return authorization.includes('/sts/aws4_request') && HEADER_SCOPE.test(authorization);
  return QUERY_SCOPE.test(head.path ?? head.url ?? '');
}

/** Kernel authentication codes as STS names them (AWS STS "Common Errors"). */
const STS_ERRORS: ReadonlyMap<string, { readonly code: string; readonly status: number }> = new Map([
  ['IncompleteSignatureException', { code: 'IncompleteSignature', status: 400 }],
  ['InvalidSignatureException', { code: 'SignatureDoesNotMatch', status: 403 }],
  ['MissingAuthenticationTokenException', { code: 'MissingAuthenticationToken', status: 403 }],
  ['UnrecognizedClientException', { code: 'InvalidClientTokenId', status: 403 }],
]);

/**
 * The STS handler: authenticates with `authenticate` (SigV4, service `sts`) and answers
 * `GetCallerIdentity` with the signer's account, ARN and user id.
 * @example const handler = createStsHandler(createSigV4Authenticator({ ...auth, service: 'sts' }));
 */
export function createStsHandler(authenticate: (request: HttpRequest) => Promise<RequestIdentity>): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    const requestId = randomUUID();
    const params = queryParameters(request);
    let identity: RequestIdentity;
    try {
      identity = await authenticate(request);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      // UNCONFIRMED: a request signed too long ago is assumed to be SignatureDoesNotMatch with the
      // kernel's "Signature expired" text, as STS's common-errors page lists no other code for it.
      const mapped = STS_ERRORS.get(error.code) ?? { code: error.code, status: 400 };
      return errorResponse(mapped.status, 'Sender', mapped.code, error.message, requestId);
    }
    const action = params.get('Action');
    if (action !== 'GetCallerIdentity') {
      const named = action === undefined ? 'null' : action;
      return errorResponse(
        400,
        'Sender',
        'InvalidAction',
        `Could not find operation ${named} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`,
        requestId,
      );
    }
    const caller = identity.caller;
    const body =
      `<GetCallerIdentityResponse xmlns="${NAMESPACE}">\n  <GetCallerIdentityResult>\n` +
      `    <Arn>${escapeXml(caller.arn)}</Arn>\n    <UserId>${escapeXml(userIdOf(caller))}</UserId>\n    <Account>${caller.account}</Account>\n` +
      `  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n`;
    return { status: 200, headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId }, body };
  };
}

/**
 * The caller's `UserId` as STS reports it: the account id for a root; `AIDA…` for an IAM user and
 * `AROA…:<session>` for an assumed role. AWS draws those ids from IAM, which is not emulated, so
 * Strongbox derives them from the ARN (stable across restarts, same shape: prefix and 17 characters
 * of base 32).
 * @example userIdOf({ arn: 'arn:aws:iam::000000000000:root', account: '000000000000', type: 'Root' }) // '000000000000'
 */
export function userIdOf(principal: Principal): string {
  if (principal.type === 'Root') return principal.account;
  if (principal.type === 'AssumedRole') {
    const [, role = '', session = ''] = principal.arn.split(':').slice(5).join(':').split('/');
    return `AROA${uniqueSuffix(`role/${role}`, principal.account)}:${session}`;
  }
  return `AIDA${uniqueSuffix(principal.arn, principal.account)}`;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function uniqueSuffix(name: string, account: string): string {
  const digest = createHash('sha256').update(`${account}\n${name}`).digest();
  let text = '';
  for (let index = 0; index < 17; index += 1) text += BASE32[(digest[index] ?? 0) % 32];
  return text;
}

/** Query parameters from the query string and a form-encoded body (the Query protocol's two forms). */
function queryParameters(request: HttpRequest): Map<string, string> {
  const params = new Map<string, string>();
  const query = request.path.indexOf('?');
  if (query >= 0) for (const [name, value] of new URLSearchParams(request.path.slice(query + 1))) params.set(name, value);
  const type = request.headers['content-type'] ?? '';
  if (request.method === 'POST' && type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(new TextDecoder().decode(request.body))) params.set(name, value);
  }
  return params;
}

function errorResponse(status: number, type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): HttpResponse {
  const body =
    `<ErrorResponse xmlns="${NAMESPACE}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${escapeXml(code)}</Code>\n` +
    `    <Message>${escapeXml(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
  return { status, headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId }, body };
}

/**
 * `text` as XML character data or an attribute value.
 * @example escapeXml('a<b') // 'a&#60;b'
 */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
