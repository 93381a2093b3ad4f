/**
 * @module
 * `strongbox`: the local endpoint, programmatically. `startServer` runs what `strongbox serve`
 * runs, for tests and for packages that embed the endpoint.
 *
 * @example
 * ```ts
 * import { startServer } from 'strongbox';
 * const server = await startServer({ port: 0 });
 * // point @aws-sdk/client-kms at server.url with credentials test/test
 * await server.close();
 * ```
 */

export { startServer, type RunningServer, type ServerOptions } from './server.ts';
export { createRouter, targetRoute, type NodeListener, type Route } from './router.ts';
