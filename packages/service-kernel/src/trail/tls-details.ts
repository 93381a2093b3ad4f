/**
 * @module
 * CloudTrail's `tlsDetails` of a call that came over TLS, read from its connection when the call is
 * recorded: the protocol version and the cipher suite as OpenSSL names them (`TLSv1.3`,
 * `TLS_AES_128_GCM_SHA256`), and the `Host` header as sent (a captured S3 data event, TryHackMe AoC
 * 2024 day 7 log: `"tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
 * "clientProvidedHostHeader": "s3.ap-southeast-1.amazonaws.com"}`). A member the connection cannot
 * tell is left out, as CloudTrail "still logs partial TLS details if expected information is
 * missing or empty" (CloudTrail User Guide, "CloudTrail record contents").
 */

import type { TlsConnection } from '../http/types.ts';
import type { TlsDetails } from './audit-event.ts';

/**
 * The details last read from each connection: the calls of one keep-alive connection share one
 * frozen object (its version and cipher are fixed once negotiated), so the trail's ring holds one
 * per connection rather than one per call.
 */
const READ: WeakMap<TlsConnection, TlsDetails> = new WeakMap();

/**
 * The `tlsDetails` of a call over `tls` that sent `host`.
 * @example tlsDetailsOf(socket, 'bucket.s3.localhost') // { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'bucket.s3.localhost' }
 */
export function tlsDetailsOf(tls: TlsConnection, host: string | undefined): TlsDetails {
  const known = READ.get(tls);
  if (known !== undefined && known.clientProvidedHostHeader === host) return known;
  const details: { tlsVersion?: string; cipherSuite?: string; clientProvidedHostHeader?: string } = {};
  const version = asked(() => tls.getProtocol?.());
  if (version) details.tlsVersion = version;
  const cipher = asked(() => tls.getCipher()?.name);
  if (cipher) details.cipherSuite = cipher;
  if (host !== undefined) details.clientProvidedHostHeader = host;
  const frozen = Object.freeze(details);
  READ.set(tls, frozen);
  return frozen;
}

/** What a connection answers, or undefined once it cannot (a socket already destroyed throws). */
function asked(read: () => string | null | undefined): string | undefined {
  try {
    return read() ?? undefined;
  } catch {
    return undefined;
  }
}
