/**
 * @module
 * What the REST edge tells the engine about a request besides its members: who called (the
 * verified identity), from where, over what, and how the request was signed; shared by the REST
 * handler and the POST Object form handler.
 */

import type { HttpRequest, HttpRequestHead, RequestIdentity } from '@strongbox/service-kernel';
import type { ResponseIds } from '../protocol/errors.ts';
import type { CallOptions } from './options.ts';
import { signatureFactsOf } from './signature-facts.ts';

const NO_BODY = new Uint8Array(0);

/**
 * Who calls and how, as the engine takes it; with the request's `query`, the SDK's `x-id` in it.
 * @example await s3.send('PutObject', input, callOptionsOf(head, ids, identity, address.query));
 */
export function callOptionsOf(
  head: HttpRequestHead,
  ids: ResponseIds,
  identity: RequestIdentity | undefined,
  query?: ReadonlyMap<string, string>,
): Mutable<CallOptions> {
  // Built member by member: spreading optional members costs a temporary object each.
  // With the response's x-amz-id-2, which the trail's additionalEventData records.
  const callOptions: Mutable<CallOptions> = { requestId: ids.requestId, hostId: ids.hostId, secureTransport: head.secure === true };
  if (identity !== undefined) callOptions.caller = identity.caller;
  if (identity?.region !== undefined) callOptions.region = identity.region;
  if (head.sourceIpAddress !== undefined) callOptions.sourceIpAddress = head.sourceIpAddress;
  const userAgent = head.headers['user-agent'];
  if (userAgent !== undefined) callOptions.userAgent = userAgent;
  const host = head.headers['host'];
  if (host !== undefined) callOptions.host = host;
  // The TLS connection, asked for its cipher only if the call is recorded (additionalEventData).
  if (head.tls !== undefined) callOptions.tls = head.tls;
  // How the request was signed, for the policy keys `s3:authType`, `s3:signatureAge`, ... (as verified).
  const signature = signatureFactsOf(head, identity);
  if (signature !== undefined) callOptions.signature = signature;
  // The SDK's `?x-id=<Operation>`, which CloudTrail logs among the request parameters.
  const xId = query?.get('x-id');
  if (xId !== undefined) callOptions.xId = xId;
  return callOptions;
}

/** `T` with its members writable (built member by member). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The head as the authenticator takes it (a request whose body it does not read).
 * @example const identity = await authenticate(headOnly(head));
 */
export function headOnly(head: HttpRequestHead): HttpRequest {
  const request: Mutable<HttpRequest> = { method: head.method, path: head.path, headers: head.headers, body: NO_BODY };
  if (head.sourceIpAddress !== undefined) request.sourceIpAddress = head.sourceIpAddress;
  if (head.secure !== undefined) request.secure = head.secure;
  return request;
}
