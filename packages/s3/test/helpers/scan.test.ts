import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertNoSecretsOnDisk, scanDirectory } from './scan.ts';
import { tempDirectory } from './temp.ts';

describe('the data-directory scan helper', () => {
  const key = new Uint8Array(randomBytes(32));
  const plaintext = new Uint8Array(randomBytes(1000));

  it('passes a directory that holds none of the secrets', async () => {
    const directory = tempDirectory('scan-clean');
    await writeFile(join(directory, 'other'), randomBytes(5000));
    await expect(assertNoSecretsOnDisk(directory, { plaintexts: [plaintext], customerKeys: [key] })).resolves.toBeUndefined();
  });

  it.each([
    ['raw', Buffer.from(key)],
    ['base64', Buffer.from(Buffer.from(key).toString('base64'))],
    ['base64url', Buffer.from(Buffer.from(key).toString('base64url'))],
    ['hex', Buffer.from(Buffer.from(key).toString('hex'))],
    ['HEX', Buffer.from(Buffer.from(key).toString('hex').toUpperCase())],
  ])('finds an SSE-C key stored %s, in a nested file at any offset', async (form, bytes) => {
    const directory = tempDirectory('scan-key');
    await mkdir(join(directory, 'a', 'b'), { recursive: true });
    await writeFile(join(directory, 'a', 'b', 'f'), Buffer.concat([randomBytes(13), bytes, randomBytes(7)]));
    const findings = await scanDirectory(directory, { customerKeys: [key] });
    expect(findings.map((f) => [f.file, f.offset])).toContainEqual([join('a', 'b', 'f'), 13]);
    expect(findings.some((f) => f.secret.includes(`(${form})`))).toBe(true);
  });

  it('finds any 47-byte stretch of a plaintext, not only the whole of it', async () => {
    const directory = tempDirectory('scan-plain');
    await writeFile(join(directory, 'leak'), Buffer.concat([randomBytes(3), plaintext.subarray(500, 547), randomBytes(3)]));
    await expect(assertNoSecretsOnDisk(directory, { plaintexts: [plaintext] })).rejects.toThrow(/plaintext 0 bytes/);
  });

  it('refuses plaintexts too short for a finding to mean anything', async () => {
    await expect(scanDirectory(tempDirectory('scan-short'), { plaintexts: [new Uint8Array(8)] })).rejects.toThrow(RangeError);
  });
});
