/**
 * @module
 * The HTTPS listener's certificate: given (`--tls-cert`/`--tls-key`, PEM files), or self-signed
 * and made at first start. A self-signed one is an ECDSA P-256 certificate for the names a local
 * endpoint is reached by (`localhost`, `*.localhost`, `*.s3.localhost`, `127.0.0.1`, `::1`), made with
 * `pkijs` over WebCrypto (node:crypto cannot issue X.509 certificates) in `self-signed.ts`, which
 * loads only when a certificate is made. With a data directory it is kept there
 * (`tls/cert.pem`, and `tls/key.pem` created 0600 with the kernel's exclusive durable create) and
 * reused while it is valid; without one it lives in memory, and only the certificate (public) is
 * written to a temporary file, so clients can be pointed at it.
 */

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDirectoryDurably, createFileExclusivelyDurably, type FileIo, replaceFileDurably } from '@strongbox/service-kernel';
import { TLS_DIRECTORY } from './data-files.ts';
import { StrongboxError } from './errors.ts';

/**
 * The names a self-signed certificate covers (SubjectAltName). TLS clients (OpenSSL, Node's
 * `checkServerIdentity`) do not match a wildcard with a single label after it, so `*.localhost`
 * does not cover `bucket.localhost` for them; `*.s3.localhost` does cover S3's virtual-hosted
 * `bucket.s3.localhost`. An IP endpoint (`https://127.0.0.1:port`) makes the SDKs use path-style.
 */
export const SELF_SIGNED_NAMES: readonly string[] = Object.freeze(['localhost', '*.localhost', 's3.localhost', '*.s3.localhost', '127.0.0.1', '::1']);

/** How long a self-signed certificate is valid: 825 days, the longest Apple platforms accept for a TLS server certificate. */
const VALIDITY_MS = 825 * 24 * 60 * 60 * 1000;
/** Made again when less than this is left. */
const RENEW_BEFORE_MS = 7 * 24 * 60 * 60 * 1000;
/** A certificate and its key, ready for `https.createServer`. */
export interface TlsMaterial {
  /** PEM certificate. */
  readonly cert: string;
  /** PEM PKCS#8 private key (kept in memory; on disk only in a data directory, 0600). */
  readonly key: string;
  /** Where the certificate is on disk, for `--ca-bundle`, `verify=` or `NODE_EXTRA_CA_CERTS`. */
  readonly certPath: string;
  /** SHA-256 fingerprint, as `openssl x509 -fingerprint -sha256` prints it. */
  readonly fingerprint256: string;
  /** `given`, `created` now, or `reused` from the data directory. */
  readonly origin: 'given' | 'created' | 'reused';
  /** Removes what was written only for this run (the temporary certificate file). */
  release(): Promise<void>;
}

/**
 * Makes a self-signed certificate for `SELF_SIGNED_NAMES`, valid from `now` for 825 days. The
 * X.509 code (pkijs, asn1js) loads on the first call only: a server without HTTPS, or with a
 * certificate kept in its data directory, never loads it.
 * @example const { cert, key } = await createSelfSignedCertificate(new Date());
 */
export async function createSelfSignedCertificate(now: Date): Promise<{ cert: string; key: string }> {
  const { issueSelfSigned } = await import('./self-signed.ts');
  // Backdated a minute: a client whose clock is a little behind still accepts it.
  return issueSelfSigned({ names: SELF_SIGNED_NAMES, notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + VALIDITY_MS) });
}

/**
 * The listener's certificate: read from `given` files, else kept in (or made for) `dataDirectory`,
 * else made for this run.
 *
 * @throws StrongboxError CERTIFICATE naming the flag and file when a given certificate or key cannot be
 *   read, is not PEM, or the key does not belong to the certificate; file-system errors of the
 *   data directory as they are.
 * @example const tls = await listenerCertificate({ dataDirectory: '/var/lib/strongbox', now: new Date() });
 */
export async function listenerCertificate(options: {
  readonly given?: { readonly certPath: string; readonly keyPath: string };
  readonly dataDirectory?: string;
  readonly now: Date;
  /** The file layer `<dataDirectory>/tls` is created through (tests record its steps). Default: the kernel's `nodeFileIo`. */
  readonly io?: FileIo;
}): Promise<TlsMaterial> {
  if (options.given) return givenCertificate(options.given.certPath, options.given.keyPath);
  if (options.dataDirectory !== undefined) return keptCertificate(join(options.dataDirectory, TLS_DIRECTORY), options.now, options.io);
  const made = await createSelfSignedCertificate(options.now);
  const directory = await mkdtemp(join(tmpdir(), 'strongbox-tls-'));
  const certPath = join(directory, 'cert.pem');
  await writeFile(certPath, made.cert, { mode: 0o644 });
  return material(made, certPath, 'created', () => rm(directory, { recursive: true, force: true }));
}

async function givenCertificate(certPath: string, keyPath: string): Promise<TlsMaterial> {
  const cert = await readGiven('--tls-cert', certPath);
  const key = await readGiven('--tls-key', keyPath);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new StrongboxError('CERTIFICATE', `--tls-cert '${certPath}' is not a PEM certificate`);
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new StrongboxError('CERTIFICATE', `--tls-key '${keyPath}' is not a PEM private key`);
  }
  if (!matches) throw new StrongboxError('CERTIFICATE', `--tls-key '${keyPath}' is not the key of the certificate in '${certPath}'`);
  return material({ cert, key }, certPath, 'given', async () => {});
}

async function readGiven(flag: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new StrongboxError('CERTIFICATE', `cannot read ${flag} '${path}': ${why}`);
  }
}

/** The data directory's certificate, made (or made again, when it is about to expire) as needed. */
async function keptCertificate(directory: string, now: Date, io?: FileIo): Promise<TlsMaterial> {
  const certPath = join(directory, 'cert.pem');
  const keyPath = join(directory, 'key.pem');
  const existing = await readKept(certPath, keyPath);
  if (existing !== undefined && new Date(new X509Certificate(existing.cert).validTo).getTime() - RENEW_BEFORE_MS > now.getTime()) {
    return material(existing, certPath, 'reused', async () => {});
  }
  const made = await createSelfSignedCertificate(now);
  // Durably (its entry in the data directory fsynced), or a power loss could take the pair away
  // and the next start would make a certificate the clients told to verify it do not trust.
  // Recursive: a library caller may name a data directory not made yet.
  await createDirectoryDurably(directory, { recursive: true, mode: 0o700, ...(io === undefined ? {} : { io }) });
  // The key first, exclusively and 0600 (a replaced key is removed first: the exclusive create
  // refuses to overwrite); the certificate, public, replaces the old one atomically.
  if (existing !== undefined) await rm(keyPath, { force: true });
  await createFileExclusivelyDurably(keyPath, Buffer.from(made.key));
  await replaceFileDurably(directory, 'cert.pem', Buffer.from(made.cert));
  return material(made, certPath, 'created', async () => {});
}

async function readKept(certPath: string, keyPath: string): Promise<{ cert: string; key: string } | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return new X509Certificate(cert).checkPrivateKey(createPrivateKey(key)) ? { cert, key } : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A damaged pair is made again rather than served.
    return undefined;
  }
}

function material(pair: { cert: string; key: string }, certPath: string, origin: TlsMaterial['origin'], release: () => Promise<void>): TlsMaterial {
  return { ...pair, certPath, origin, fingerprint256: new X509Certificate(pair.cert).fingerprint256, release };
}
