/**
 * @module
 * One port, several AWS services: real AWS tells services apart by host name, a local endpoint
 * cannot (SDKs all point at the same `AWS_ENDPOINT_URL`), so requests are routed by what the
 * protocol puts in the request. JSON 1.1 services name themselves in `X-Amz-Target`
 * (`TrentService.*` for KMS; `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.*` from
 * botocore and `CloudTrail_20131101.*` from the SDK for JavaScript v3 for CloudTrail); S3 (REST-XML, no target header) will claim what is left when it joins.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

/** A `node:http` request listener. */
export type NodeListener = (request: IncomingMessage, response: ServerResponse) => void;

/** One service on the endpoint. Routes see only the request head, so a route can stream bodies. */
export interface Route {
  /** For messages, e.g. `KMS`. */
  readonly service: string;
  /** Whether this service answers the request (decided from method, URL and headers). */
  matches(request: IncomingMessage): boolean;
  readonly listener: NodeListener;
}

/**
 * Routes by `X-Amz-Target` prefix (any of several: SDKs do not all spell a service's target alike).
 * @example targetRoute('KMS', ['TrentService.'], listener)
 */
export function targetRoute(service: string, prefixes: readonly string[], listener: NodeListener): Route {
  return {
    service,
    matches(request) {
      const target = targetOf(request);
      for (const prefix of prefixes) if (target.startsWith(prefix)) return true;
      return false;
    },
    listener,
  };
}

/**
 * Builds the listener of the endpoint: the first matching route answers; nothing matching gets a
 * JSON 1.1 `UnknownOperationException` naming the target and the services served.
 */
export function createRouter(routes: readonly Route[]): NodeListener {
  const served = routes.map((route) => route.service).join(', ');
  return (request, response) => {
    for (const route of routes) if (route.matches(request)) return route.listener(request, response);
    // Drain the body so the connection stays usable, then answer.
    request.resume();
    const target = targetOf(request);
    const message = `No service on this endpoint handles ${target === '' ? 'requests without X-Amz-Target' : `X-Amz-Target '${target}'`}; it serves ${served}.`;
    const body = JSON.stringify({ __type: 'UnknownOperationException', message });
    response.writeHead(400, {
      'Content-Type': 'application/x-amz-json-1.1',
      'Content-Length': String(Buffer.byteLength(body)),
      'X-Amzn-Errortype': 'UnknownOperationException',
      'x-amzn-RequestId': crypto.randomUUID(),
      Date: new Date().toUTCString(),
    });
    response.end(body);
  };
}

function targetOf(request: IncomingMessage): string {
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' ? target : '';
}
