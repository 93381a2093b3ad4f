/**
 * @module
 * The X.509 issuing behind `createSelfSignedCertificate` (`certificate.ts`), apart because pkijs
 * and asn1js are large: `certificate.ts` loads this module only when it makes a certificate, so
 * the endpoint starts without them.
 */

import { webcrypto } from 'node:crypto';
import { Integer, OctetString, Utf8String } from 'asn1js';
import {
  AttributeTypeAndValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CryptoEngine,
  Extension,
  ExtKeyUsage,
  GeneralName,
  GeneralNames,
} from 'pkijs';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
// X.509 object identifiers (RFC 5280 §4.2.1; RFC 5280 §4.2.1.12 for id-kp-serverAuth).
const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** What a self-signed certificate says. */
export interface SelfSignedRequest {
  /** SubjectAltName entries: DNS names, IPv4 addresses, or `::1`. */
  readonly names: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Issues a self-signed ECDSA P-256 server certificate and returns it with its PKCS #8 key, PEM.
 * @example const { cert, key } = await issueSelfSigned({ names: ['localhost'], notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000) });
 */
export async function issueSelfSigned(request: SelfSignedRequest): Promise<{ cert: string; key: string }> {
  const engine = new CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof CryptoEngine>[0]['crypto'] });
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = new Certificate();
  certificate.version = 2;
  const serial = webcrypto.getRandomValues(new Uint8Array(16));
  // A positive serial (RFC 5280 §4.1.2.2): the top bit clear, and non-zero.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  certificate.serialNumber = new Integer({ valueHex: serial });
  for (const [type, value] of [
    [OID.organization, 'Strongbox local endpoint'],
    [OID.commonName, 'localhost'],
  ] as const) {
    const attribute = new AttributeTypeAndValue({ type, value: new Utf8String({ value }) });
    certificate.subject.typesAndValues.push(attribute);
    certificate.issuer.typesAndValues.push(new AttributeTypeAndValue({ type, value: new Utf8String({ value }) }));
  }
  certificate.notBefore.value = request.notBefore;
  certificate.notAfter.value = request.notAfter;
  await certificate.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  const keyIdentifier = new Uint8Array(await webcrypto.subtle.digest('SHA-1', certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
  const names = new GeneralNames({ names: request.names.map(generalName) });
  certificate.extensions = [
    new Extension({ extnID: OID.subjectAltName, critical: false, extnValue: names.toSchema().toBER(false) }),
    // An end-entity certificate that is its own trust anchor (CA:FALSE, as OpenSSL and Python's
    // strict verification accept for a self-signed server certificate).
    new Extension({ extnID: OID.basicConstraints, critical: true, extnValue: new BasicConstraints({ cA: false }).toSchema().toBER(false) }),
    // digitalSignature (bit 0): what an ECDHE-ECDSA handshake uses.
    new Extension({ extnID: OID.keyUsage, critical: true, extnValue: keyUsageDigitalSignature() }),
    new Extension({ extnID: OID.extKeyUsage, critical: false, extnValue: new ExtKeyUsage({ keyPurposes: [OID.serverAuth] }).toSchema().toBER(false) }),
    new Extension({ extnID: OID.subjectKeyIdentifier, critical: false, extnValue: new OctetString({ valueHex: keyIdentifier }).toBER(false) }),
    new Extension({
      extnID: OID.authorityKeyIdentifier,
      critical: false,
      extnValue: new AuthorityKeyIdentifier({ keyIdentifier: new OctetString({ valueHex: keyIdentifier }) }).toSchema().toBER(false),
    }),
  ];
  await certificate.sign(keys.privateKey, 'SHA-256', engine);
  const der = Buffer.from(certificate.toSchema(true).toBER(false));
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { cert: pem('CERTIFICATE', der), key: pem('PRIVATE KEY', pkcs8) };
}

function generalName(name: string): GeneralName {
  if (name === '::1') return new GeneralName({ type: 7, value: new OctetString({ valueHex: new Uint8Array([...new Array(15).fill(0), 1]) }) });
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return new GeneralName({ type: 7, value: new OctetString({ valueHex: new Uint8Array(name.split('.').map(Number)) }) });
  return new GeneralName({ type: 2, value: name });
}

/** KeyUsage BIT STRING with only digitalSignature set: DER 03 02 07 80. */
function keyUsageDigitalSignature(): ArrayBuffer {
  return new Uint8Array([0x03, 0x02, 0x07, 0x80]).buffer;
}

function pem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END ${label}-----\n`;
}
