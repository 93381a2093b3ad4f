/**
 * @module
 * The admin API: the controls a test suite needs, over HTTP under the reserved `/_strongbox/`
 * prefix (no AWS SDK sends a path there: KMS, CloudTrail and STS requests are `POST /`, and S3
 * bucket names cannot start with `_`). JSON in and out; a bad body is 400 with a clear
 * `message` and changes nothing. See the package README for the table and curl examples.
 *
 * - `GET|POST /_strongbox/clock`: read it; `{"advance": "7d"}` or `{"set": "2030-01-01T00:00:00Z"}`.
 * - `GET|POST|DELETE /_strongbox/faults`, `DELETE /_strongbox/faults/<id>`: list, add, clear.
 * - `POST /_strongbox/reset`: back to a fresh state.
 * - `GET|PUT /_strongbox/quotas`: the request quotas and their counters, the key quota's use;
 *   replace the setting.
 *
 * The default mode is unauthenticated, like the rest of a loopback emulator. Web pages are kept
 * out in every mode: a changing request with an `Origin` header, or any request whose `Host` is
 * not loopback or the listener's host, is 403 `AccessDeniedException` (`admin-guard.ts`). Under
 * `--strict-auth` every request must be signed by a user allowed the action (`admin-auth.ts`), and
 * the signature is checked before routing: only a caller who signed gets a 404 or 405.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kms, QuotaSetting } from '@strongbox/kms';
import { type Clock, type HttpRequest, httpDate, isServiceError, NO_USERS, readNodeRequest, systemClock, type UserDirectory } from '@strongbox/service-kernel';
import { type AdminAuthorizer, type AdminRefusal, createAdminAuthorizer } from './admin-auth.ts';
import { crossSiteRefusal } from './admin-guard.ts';
import type { EndpointControls } from './controls/endpoint.ts';
import { FAULT_NAMES } from './controls/fault-catalog.ts';
import { parseClockMove, parseFaultRequest } from './controls/requests.ts';
import { STRONGBOX_ERRORS, StrongboxError } from './errors.ts';
import { HEALTH_PATH } from './health.ts';
import type { Route } from './router.ts';

/** The reserved prefix. */
export const ADMIN_PREFIX = '/_strongbox/';
/** Path of the quota route. */
export const QUOTAS_PATH = '/_strongbox/quotas';
/** Path of the clock route. */
export const CLOCK_PATH = '/_strongbox/clock';
/** Path of the fault route. */
export const FAULTS_PATH = '/_strongbox/faults';
/** Path of the reset route. */
export const RESET_PATH = '/_strongbox/reset';

/** Largest accepted body (admin bodies are a few hundred bytes). */
const MAX_BODY_BYTES = 64 * 1024;

/** What the admin route serves. */
export interface AdminTarget {
  /** The KMS engine of now (a reset replaces it). */
  readonly kms: Kms;
  /** Absent for an endpoint opened without controls: then only the quotas are served. */
  readonly controls?: EndpointControls;
}

/** How the admin route authenticates. */
export interface AdminOptions {
  /** `--strict-auth`: signed requests from users allowed the action only. */
  readonly strict: boolean;
  readonly users?: UserDirectory | undefined;
  readonly account?: string | undefined;
  readonly region?: string | undefined;
  /** The clock of the SigV4 skew check (the endpoint's controlled clock). */
  readonly clock?: Clock | undefined;
  /** The listener's configured host: a `Host` naming it is accepted besides loopback (`admin-guard.ts`). */
  readonly host?: string | undefined;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

type Operation = { readonly action: string; readonly run: (body: () => unknown) => Answer | Promise<Answer> };

/** Why a call fails once another process took the data directory over (KMS's and S3's wording). */
const TAKEN_OVER = "this server's data directory was taken over by another process, so this server no longer answers requests.";

/**
 * The route serving everything under `ADMIN_PREFIX` (after the health route, which answers its own path).
 * @example createRouter([healthRoute(...), adminRoute(endpoint, { strict: false }), ...awsRoutes])
 */
export function adminRoute(target: AdminTarget, options: AdminOptions): Route {
  const auth = options.strict
    ? createAdminAuthorizer({
        users: options.users ?? NO_USERS,
        account: options.account ?? '000000000000',
        region: options.region ?? 'us-east-1',
        clock: options.clock ?? systemClock,
      })
    : undefined;
  return {
    service: 'Strongbox admin API (/_strongbox/)',
    matches: (request) => (request.url ?? '').startsWith(ADMIN_PREFIX),
    listener: (request, response) => {
      void serve(target, auth, options.host, request, response).catch((error: unknown) => {
        // A takeover is answered as KMS and S3 answer every call then (`takenOver`): the kernel's
        // message names the data directory's path and the new holder's pid, which stay in the server.
        const reason = isServiceError(error, 'LEASE_LOST') ? TAKEN_OVER : (error as Error).message;
        if (!response.headersSent)
          sendAnswer(response, { status: 500, body: failure('InternalFailure', `the admin API failed: ${reason}`) }, target.controls?.clock);
        else response.destroy();
      });
    },
  };
}

async function serve(
  target: AdminTarget,
  auth: AdminAuthorizer | undefined,
  host: string | undefined,
  incoming: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // Dated at the emulator's time, as every AWS route's answer is (`controls/endpoint.ts`): an
  // SDK-style caller learns the moved time from it, and signs its next request at that time.
  const send = (answer: Answer): void => sendAnswer(response, answer, target.controls?.clock);
  let request: HttpRequest;
  try {
    request = await readNodeRequest(incoming, MAX_BODY_BYTES);
  } catch (error) {
    if (isServiceError(error, 'REQUEST_TOO_LARGE'))
      return send({ status: 413, body: failure('RequestEntityTooLarge', `an admin body is at most ${MAX_BODY_BYTES} bytes`) });
    throw error;
  }
  const crossSite = crossSiteRefusal(request, host);
  if (crossSite !== undefined) {
    return send({ status: 403, body: failure('AccessDeniedException', crossSite.message), headers: { 'X-Amzn-Errortype': 'AccessDeniedException' } });
  }
  const refuse = (refusal: AdminRefusal): void =>
    send({ status: 403, body: failure(refusal.code, refusal.message), headers: { 'X-Amzn-Errortype': refusal.code } });
  // Under --strict-auth the signature is checked before routing: a caller who cannot sign learns
  // from a 404 or 405 nothing about which routes exist (`admin-auth.ts`).
  const caller = auth === undefined ? undefined : await auth.authenticate(request);
  if (caller !== undefined && 'refused' in caller) return refuse(caller);
  const path = request.path.split('?')[0] ?? '';
  const found = operationOf(target, request.method, path);
  if ('status' in found) return send(found);
  if (auth !== undefined && caller !== undefined) {
    const verdict = auth.authorize(caller, found.action);
    if ('refused' in verdict) return refuse(verdict);
  }
  const body = (): unknown => {
    const text = Buffer.from(request.body).toString('utf8');
    try {
      return JSON.parse(text === '' ? 'null' : text);
    } catch (error) {
      throw new StrongboxError('BAD_ADMIN_REQUEST', `the body is not JSON: ${(error as Error).message}`);
    }
  };
  let answer: Answer;
  try {
    answer = await found.run(body);
  } catch (error) {
    // Only the caller's mistakes are 400; anything else an operation throws (a reset's store
    // failing, a bug) is the server's and reaches the 500 answer.
    if (error instanceof StrongboxError && error.code === 'BAD_ADMIN_REQUEST') answer = badRequest(error.message);
    else throw error;
  }
  send(answer);
}

/** A body that does not parse or does not validate: the caller's mistake, answered as `STRONGBOX_ERRORS` says (400 ValidationException). */
function badRequest(message: string): Answer {
  const { status, type } = STRONGBOX_ERRORS.BAD_ADMIN_REQUEST.admin!;
  return { status, body: failure(type, message) };
}

/**
 * Runs a step that parses or validates the caller's input (before it changes anything), turning
 * its refusal (`TypeError`/`RangeError`, as `requests.ts`, the clock, the fault injector and the
 * quota setting throw them) into the `StrongboxError` `BAD_ADMIN_REQUEST`.
 */
function validated<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new StrongboxError('BAD_ADMIN_REQUEST', error.message);
    throw error;
  }
}

type Methods = Record<string, Operation>;

/**
 * One admin path: `path` itself, or `path/<id>` (`withId`), and the methods it serves. Every
 * route but the quotas needs the endpoint's controls.
 */
type AdminPath = { readonly path: string; readonly withId?: true } & (
  | { readonly controlled: false; readonly methods: (target: AdminTarget) => Methods }
  | { readonly controlled: true; readonly methods: (controls: EndpointControls, rest: string) => Methods | Answer }
);

/** The admin API's routes, in the order they are tried; the 404 answer lists them. */
const ADMIN_PATHS: readonly AdminPath[] = [
  {
    path: QUOTAS_PATH,
    controlled: false,
    methods: (target) => ({
      GET: { action: 'strongbox:ReadQuotas', run: () => ok(quotaState(target.kms)) },
      PUT: {
        action: 'strongbox:ConfigureQuotas',
        run: (body) => {
          const setting = body() as QuotaSetting;
          validated(() => target.kms.quotas.configure(setting));
          return ok(quotaState(target.kms));
        },
      },
    }),
  },
  {
    path: CLOCK_PATH,
    controlled: true,
    methods: (controls) => ({
      GET: { action: 'strongbox:ReadClock', run: () => ok(clockState(controls)) },
      POST: {
        action: 'strongbox:AdvanceClock',
        run: async (body) => {
          const requested = body();
          const move = validated(() => parseClockMove(requested));
          // The clock refuses a move backwards (RangeError) before it moves.
          validated(() => {
            if ('advanceMs' in move) controls.clock.advance(move.advanceMs);
            else controls.clock.set(move.setMs, { allowBackwards: move.allowBackwards });
          });
          // Answered once a data directory keeps it: a restart then keeps the moved time.
          await controls.clockSaved();
          return ok(clockState(controls));
        },
      },
    }),
  },
  {
    path: FAULTS_PATH,
    controlled: true,
    methods: (controls) => ({
      GET: { action: 'strongbox:ListFaults', run: () => ok(faultState(controls)) },
      POST: {
        action: 'strongbox:InjectFault',
        run: (body) => {
          const requested = body();
          const { spec, seed } = validated(() => parseFaultRequest(requested));
          // Both are checked before either changes anything: a bad spec leaves the seed as it was.
          const added = spec === undefined ? undefined : validated(() => controls.faults.add(spec));
          if (seed !== undefined) validated(() => controls.faults.reseed(seed));
          return added === undefined ? ok(faultState(controls)) : { status: 201, body: { fault: added, seed: controls.faults.seed } };
        },
      },
      DELETE: {
        action: 'strongbox:ClearFaults',
        run: () => {
          const cleared = controls.faults.clear();
          return ok({ cleared, ...faultState(controls) });
        },
      },
    }),
  },
  {
    path: FAULTS_PATH,
    withId: true,
    controlled: true,
    methods: (controls, rest) => {
      let id: string;
      try {
        id = decodeURIComponent(rest);
      } catch {
        // Not percent-encoding at all (`%E0`, `%ff`): the caller's malformed input, as every other
        // bad admin input is, rather than an id that is merely unknown (404).
        return { status: 400, body: failure('ValidationException', `the fault id ${JSON.stringify(rest)} is not valid percent-encoding`) };
      }
      return {
        DELETE: {
          action: 'strongbox:ClearFaults',
          run: () =>
            controls.faults.remove(id) ? ok(faultState(controls)) : { status: 404, body: failure('NotFound', `no fault ${JSON.stringify(id)} is set`) },
        },
      };
    },
  },
  {
    path: RESET_PATH,
    controlled: true,
    methods: (controls) => ({
      POST: {
        action: 'strongbox:Reset',
        run: async () => {
          await controls.reset();
          return ok({ reset: true, clock: clockState(controls) });
        },
      },
    }),
  },
];

/**
 * Every path under `ADMIN_PREFIX`, for the 404 answer: the health route's (its own route, before
 * this one: unauthenticated) and the admin routes'.
 */
const SERVED_PATHS = [HEALTH_PATH, ...ADMIN_PATHS.map((route) => (route.withId ? `${route.path}/<id>` : route.path))].join(', ');

/** The operation of a method and path, or the 404/405 answer. */
function operationOf(target: AdminTarget, method: string, path: string): Operation | Answer {
  const route = ADMIN_PATHS.find((candidate) => (candidate.withId ? path.startsWith(`${candidate.path}/`) : path === candidate.path));
  if (route === undefined) return { status: 404, body: failure('NotFound', `no admin route ${path}; the admin API serves ${SERVED_PATHS}`) };
  let methods: Methods | Answer;
  if (!route.controlled) methods = route.methods(target);
  else if (target.controls === undefined) {
    return { status: 404, body: failure('NotFound', `${path} is not served: this endpoint was opened without controls (use openControlledEndpoint)`) };
  } else methods = route.methods(target.controls, path.slice(route.path.length + 1));
  if ('status' in methods) return methods as Answer;
  const operation = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (operation !== undefined) return operation;
  const allowed = Object.keys(methods).join(', ');
  return { status: 405, body: failure('MethodNotAllowed', `${method} is not allowed on ${path}; use ${allowed}`), headers: { Allow: allowed } };
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function failure(type: string, message: string): unknown {
  return { __type: type, message };
}

function clockState(controls: EndpointControls): unknown {
  const { now, offsetMs } = controls.clock.state();
  return { now: new Date(now).toISOString(), epochMs: now, offsetMs };
}

function faultState(controls: EndpointControls): Record<string, unknown> {
  return { seed: controls.faults.seed, faults: controls.faults.list(), available: FAULT_NAMES };
}

/** The quota setting, the request quotas' counters and the resource quotas' use (customer managed keys per account and Region). */
function quotaState(kms: Kms): unknown {
  return {
    options: kms.quotas.options,
    usage: kms.quotas.usage().map((usage) => ({ ...usage, limit: Number.isFinite(usage.limit) ? usage.limit : null })),
    resources: kms.quotas.resourceUsage(),
  };
}

function sendAnswer(response: ServerResponse, answer: Answer, clock?: Clock): void {
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    ...(clock === undefined ? {} : { Date: httpDate(clock.now()) }),
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    ...answer.headers,
  });
  response.end(text);
}
