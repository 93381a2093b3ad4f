/**
 * @module
 * Keeps web pages away from the admin API. Its default mode is unauthenticated, which is only
 * safe if nothing but a local process can call it; a browser on the same machine is not that:
 * a page can send a CORS "simple request" (an HTML form, `fetch` with `mode: 'no-cors'` and a
 * `text/plain` body) to `http://127.0.0.1:4566/_strongbox/reset` without a preflight, and DNS
 * rebinding lets a page on an attacker's name reach the loopback listener as same-origin.
 *
 * Two rules, checked before any admin operation runs (and before `--strict-auth`'s signature
 * check, which they do not replace):
 * - A request that changes something (any method but GET/HEAD) carrying an `Origin` header is
 *   refused: browsers send `Origin` on every cross-origin request and on every same-origin
 *   POST/PUT/DELETE (forms and `no-cors` included), while curl, the AWS SDKs and Node's `fetch`
 *   send none.
 * - A request whose `Host` is a dotted name other than a `*.localhost` name (RFC 6761: resolved
 *   to loopback by the client itself) or the listener's configured `--host` is refused, whatever
 *   its method: a rebinding page's requests carry the attacker's name, which is a name in public
 *   DNS and so has a dot. IP literals and single-label names (`localhost`, a docker-compose
 *   service such as `strongbox`) are accepted: neither can be an attacker's public name.
 */

import { isIP } from 'node:net';
import type { HttpRequestHead } from '@strongbox/service-kernel';

/** Why a request was refused. */
export interface CrossSiteRefusal {
  readonly message: string;
}

/**
 * The refusal of a request a web page may have sent, or `undefined` for one to serve.
 * @param configuredHost the listener's `--host` (a name or address), when one was given.
 * @example if (crossSiteRefusal(request, '127.0.0.1') !== undefined) return forbidden();
 */
export function crossSiteRefusal(request: HttpRequestHead, configuredHost?: string): CrossSiteRefusal | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined && request.method !== 'GET' && request.method !== 'HEAD') {
    return {
      message: `the admin API refuses requests carrying an Origin header (${origin}): web pages may not change the emulator; call it from curl, an SDK or a test process`,
    };
  }
  const host = request.headers.host;
  if (host !== undefined && !isLocalHost(hostName(host), configuredHost)) {
    return { message: `the admin API refuses Host '${host}': use the listener's address, localhost, a name without a dot or the --host name` };
  }
  return undefined;
}

/** The name or address of a `Host` header, without its port (and brackets of an IPv6 literal). */
function hostName(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']') === -1 ? undefined : trimmed.indexOf(']'));
  const colon = trimmed.lastIndexOf(':');
  return (colon === -1 ? trimmed : trimmed.slice(0, colon)).replace(/\.$/, '');
}

function isLocalHost(name: string, configuredHost: string | undefined): boolean {
  if (isIP(name) !== 0) return true;
  // No dot: `localhost`, or a name only local resolution answers (a container's service name).
  if (!name.includes('.') || name.endsWith('.localhost')) return true;
  return (
    configuredHost !== undefined &&
    name ===
      configuredHost
        .toLowerCase()
        .replace(/^\[|\]$/g, '')
        .replace(/\.$/, '')
  );
}
