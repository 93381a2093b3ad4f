/**
 * Where `sb.listen({ https })` puts its self-signed certificate when there is no data directory,
 * and when it goes away, as the README says: `https.certificate.path` is a `cert.pem` in a
 * `strongbox-tls-*` folder of the OS temporary folder, removed by the listener's `close()` or by
 * `sb.close()`, and nothing else (a process that ends without closing leaves it).
 */

import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { expect, it } from 'vitest';
import { createStrongbox } from '../src/index.ts';

it("names the temporary certificate as https.certificate.path, and the listener's close() removes its folder", async () => {
  const sb = await createStrongbox();
  try {
    const listener = await sb.listen({ https: { port: 0 } });
    const certificate = listener.https!.certificate;
    expect(certificate.origin).toBe('created');
    expect(dirname(dirname(certificate.path))).toBe(tmpdir());
    expect(basename(dirname(certificate.path))).toMatch(/^strongbox-tls-/);
    expect(basename(certificate.path)).toBe('cert.pem');
    expect(await readFile(certificate.path, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
    await listener.close();
    await expect(stat(dirname(certificate.path))).rejects.toMatchObject({ code: 'ENOENT' });
  } finally {
    await sb.close();
  }
});

it('sb.close() removes the temporary certificate of a listener not closed by itself', async () => {
  const sb = await createStrongbox();
  const listener = await sb.listen({ https: { port: 0 } });
  const folder = dirname(listener.https!.certificate.path);
  expect((await stat(folder)).isDirectory()).toBe(true);
  await sb.close();
  await expect(stat(folder)).rejects.toMatchObject({ code: 'ENOENT' });
});
