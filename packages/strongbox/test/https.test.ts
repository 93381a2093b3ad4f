/**
 * The HTTPS listener over real sockets: the same services as the HTTP port, a self-signed
 * certificate for localhost made at first start and kept in the data directory (key 0600, reused
 * on restart), or one given with --tls-cert/--tls-key; requests through it are marked secure for
 * the services; clients that trust the certificate connect, clients that do not are refused; the
 * banner's trust lines work for the JS SDK, Python's ssl (what boto3 and the AWS CLI use) and the
 * AWS CLI where they are installed.
 */

import { execFile, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { Agent, createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { type FileIo, type HttpRequest, json11Response, nodeFileIo, toNodeListener } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, listenerCertificate, SELF_SIGNED_NAMES } from '../src/certificate.ts';
import { startServer } from '../src/index.ts';
import { runInProcess, serveInProcess, useTempDir } from './helpers/cli.ts';

const dir = useTempDir();

function kmsOver(url: string, ca?: string): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    ...(ca === undefined ? {} : { requestHandler: { httpsAgent: new Agent({ ca }) } }),
  });
}

describe('the self-signed certificate', () => {
  it('names localhost, *.localhost, *.s3.localhost, 127.0.0.1 and ::1, is self-signed, and is valid now', async () => {
    const now = new Date();
    const { cert, key } = await createSelfSignedCertificate(now);
    const x509 = new X509Certificate(cert);
    expect(x509.subjectAltName).toBe('DNS:localhost, DNS:*.localhost, DNS:s3.localhost, DNS:*.s3.localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(SELF_SIGNED_NAMES).toEqual(['localhost', '*.localhost', 's3.localhost', '*.s3.localhost', '127.0.0.1', '::1']);
    expect(x509.checkHost('localhost')).toBe('localhost');
    // S3 virtual-hosted names under s3.localhost match; a single label under *.localhost does not
    // for TLS clients (a wildcard needs two labels after it).
    expect(x509.checkHost('bucket.s3.localhost')).toBe('*.s3.localhost');
    expect(x509.checkHost('bucket.localhost')).toBeUndefined();
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBeDefined();
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.ca).toBe(false);
    expect(new Date(x509.validFrom).getTime()).toBeLessThanOrEqual(now.getTime());
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(now.getTime() + 800 * 86_400_000);
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    // Each is new: two starts without a data directory do not share a key.
    expect((await createSelfSignedCertificate(now)).cert).not.toBe(cert);
  });

  it('is kept in the data directory with a 0600 key, and reused on the next start', async () => {
    const data = join(dir.path, 'kept');
    const first = await listenerCertificate({ dataDirectory: data, now: new Date() });
    expect(first.origin).toBe('created');
    expect(first.certPath).toBe(join(data, 'tls', 'cert.pem'));
    expect((await stat(join(data, 'tls', 'key.pem'))).mode & 0o777).toBe(0o600);
    const second = await listenerCertificate({ dataDirectory: data, now: new Date() });
    expect([second.origin, second.fingerprint256]).toEqual(['reused', first.fingerprint256]);
    // Within a week of its end it is made again.
    const later = await listenerCertificate({ dataDirectory: data, now: new Date(Date.now() + 820 * 86_400_000) });
    expect(later.origin).toBe('created');
    expect(later.fingerprint256).not.toBe(first.fingerprint256);
  });

  it('is written into a tls/ directory made durably first (its entry in the data directory fsynced before the key is written)', async () => {
    const data = join(dir.path, 'durable');
    const tlsDirectory = join(data, 'tls');
    const steps: string[] = [];
    const io: FileIo = {
      ...nodeFileIo,
      async mkdir(path, mode) {
        await nodeFileIo.mkdir!(path, mode);
        steps.push(`mkdir ${path}: ${(await readdir(path)).length} entries`);
      },
      async syncDirectory(path) {
        await nodeFileIo.syncDirectory!(path);
        steps.push(`fsync ${path}: ${(await readdir(tlsDirectory).catch(() => [])).length} entries in tls`);
      },
    };
    const tls = await listenerCertificate({ dataDirectory: data, now: new Date(), io });
    expect(tls.origin).toBe('created');
    expect(steps).toContain(`mkdir ${tlsDirectory}: 0 entries`);
    expect(steps.indexOf(`fsync ${data}: 0 entries in tls`)).toBeGreaterThan(steps.indexOf(`mkdir ${tlsDirectory}: 0 entries`));
    expect((await readdir(tlsDirectory)).sort()).toEqual(['cert.pem', 'key.pem']);
  });

  it('without a data directory, writes only the certificate (to a temporary file removed on release)', async () => {
    const tls = await listenerCertificate({ now: new Date() });
    const folder = join(tls.certPath, '..');
    expect(await readdir(folder)).toEqual(['cert.pem']);
    expect(await readFile(tls.certPath, 'utf8')).toBe(tls.cert);
    await tls.release();
    await expect(stat(folder)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses given files that are missing, not PEM, or a key of another certificate, naming the flag', async () => {
    const a = await createSelfSignedCertificate(new Date());
    const b = await createSelfSignedCertificate(new Date());
    const certPath = await dir.file('a.pem', a.cert);
    const otherKey = await dir.file('b.key', b.key);
    const notPem = await dir.file('x.pem', 'hello');
    const given = (cert: string, key: string) => listenerCertificate({ given: { certPath: cert, keyPath: key }, now: new Date() });
    await expect(given(join(dir.path, 'missing.pem'), otherKey)).rejects.toThrow(/^cannot read --tls-cert '.*missing\.pem': no such file$/);
    await expect(given(notPem, otherKey)).rejects.toThrow(/--tls-cert '.*x\.pem' is not a PEM certificate/);
    await expect(given(certPath, notPem)).rejects.toThrow(/--tls-key '.*x\.pem' is not a PEM private key/);
    await expect(given(certPath, otherKey)).rejects.toThrow(/is not the key of the certificate/);
    // The CLI prints it as its one line and exits 1 (`STRONGBOX_ERRORS`).
    await expect(given(notPem, otherKey)).rejects.toMatchObject({ name: 'StrongboxError', code: 'CERTIFICATE', exitCode: 1 });
  });
});

describe('the kernel edge over TLS', () => {
  it('marks requests from the HTTPS socket secure, and those from the HTTP socket not', async () => {
    const seen: HttpRequest[] = [];
    const listener = toNodeListener(async (request) => {
      seen.push(request);
      return json11Response(200, 'r', '{}');
    });
    const { cert, key } = await createSelfSignedCertificate(new Date());
    const secure = createHttpsServer({ cert, key }, listener);
    const plain = (await import('node:http')).createServer(listener);
    await Promise.all([secure, plain].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
    try {
      const call = (send: typeof httpRequest, port: number, options: object) =>
        new Promise<void>((resolve, reject) => {
          const sent = send({ host: '127.0.0.1', port, method: 'POST', path: '/', ...options }, (response) => response.resume().on('end', resolve));
          sent.on('error', reject);
          sent.end('{}');
        });
      await call(httpsRequest as typeof httpRequest, (secure.address() as AddressInfo).port, { ca: cert, servername: 'localhost' });
      await call(httpRequest, (plain.address() as AddressInfo).port, {});
      expect(seen.map((request) => request.secure)).toEqual([true, undefined]);
    } finally {
      await Promise.all([secure, plain].map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });
});

describe('startServer with https', () => {
  it('serves the same endpoint on both ports; a client trusting the certificate connects, one that does not is refused', async () => {
    const server = await startServer({ port: 0, https: { port: 0 }, dataDirectory: join(dir.path, 'both') });
    try {
      const https = server.https;
      if (https === undefined) throw new Error('no https listener');
      expect(https.url).toBe(`https://127.0.0.1:${https.port}`);
      expect(https.port).not.toBe(server.port);
      const ca = await readFile(https.certificate.path, 'utf8');
      expect(new X509Certificate(ca).fingerprint256).toBe(https.certificate.fingerprint256);
      const trusting = kmsOver(https.url, ca);
      const plain = kmsOver(server.url);
      await expect(trusting.send(new ListKeysCommand({}))).resolves.toMatchObject({ Keys: [] });
      await expect(plain.send(new ListKeysCommand({}))).resolves.toMatchObject({ Keys: [] });
      const untrusting = kmsOver(https.url);
      await expect(untrusting.send(new ListKeysCommand({}))).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/) });
      for (const client of [trusting, plain, untrusting]) client.destroy();
    } finally {
      await server.close();
    }
  });

  it('serves a given certificate, and says so', async () => {
    const made = await createSelfSignedCertificate(new Date());
    const certPath = await dir.file('given.pem', made.cert);
    const keyPath = await dir.file('given.key', made.key);
    const server = await startServer({ port: 0, https: { port: 0, certificate: { certPath, keyPath } } });
    try {
      expect(server.https?.certificate).toMatchObject({ path: certPath, origin: 'given', fingerprint256: new X509Certificate(made.cert).fingerprint256 });
      const client = kmsOver(server.https?.url ?? '', made.cert);
      await expect(client.send(new ListKeysCommand({}))).resolves.toBeDefined();
      client.destroy();
    } finally {
      await server.close();
    }
  });

  it('closes the store and the HTTP port when the HTTPS port cannot be bound', async () => {
    const blocker = await startServer({ port: 0 });
    try {
      const data = join(dir.path, 'busy');
      await expect(startServer({ port: 0, https: { port: blocker.port }, dataDirectory: data })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // The data directory's lock was released: it opens again.
      const again = await startServer({ port: 0, dataDirectory: data });
      await again.close();
    } finally {
      await blocker.close();
    }
  });
});

describe('strongbox serve --https-port', () => {
  it('fails with one line and exit 1 when a given certificate cannot be read', async () => {
    const missing = join(dir.path, 'nowhere.pem');
    const exit = await runInProcess(['serve', '--port', '0', '--https-port', '0', '--tls-cert', missing, '--tls-key', missing]);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toBe(`strongbox: cannot read --tls-cert '${missing}': no such file\n`);
  });

  it('prints both endpoints, the certificate, and how each client trusts it; the JS SDK line works', async () => {
    const serving = await serveInProcess(['--https-port', '0', '--data', join(dir.path, 'cli')]);
    try {
      const out = serving.stdout();
      const httpsUrl = /listening on http:\/\/\S+ and (https:\/\/\S+)/.exec(out)?.[1] ?? '';
      expect(httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const certPath = join(dir.path, 'cli', 'tls', 'cert.pem');
      expect(out).toContain(`Certificate: ${certPath}  (self-signed for localhost, *.s3.localhost, 127.0.0.1 and ::1, made now)`);
      expect(out).toContain(`--ca-bundle ${certPath}    (or --no-verify-ssl)`);
      expect(out).toContain(`verify='${certPath}')    (or verify=False)`);
      expect(out).toContain(`NODE_EXTRA_CA_CERTS=${certPath} node app.js`);
      const client = kmsOver(httpsUrl, await readFile(certPath, 'utf8'));
      await expect(client.send(new ListKeysCommand({}))).resolves.toBeDefined();
      client.destroy();
    } finally {
      await serving.stop();
    }
  });
});

describe('other clients', () => {
  const python = spawnSync('python3', ['-c', 'import ssl'], { stdio: 'ignore' }).status === 0;
  const hasAws = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!python) console.log('python3 is not installed here: the Python ssl check is skipped');
  if (!hasAws) console.log('the AWS CLI is not installed here: its HTTPS check is skipped');

  it.skipIf(!python)("is accepted by Python's ssl with strict X.509 verification (what boto3 and the AWS CLI use)", async () => {
    const server = await startServer({ port: 0, https: { port: 0 } });
    try {
      const script = await dir.file(
        'tls-check.py',
        [
          'import ssl, sys, urllib.request, urllib.error',
          'ctx = ssl.create_default_context(cafile=sys.argv[2])',
          'ctx.verify_flags |= getattr(ssl, "VERIFY_X509_STRICT", 0)',
          'try:',
          '    urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"{}", method="POST"), context=ctx)',
          'except urllib.error.HTTPError as error:',
          '    print("http", error.code)',
        ].join('\n'),
      );
      const https = server.https!;
      for (const url of [https.url, https.url.replace('127.0.0.1', 'localhost')]) {
        const { stdout } = await promisify(execFile)('python3', [script, `${url}/`, https.certificate.path]);
        // The TLS handshake and hostname check passed; the endpoint answered (S3 claims a POST / without X-Amz-Target: 405).
        expect(stdout.trim()).toBe('http 405');
      }
    } finally {
      await server.close();
    }
  });

  it.skipIf(!hasAws)("runs the banner's AWS CLI line over HTTPS with --ca-bundle", async () => {
    const serving = await serveInProcess(['--https-port', '0']);
    try {
      const line = /aws kms list-keys [^\n]+--ca-bundle \S+/.exec(serving.stdout())?.[0] ?? '';
      const { stdout } = await promisify(execFile)('sh', ['-c', line], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' },
      });
      expect(JSON.parse(stdout)).toEqual({ Keys: [] });
    } finally {
      await serving.stop();
    }
  });
});
