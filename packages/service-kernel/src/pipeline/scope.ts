/**
 * @module
 * Per-call facts that do not belong in the request body: who calls, in which Region, from where.
 */

import type { TlsConnection } from '../http/types.ts';
import type { Principal } from '../principal.ts';

/** Per-call facts that do not belong in the request body. */
export interface CallScope {
  readonly caller: Principal;
  readonly region: string;
  /** Request id for the response and the audit trail (default: the trail makes one). */
  readonly requestId?: string;
  readonly sourceIpAddress?: string;
  readonly userAgent?: string;
  /** The request's `Host` header, as sent (absent in process): CloudTrail's `tlsDetails.clientProvidedHostHeader`. */
  readonly host?: string;
  /**
   * The TLS connection the request came over (absent over plain HTTP and in process), asked for its
   * version and cipher only when the call is recorded (CloudTrail's `tlsDetails`).
   */
  readonly tls?: TlsConnection;
}
