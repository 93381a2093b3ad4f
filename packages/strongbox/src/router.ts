/**
 * @module
 * One port, several AWS services: real AWS tells services apart by host name, a local endpoint
 * cannot (SDKs all point at the same `AWS_ENDPOINT_URL`), so requests are routed by what the
 * protocol puts in the request. JSON 1.1 services name themselves in `X-Amz-Target`
 * (`TrentService.*` for KMS; `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.*` from
 * botocore and `CloudTrail_20131101.*` from the SDK for JavaScript v3 for CloudTrail); S3
 * (REST-XML) sends no target header and claims every request without one, except one signed for
 * a service no route serves (SQS, Lambda…), which gets an answer naming it (unserved.ts).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { bufferedHandler, type HttpResponse, json11Response, type ProtocolHandler, type StreamingHandler, type TextResponse } from '@strongbox/service-kernel';
import { signedServices, unservedAnswer, unservedService } from './unserved.ts';

/** A `node:http` request listener. */
export type NodeListener = (request: IncomingMessage, response: ServerResponse) => void;

/** One service on the endpoint. Routes see only the request head, so a route can stream bodies. */
export interface Route {
  /** For messages, e.g. `KMS`. */
  readonly service: string;
  /** The SigV4 credential scope service its requests are signed for (`kms`); none for non-AWS routes. */
  readonly signingName?: string | undefined;
  /** Set on the route that claims every request without `X-Amz-Target` (S3). */
  readonly untargeted?: true;
  /** Whether this service answers the request (decided from method, URL and headers). */
  matches(request: IncomingMessage): boolean;
  readonly listener: NodeListener;
}

/**
 * Routes by `X-Amz-Target` prefix (any of several: SDKs do not all spell a service's target alike).
 * @example targetRoute('KMS', ['TrentService.'], listener, 'kms')
 */
export function targetRoute(service: string, prefixes: readonly string[], listener: NodeListener, signingName?: string): Route {
  return {
    service,
    signingName,
    matches(request) {
      const target = targetOf(request);
      for (const prefix of prefixes) if (target.startsWith(prefix)) return true;
      return false;
    },
    listener,
  };
}

/**
 * A route chosen by its own test of the request head.
 * @example predicateRoute('STS', isStsRequest, listener, 'sts')
 */
export function predicateRoute(service: string, matches: (head: RequestHeadLike) => boolean, listener: NodeListener, signingName?: string): Route {
  return { service, signingName, matches: (request) => matches(request), listener };
}

/**
 * The route of a REST service that claims every request without `X-Amz-Target` (S3: no AWS JSON
 * client omits the header, no REST client sends it).
 * @example untargetedRoute('S3', 's3', toNodeStreamingListener(s3Handler))
 */
export function untargetedRoute(service: string, signingName: string, listener: NodeListener): Route {
  return { service, signingName, untargeted: true, matches: (request) => request.headers['x-amz-target'] === undefined, listener };
}

/**
 * Builds the listener of the endpoint: the first matching route answers; nothing matching gets a
 * JSON 1.1 `UnknownOperationException` naming the target and the services served. A request the
 * untargeted route (S3) would get, signed for a service no route names, gets `unservedAnswer`.
 * @example createRouter([targetRoute('KMS', ['TrentService.'], kmsListener, 'kms'), untargetedRoute('S3', 's3', s3Listener)])
 */
export function createRouter(routes: readonly Route[]): NodeListener {
  const served = routes.map((route) => route.service).join(', ');
  const untargeted = routes.find((route): route is Route & { readonly signingName: string } => route.untargeted === true && route.signingName !== undefined);
  const signed = untargeted === undefined ? undefined : signedServices(routes, untargeted);
  return (request, response) => {
    for (const route of routes) {
      if (!route.matches(request)) continue;
      const unserved = route === untargeted && signed !== undefined ? unservedService(request, signed) : undefined;
      if (unserved === undefined) return route.listener(request, response);
      return answerWith(request, response, unservedAnswer(unserved, request, signed as NonNullable<typeof signed>));
    }
    answerWith(request, response, unknownTarget(targetOf(request), served));
  };
}

function answerWith(request: IncomingMessage, response: ServerResponse, answer: HttpResponse): void {
  // Drain the body so the connection stays usable, then answer.
  request.resume();
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

/** What a route may inspect of a request: its head (node:http's `url` or the kernel's `path`). */
export interface RequestHeadLike {
  readonly url?: string | undefined;
  readonly path?: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/**
 * One service of the endpoint as a protocol handler, chosen by `X-Amz-Target` prefix, or by
 * `matches` for a service whose protocol sends no target (STS's Query protocol).
 */
export interface ProtocolRoute {
  /** For messages, e.g. `KMS`. */
  readonly service: string;
  /** The SigV4 credential scope service its requests are signed for, e.g. `kms`. */
  readonly signingName: string;
  /** `X-Amz-Target` prefixes it answers (SDKs do not all spell a service's target alike). */
  readonly prefixes: readonly string[];
  /** Claims requests by their head, before the untargeted service (S3) does. */
  readonly matches?: (head: RequestHeadLike) => boolean;
  readonly handler: ProtocolHandler;
}

/** The service that answers requests without `X-Amz-Target` (S3), as a streaming handler. */
export interface UntargetedService {
  /** For messages, e.g. `S3`. */
  readonly service: string;
  /** The SigV4 credential scope service its requests are signed for, e.g. `s3`. */
  readonly signingName: string;
  readonly handler: StreamingHandler;
}

/**
 * The endpoint as one streaming handler (the in-process mode): the first route whose prefix the
 * request's `X-Amz-Target` has answers (its body read whole first, as the node:http edge reads
 * it); a request without the header goes to `untargeted` (S3, bodies streamed) unless it is signed
 * for a service no route names (`unservedAnswer`, as `createRouter` answers it); anything else
 * gets the router's UnknownOperationException.
 * @example createProtocolRouter([{ service: 'KMS', signingName: 'kms', prefixes: ['TrentService.'], handler }], { service: 'S3', signingName: 's3', handler: s3Handler })
 */
export function createProtocolRouter(routes: readonly ProtocolRoute[], untargeted?: UntargetedService): StreamingHandler {
  const served = [...routes.map((route) => route.service), ...(untargeted === undefined ? [] : [untargeted.service])].join(', ');
  const signed = untargeted === undefined ? undefined : signedServices(routes, untargeted);
  const buffered = routes.map((route) => ({ prefixes: route.prefixes, matches: route.matches, handler: bufferedHandler(route.handler) }));
  // Not an async function: the chosen handler's promise is handed back as it is, rather than
  // resolved into another one (a promise and three microtask turns per request).
  return (request) => {
    try {
      for (const route of buffered) if (route.matches?.(request)) return route.handler(request);
      const header = request.headers['x-amz-target'];
      if (header === undefined && untargeted !== undefined) {
        const unserved = unservedService(request, signed as NonNullable<typeof signed>);
        return unserved === undefined ? untargeted.handler(request) : Promise.resolve(unservedAnswer(unserved, request, signed as NonNullable<typeof signed>));
      }
      const target = header ?? '';
      for (const route of buffered) for (const prefix of route.prefixes) if (target.startsWith(prefix)) return route.handler(request);
      return Promise.resolve(unknownTarget(target, served));
    } catch (error) {
      // A route's test or handler that throws rejects, as it would from an async function.
      return Promise.reject(error);
    }
  };
}

/** The JSON 1.1 `UnknownOperationException` naming the target and the services served. */
function unknownTarget(target: string, served: string): TextResponse {
  const message = `No service on this endpoint handles ${target === '' ? 'requests without X-Amz-Target' : `X-Amz-Target '${target}'`}; it serves ${served}.`;
  return json11Response(400, crypto.randomUUID(), JSON.stringify({ __type: 'UnknownOperationException', message }), 'UnknownOperationException');
}

function targetOf(request: IncomingMessage): string {
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' ? target : '';
}
