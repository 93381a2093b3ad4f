/**
 * @module
 * `@strongbox/kms/http`: the AWS JSON 1.1 handler and an adapter for `node:http` (the kernel's
 * edge, answering failures outside the handler as KMS does).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { Kms } from '@strongbox/kms';
 * import { createJson11Handler, toNodeListener } from '@strongbox/kms/http';
 * const server = createServer(toNodeListener(createJson11Handler(new Kms()))).listen(4566);
 * ```
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type HttpResponse as AnyResponse,
  createSigV4Authenticator as createKernelAuthenticator,
  type HttpRequest,
  type SigV4Options as KernelSigV4Options,
  toNodeListener as kernelNodeListener,
  type RequestIdentity,
} from '@strongbox/service-kernel';
import { toKmsError } from './errors.ts';
import { errorResponse, type HttpResponse } from './protocol/json11.ts';

export {
  CLOUDTRAIL_TARGET_PREFIXES,
  type CloudTrailOptions,
  createCloudTrailHandler,
  isCloudTrailRequest,
  readNodeRequest,
  writeNodeResponse,
} from '@strongbox/service-kernel';
export {
  createJson11Handler,
  type HttpRequest,
  type HttpResponse,
  type Json11Options,
  type Json11Target,
  type RequestIdentity,
  toWire,
  UNMODELLED_OPERATIONS,
} from './protocol/json11.ts';

/** Settings of the SigV4 authenticator; the signing name defaults to `kms`. */
export type SigV4Options = Omit<KernelSigV4Options, 'service'> & { readonly service?: string };

/**
 * Builds the SigV4 authenticator for `createJson11Handler(kms, { authenticate })` (the kernel's,
 * with KMS's signing name by default).
 * @throws KmsError-coded `ServiceError` (from the returned function): MissingAuthenticationTokenException,
 *   IncompleteSignatureException, InvalidSignatureException or UnrecognizedClientException with AWS's texts.
 * @example createSigV4Authenticator({ users: withDefaultUser(NO_USERS, '000000000000'), strict: true, account: '000000000000', region: 'us-east-1' })
 */
export function createSigV4Authenticator(options: SigV4Options): (request: HttpRequest) => Promise<RequestIdentity> {
  return createKernelAuthenticator({ ...options, service: options.service ?? 'kms' });
}

/**
 * Adapts a protocol handler to a `node:http` request listener. A body over 1 MiB is answered 413
 * with `Connection: close`; any other failure (a handler that throws, a body that cannot be read)
 * 500 with a JSON 1.1 `KMSInternalException` body, whose message is generic so that nothing from
 * the request or the emulator's internals leaks.
 * @example createServer(toNodeListener(handler))
 */
export function toNodeListener(handler: (request: HttpRequest) => Promise<AnyResponse>): (request: IncomingMessage, response: ServerResponse) => void {
  return kernelNodeListener(handler, { internalError: kmsInternalError });
}

function kmsInternalError(requestId: string): HttpResponse {
  return errorResponse(requestId, toKmsError(undefined));
}
