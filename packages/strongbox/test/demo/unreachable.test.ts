/**
 * `explainUnreachable`: each Node socket or TLS error `strongbox demo --endpoint-url` can meet gets
 * advice that fits its cause, given as the SDK passes the error through (a `code`, and for a
 * failed look-up a `hostname`).
 */

import { describe, expect, it } from 'vitest';
import { explainUnreachable } from '../../src/demo/unreachable.ts';

/** A Node socket error as the SDK passes it through. */
function nodeError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

describe('a host name that does not resolve', () => {
  it('ENOTFOUND says the host name does not resolve, not that serve may be down', () => {
    // `http://reports.localhost:4566` is the README's own example of a name a plain /etc/hosts
    // does not resolve; serve may well be running on 127.0.0.1:4566.
    const explained = explainUnreachable(nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND reports.localhost'), ['http://reports.localhost:4566'], false);
    expect(explained?.message).not.toMatch(/is strongbox serve running there/);
    expect(explained?.message).toMatch(/resolve/);
  });
});

describe('a certificate that does not cover the host name', () => {
  it('ERR_TLS_CERT_ALTNAME_INVALID with the right --ca-bundle names the host, not the bundle', () => {
    // `demo --endpoint-url https://vm:<port> --ca-bundle <the banner's cert>` (vm → 127.0.0.1 in
    // /etc/hosts): the chain verifies, the name is not among localhost, *.s3.localhost, 127.0.0.1, ::1.
    const explained = explainUnreachable(
      nodeError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: Host: vm. is not in the cert's altnames: DNS:localhost"),
      ['https://vm:4567'],
      true,
    );
    expect(explained?.message).not.toMatch(/is not the certificate this endpoint serves/);
    expect(explained?.message).toMatch(/vm|host ?name|altname/i);
  });

  it('ERR_TLS_CERT_ALTNAME_INVALID without --ca-bundle (trusted through NODE_EXTRA_CA_CERTS) does not ask for --ca-bundle', () => {
    const explained = explainUnreachable(nodeError('ERR_TLS_CERT_ALTNAME_INVALID', 'altnames'), ['https://vm:4567'], false);
    expect(explained?.message).not.toMatch(/pass --ca-bundle FILE/);
  });
});

describe('two endpoints, one of them refused', () => {
  it('names only the endpoint on the refused port, and the flag that gave it', () => {
    const explained = explainUnreachable(
      nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:45999', { address: '127.0.0.1', port: 45999 }),
      ['http://127.0.0.1:45866', 'https://127.0.0.1:45999'],
      true,
    );
    expect(explained?.message).toBe(
      'cannot connect to https://127.0.0.1:45999 (ECONNREFUSED): is strongbox serve running there with --https-port 45999? Start it, or point --https-endpoint-url at the HTTPS URL its banner prints',
    );
  });
});
