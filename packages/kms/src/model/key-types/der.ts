/**
 * @module
 * The few DER structures node:crypto cannot build for us: SubjectPublicKeyInfo (RFC 5280 §4.1) and
 * PKCS #8 PrivateKeyInfo (RFC 5208) for ML-DSA (RFC 9881) and ML-KEM (RFC 9935, the IETF LAMPS
 * "kyber-certificates" profile), and the PKCS #1 DigestInfo prefixes (RFC 8017 §9.2 note 1).
 *
 * ML-DSA and ML-KEM private keys are written in the `seed` form (`[0] IMPLICIT OCTET STRING`: 32
 * bytes for ML-DSA, 64 for ML-KEM), from which the expanded keys are derived: the smallest form,
 * and the one both RFCs recommend.
 */

/** An object identifier, as its DER content bytes. */
type Oid = readonly number[];

const NIST_ALGS = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04];
/** id-ml-dsa-44/65/87: 2.16.840.1.101.3.4.3.17/18/19 (RFC 9881 §2). */
export const ML_DSA_OIDS: Readonly<Record<'ML_DSA_44' | 'ML_DSA_65' | 'ML_DSA_87', Oid>> = Object.freeze({
  ML_DSA_44: [...NIST_ALGS, 0x03, 0x11],
  ML_DSA_65: [...NIST_ALGS, 0x03, 0x12],
  ML_DSA_87: [...NIST_ALGS, 0x03, 0x13],
});
/** id-alg-ml-kem-512/768/1024: 2.16.840.1.101.3.4.4.1/2/3. */
export const ML_KEM_OIDS: Readonly<Record<'ML_KEM_512' | 'ML_KEM_768' | 'ML_KEM_1024', Oid>> = Object.freeze({
  ML_KEM_512: [...NIST_ALGS, 0x04, 0x01],
  ML_KEM_768: [...NIST_ALGS, 0x04, 0x02],
  ML_KEM_1024: [...NIST_ALGS, 0x04, 0x03],
});

function length(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  if (n < 0x10000) return [0x82, n >> 8, n & 0xff];
  throw new RangeError(`"length" expected < 65536, got ${n}`);
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const header = [tag, ...length(content.length)];
  const out = new Uint8Array(header.length + content.length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function algorithmIdentifier(oid: Oid): Uint8Array {
  // RFC 9881 §2 / the ML-KEM profile: "the parameters field MUST be absent".
  return tlv(0x30, tlv(0x06, Uint8Array.from(oid)));
}

/**
 * DER SubjectPublicKeyInfo whose subjectPublicKey is the raw public key bytes.
 *
 * @example
 * ```ts
 * const spki = encodeSpki(ML_DSA_OIDS.ML_DSA_44, publicKey); // what GetPublicKey returns
 * ```
 */
export function encodeSpki(oid: Oid, publicKey: Uint8Array): Uint8Array {
  return tlv(0x30, concat(algorithmIdentifier(oid), tlv(0x03, concat(Uint8Array.of(0), publicKey))));
}

/** DER PKCS #8 PrivateKeyInfo (version 0) holding `seed` in the `[0] IMPLICIT OCTET STRING` seed form. */
export function encodeSeedPkcs8(oid: Oid, seed: Uint8Array): Uint8Array {
  return tlv(0x30, concat(Uint8Array.of(0x02, 0x01, 0x00), algorithmIdentifier(oid), tlv(0x04, tlv(0x80, seed))));
}

/**
 * The seed of a PKCS #8 key made by `encodeSeedPkcs8` with `oid` and a seed of `seedLength`
 * bytes, or `undefined` for anything else. Parsing is by exact layout: these keys only ever come
 * from this module (key records and their persisted form).
 */
export function decodeSeedPkcs8(oid: Oid, seedLength: number, der: Uint8Array): Uint8Array | undefined {
  const expected = encodeSeedPkcs8(oid, new Uint8Array(seedLength));
  if (der.length !== expected.length) return undefined;
  const prefix = expected.length - seedLength;
  for (let i = 0; i < prefix; i++) if (der[i] !== expected[i]) return undefined;
  return der.slice(prefix);
}

/**
 * The raw public key of a SubjectPublicKeyInfo with algorithm `oid` and no parameters, or
 * `undefined` when `der` is not exactly that.
 */
export function decodeSpki(oid: Oid, der: Uint8Array): Uint8Array | undefined {
  const algorithm = algorithmIdentifier(oid);
  if (der.length < 4 || der[0] !== 0x30) return undefined;
  const outer = readLength(der, 1);
  if (outer === undefined || outer.end + outer.length !== der.length) return undefined;
  let offset = outer.end;
  for (let i = 0; i < algorithm.length; i++) if (der[offset + i] !== algorithm[i]) return undefined;
  offset += algorithm.length;
  if (der[offset] !== 0x03) return undefined;
  const bits = readLength(der, offset + 1);
  if (bits === undefined || bits.end + bits.length !== der.length || bits.length < 1 || der[bits.end] !== 0) return undefined;
  return der.slice(bits.end + 1);
}

function readLength(der: Uint8Array, offset: number): { length: number; end: number } | undefined {
  const first = der[offset];
  if (first === undefined) return undefined;
  if (first < 0x80) return { length: first, end: offset + 1 };
  const count = first & 0x7f;
  if (count < 1 || count > 2 || offset + 1 + count > der.length) return undefined;
  let value = 0;
  for (let i = 0; i < count; i++) value = value * 256 + (der[offset + 1 + i] ?? 0);
  // DER: the shortest length form only.
  if ((count === 1 && value < 0x80) || (count === 2 && value < 0x100)) return undefined;
  return { length: value, end: offset + 1 + count };
}

/** PKCS #1 v1.5 DigestInfo prefixes for SHA-256/384/512 (RFC 8017 §9.2, note 1). */
export const DIGEST_INFO_PREFIXES: Readonly<Record<'sha256' | 'sha384' | 'sha512', Uint8Array>> = Object.freeze({
  sha256: Uint8Array.from([0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]),
  sha384: Uint8Array.from([0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30]),
  sha512: Uint8Array.from([0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40]),
});

/** DigestInfo ‖ digest, the T of EMSA-PKCS1-v1_5 (RFC 8017 §9.2 step 2). */
export function digestInfo(hash: 'sha256' | 'sha384' | 'sha512', digest: Uint8Array): Uint8Array {
  return concat(DIGEST_INFO_PREFIXES[hash], digest);
}
