/**
 * @module
 * `strongbox`: the local endpoint, programmatically. `startServer` runs what `strongbox serve`
 * runs, for tests and for packages that embed the endpoint.
 *
 * @example
 * ```ts
 * import { createStrongbox } from 'strongbox';
 * const sb = await createStrongbox();
 * const s3 = new S3Client(sb.clientConfig); // no port
 * const { url } = await sb.listen();        // the same state on a port
 * await sb.close();
 *
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

// `users` takes a UserDirectory: what a users file holds, parsed (README, "Quick start, in process").
export { parseUsers, type UserDirectory } from '@strongbox/kms';
// The in-process request handler itself, for a client with timeouts of its own:
// `new S3Client({ ...sb.clientConfig, requestHandler: new InProcessHandler(sb.handler, { streaming: true, requestTimeout: 300, throwOnRequestTimeout: true }) })`.
export { InProcessHandler, type InProcessHandlerOptions, type TimeoutSettings, type WarningLogger } from '@strongbox/service-kernel';
export { ADMIN_PREFIX, CLOCK_PATH, FAULTS_PATH, QUOTAS_PATH, RESET_PATH } from './admin.ts';
export { ADMIN_SIGNING_NAME } from './admin-auth.ts';
export type { ControlledEndpoint, EndpointControls, FaultControls } from './controls/endpoint.ts';
export { FAULT_NAMES, type FaultService } from './controls/fault-catalog.ts';
export { parseDuration } from './controls/requests.ts';
export { DATA_FORMAT } from './data-directory.ts';
export { type Endpoint, type EndpointOptions, type EndpointWiring, openControlledEndpoint, openEndpoint } from './endpoint.ts';
export { EXIT_FAILURE, EXIT_USAGE, STRONGBOX_ERRORS, StrongboxError, type StrongboxErrorCode, type StrongboxErrorOutcome } from './errors.ts';
export { HEALTH_PATH, type HealthReport, type ServiceHealth } from './health.ts';
export { IN_PROCESS_ENDPOINT, type InProcessClientConfig, type InProcessStrongbox, startInProcess } from './in-process.ts';
export type { RunningHttps, RunningServer } from './listener.ts';
export { createProtocolRouter, createRouter, type NodeListener, type ProtocolRoute, type Route, targetRoute } from './router.ts';
export { type HttpsOptions, type ServerOptions, serveEndpoint, startServer } from './server.ts';
export { createStrongbox, type ListenOptions, type Strongbox, type StrongboxClientConfig, type StrongboxListener } from './strongbox.ts';
export { VERSION } from './version.ts';
