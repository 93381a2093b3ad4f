/**
 * @module
 * Requests signed for a service this endpoint does not serve. S3 claims every request without
 * `X-Amz-Target` (router.ts), so `aws sqs list-queues --endpoint-url http://127.0.0.1:4566` used to
 * reach S3 and get its XML 400 ("Missing required header … x-amz-content-sha256"), which the CLI
 * cannot read as an SQS error and prints as `An error occurred (Unknown)`. The one thing such a
 * request does say about itself is its SigV4 credential scope (`Credential=AKID/date/region/sqs/aws4_request`,
 * or the `X-Amz-Credential` query parameter of a presigned URL): a scope naming a service no route
 * serves gets an answer that names it, in a shape its client parses.
 *
 * AWS has no such answer to copy (its services are told apart by host name): a request signed for
 * the wrong service gets that service's signature error there (S3: `AuthorizationHeaderMalformed`,
 * "incorrect service"; JSON services: `InvalidSignatureException`, "Credential should be scoped to
 * correct service"), which would send a user looking at their keys. So the code is this module's
 * own, `UnknownService`, status 400 (a client error, so SDKs do not retry it).
 */

import { randomUUID } from 'node:crypto';
import type { HttpResponse } from '@strongbox/service-kernel';
import { cborTextMap } from './cbor-text-map.ts';
import { escapeXml } from './sts.ts';

/** The code of the answer. */
export const UNKNOWN_SERVICE = 'UnknownService';

/** What a request offers the check: its head (node:http's `url` or the kernel's `path`). */
export interface SignedHeadLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly path?: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** The SigV4 services (credential scope names) the endpoint's routes serve, built once per router. */
export interface SignedServices {
  /** Every served scope name, e.g. `kms`, `cloudtrail`, `sts`, `s3`. */
  readonly names: ReadonlySet<string>;
  /** `/<name>/aws4_request` of the service that gets unsigned requests (S3): the common case, settled by one substring test. */
  readonly untargetedScope: string;
  /** The same, percent-encoded as SDKs presign it (`%2Fs3%2Faws4_request`). */
  readonly untargetedQueryScope: string;
  /** The served services for the message, e.g. `KMS, CloudTrail LookupEvents, STS GetCallerIdentity, S3`. */
  readonly description: string;
}

/**
 * The served services of a list of routes: those that name a signing name (the health and admin
 * routes name none: they are not AWS services).
 * @example signedServices([{ service: 'KMS', signingName: 'kms' }], { service: 'S3', signingName: 's3' })
 */
export function signedServices(
  routes: readonly { readonly service: string; readonly signingName?: string | undefined }[],
  untargeted: { readonly service: string; readonly signingName: string },
): SignedServices {
  const signed = routes.filter((route) => route.signingName !== undefined);
  if (!signed.includes(untargeted)) signed.push(untargeted);
  return {
    names: new Set(signed.map((route) => route.signingName as string)),
    untargetedScope: `/${untargeted.signingName}/aws4_request`,
    untargetedQueryScope: encodeURIComponent(`/${untargeted.signingName}/aws4_request`),
    description: signed.map((route) => route.service).join(', '),
  };
}

/**
 * The credential scope service of a request without `X-Amz-Target` when no route serves it, else
 * `undefined` (unsigned requests, requests signed for a served service, scopes it cannot read).
 * Runs on every S3 request: a request signed for S3 costs one substring test, an unsigned one a
 * substring test of its path (two for an S3 presigned URL); only other scopes are taken apart.
 * @example unservedService({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, …' } }, served) // 'sqs'
 */
export function unservedService(head: SignedHeadLike, served: SignedServices): string | undefined {
  const authorization = head.headers['authorization'];
  let scope: string | undefined;
  if (typeof authorization === 'string') {
    if (authorization.includes(served.untargetedScope)) return undefined;
    scope = headerScope(authorization);
  } else {
    const path = head.path ?? head.url ?? '';
    if (!path.includes('X-Amz-Credential=') || path.includes(served.untargetedQueryScope)) return undefined;
    scope = new URLSearchParams(path.slice(path.indexOf('?') + 1)).get('X-Amz-Credential') ?? undefined;
  }
  const service = scope === undefined ? undefined : serviceOfScope(scope);
  return service === undefined || served.names.has(service) ? undefined : service;
}

/**
 * The wire protocols an unserved request can be in, named as botocore names them (the
 * `protocol` of each service's model): AWS JSON 1.0/1.1, Query (and EC2's variant of it),
 * Smithy RPC v2 CBOR, REST-XML and REST-JSON.
 */
export type UnservedProtocol = 'json' | 'query' | 'smithy-rpc-v2-cbor' | 'rest-xml' | 'rest-json';

/**
 * The SigV4 services AWS's REST-XML APIs sign for. botocore's models (1.43.11, every version of
 * each) give `"protocol": "rest-xml"` to exactly CloudFront, Route 53, S3 and S3 Control; S3 and S3
 * Control sign as `s3`, and, by their endpoint rule sets (`"signingName"`), as `s3express`
 * (directory buckets, CreateSession), `s3-outposts` and `s3-object-lambda` too. Their requests
 * without a body (`aws route53 list-hosted-zones`: a bare GET) look like REST-JSON ones (`aws
 * lambda list-functions`), and REST-JSON operations whose payload is the caller's bytes send the
 * caller's content type, XML included (SageMaker InvokeEndpoint, CloudSearch UploadDocuments), so
 * the signing name alone tells REST-XML apart.
 */
const REST_XML_SERVICES: ReadonlySet<string> = new Set(['s3', 's3express', 's3-outposts', 's3-object-lambda', 'cloudfront', 'route53']);

/**
 * The protocol a request signed for `service` is in, from what its client put in it. The routers
 * ask only about requests without `X-Amz-Target`, so AWS JSON is told by its content type
 * (`application/x-amz-json-1.0`/`1.1`); a form-encoded POST, or an `Action` query parameter (a
 * Query request sent as a GET, or presigned), is Query; a `smithy-protocol: rpc-v2-cbor` header is
 * Smithy RPC v2 CBOR (its clients send no target); a REST-XML service's scope is REST-XML; anything
 * else REST-JSON, the protocol of most REST services.
 * @example unservedProtocol('route53', { method: 'GET', path: '/2013-04-01/hostedzone', headers: {} }) // 'rest-xml'
 */
export function unservedProtocol(service: string, head: SignedHeadLike): UnservedProtocol {
  const type = head.headers['content-type'];
  const contentType = typeof type === 'string' ? type.toLowerCase() : '';
  if (contentType.startsWith('application/x-amz-json-')) return 'json';
  if ((head.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) || hasActionParameter(head)) return 'query';
  if (head.headers['smithy-protocol'] === 'rpc-v2-cbor') return 'smithy-rpc-v2-cbor';
  if (REST_XML_SERVICES.has(service)) return 'rest-xml';
  return 'rest-json';
}

/**
 * The answer to a request signed for `service`, which no route serves, in its protocol's error
 * shape (`unservedProtocol`), so that its client reports the code and message:
 * - Query and REST-XML: `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>`,
 *   the Query error of SQS, SNS and IAM, and the error Route 53 and CloudFront (REST-XML) answer
 *   too (Route 53 API Reference, "REST Responses": "Error Responses"; CloudFront's as moto's
 *   cloudfront/exceptions.py and captures of it show). botocore's `RestXMLParser` reads it as well
 *   as S3's bare `<Error>`; the SDK for JavaScript's REST-XML and Query deserializers read
 *   `Error.Code` under any root element (@aws-sdk/core `loadRestXmlErrorCode`, `loadQueryErrorCode`).
 * - AWS JSON and REST-JSON: `{"__type":…,"message":…}` with `X-Amzn-Errortype`: JSON clients read
 *   `__type`, REST-JSON clients the header first (botocore `RestJSONParser`, @smithy/core
 *   `loadRestJsonErrorCode`).
 * - Smithy RPC v2 CBOR: the same map in CBOR, `Content-Type: application/cbor` and
 *   `smithy-protocol: rpc-v2-cbor` (Smithy, "Smithy RPC v2 CBOR protocol": every response carries
 *   that header, an error's shape name is the body's `__type`; @smithy/core
 *   `loadSmithyRpcV2CborErrorCode` reads `__type`, the SDK for Go v2 refuses a response without the
 *   header: "unexpected smithy-protocol response header").
 * A REST-XML client given JSON prints `An error occurred (400) …: Bad Request` (botocore falls back
 * to the status when the body is not XML); a JSON client given XML prints the XML as the message.
 * @example unservedAnswer('sqs', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, served)
 */
export function unservedAnswer(service: string, head: SignedHeadLike, served: SignedServices): HttpResponse {
  const requestId = randomUUID();
  const message = `No service on this endpoint handles requests signed for service '${service}'; it serves ${served.description}.`;
  const protocol = unservedProtocol(service, head);
  if (protocol === 'query' || protocol === 'rest-xml') {
    const body =
      `<ErrorResponse>\n  <Error>\n    <Type>Sender</Type>\n    <Code>${UNKNOWN_SERVICE}</Code>\n    <Message>${escapeXml(message)}</Message>\n` +
      `  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
    return { status: 400, headers: { 'Content-Type': 'text/xml', 'Content-Length': String(Buffer.byteLength(body)), 'x-amzn-RequestId': requestId }, body };
  }
  if (protocol === 'smithy-rpc-v2-cbor') {
    const body = cborTextMap({ __type: UNKNOWN_SERVICE, message });
    return {
      status: 400,
      headers: {
        'Content-Type': 'application/cbor',
        'Content-Length': String(body.byteLength),
        'x-amzn-RequestId': requestId,
        'smithy-protocol': 'rpc-v2-cbor',
      },
      body,
    };
  }
  const body = JSON.stringify({ __type: UNKNOWN_SERVICE, message });
  return {
    status: 400,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      'x-amzn-RequestId': requestId,
      'X-Amzn-Errortype': UNKNOWN_SERVICE,
    },
    body,
  };
}

/** `Credential=<scope>` of a SigV4 (or SigV4a) Authorization header, up to the `,` or space after it. */
function headerScope(authorization: string): string | undefined {
  const start = authorization.indexOf('Credential=');
  if (start < 0) return undefined;
  const from = start + 'Credential='.length;
  let end = from;
  while (end < authorization.length && authorization[end] !== ',' && authorization[end] !== ' ') end += 1;
  return authorization.slice(from, end);
}

/** The service of `AKID/date/region/service/aws4_request` (SigV4a scopes have no region). */
function serviceOfScope(scope: string): string | undefined {
  const parts = scope.split('/');
  if (parts.length < 4 || parts[parts.length - 1] !== 'aws4_request') return undefined;
  const service = parts[parts.length - 2];
  return service === '' ? undefined : service;
}

/** Whether the query string has an `Action` parameter (Query's operation name). */
function hasActionParameter(head: SignedHeadLike): boolean {
  const path = head.path ?? head.url ?? '';
  const query = path.indexOf('?');
  return query >= 0 && new URLSearchParams(path.slice(query + 1)).has('Action');
}
