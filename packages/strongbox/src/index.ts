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
 *
 * // or with no port at all:
 * const strongbox = await startInProcess();
 * const kms = new KMSClient({ ...strongbox.clientConfig });
 * ```
 */

export { IN_PROCESS_ENDPOINT, type InProcessClientConfig, type InProcessStrongbox, startInProcess } from './in-process.ts';
export { createProtocolRouter, createRouter, type NodeListener, type ProtocolRoute, type Route, targetRoute } from './router.ts';
export { type Endpoint, type EndpointOptions, openEndpoint, type RunningServer, type ServerOptions, startServer } from './server.ts';
