/**
 * @module
 * `GET /_strongbox/health`: whether each service of the endpoint can serve, as JSON, for
 * container health checks, Testcontainers wait strategies and scripts waiting for start-up:
 *
 * ```json
 * {"status":"ok","version":"0.1.0","services":{"kms":"up","s3":"up","cloudtrail":"up"}}
 * ```
 *
 * 200 when every service is up, 503 (`"status":"unavailable"`) otherwise. A service is down
 * when its store has stopped: KMS after a write failure to the data directory (it then refuses
 * every change, until a restart), S3 when its storage could not open, every service once the
 * endpoint is closing. CloudTrail `LookupEvents` reads the KMS trail, so it is up while KMS is.
 *
 * It needs no authentication, even under `--strict-auth`: the callers it is for (Docker
 * `HEALTHCHECK` with curl, orchestrator probes) cannot sign SigV4, and it reveals nothing but
 * up/down and the version, never a key, bucket or caller. It changes nothing. AWS has no such
 * route; the reserved `/_strongbox/` prefix keeps it apart from anything an AWS SDK sends.
 */

import type { ServerResponse } from 'node:http';
import type { Route } from './router.ts';
import { VERSION } from './version.ts';

/** Path of the health route. */
export const HEALTH_PATH = '/_strongbox/health';

/** One service's state. */
export type ServiceHealth = 'up' | 'down';

/** What `GET /_strongbox/health` answers. */
export interface HealthReport {
  /** `ok` when every service is up. */
  readonly status: 'ok' | 'unavailable';
  /** The `strongbox` package version. */
  readonly version: string;
  readonly services: { readonly kms: ServiceHealth; readonly s3: ServiceHealth; readonly cloudtrail: ServiceHealth };
}

/** What the report is made from. */
export interface HealthProbes {
  /** Whether KMS's store accepts changes (`undefined`: yes; otherwise why not). */
  kmsFailure(): Error | undefined;
  /** Resolves when S3's storage is open; rejects when it cannot be. */
  s3Ready(): Promise<void>;
  /** Whether the endpoint is closing. */
  closing(): boolean;
}

/**
 * Probes every service.
 * @example const report = await healthReport(probes); report.status // 'ok'
 */
export async function healthReport(probes: HealthProbes): Promise<HealthReport> {
  const closing = probes.closing();
  const kms: ServiceHealth = !closing && probes.kmsFailure() === undefined ? 'up' : 'down';
  const s3: ServiceHealth = closing
    ? 'down'
    : await probes.s3Ready().then(
        () => 'up' as const,
        () => 'down' as const,
      );
  const services = { kms, s3, cloudtrail: kms };
  return { status: kms === 'up' && s3 === 'up' ? 'ok' : 'unavailable', version: VERSION, services };
}

/**
 * The route serving `HEALTH_PATH` (GET and HEAD; anything else 405), unauthenticated (see the
 * module documentation).
 * @example createRouter([healthRoute(() => endpoint.health()), ...awsRoutes])
 */
export function healthRoute(report: () => Promise<HealthReport>): Route {
  return {
    service: `Strongbox health (${HEALTH_PATH})`,
    matches: (request) => (request.url ?? '').split('?')[0] === HEALTH_PATH,
    listener: (request, response) => {
      request.resume();
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.setHeader('Allow', 'GET, HEAD');
        return answer(response, 405, { message: `${request.method ?? ''} is not allowed on ${HEALTH_PATH}; use GET.` }, false);
      }
      report().then(
        (health) => answer(response, health.status === 'ok' ? 200 : 503, health, request.method === 'HEAD'),
        (error: unknown) => answer(response, 503, { status: 'unavailable', message: (error as Error).message }, request.method === 'HEAD'),
      );
    },
  };
}

function answer(response: ServerResponse, status: number, body: unknown, headOnly: boolean): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store' });
  response.end(headOnly ? undefined : text);
}
