/**
 * The data-directory scan: asserts that no file under a directory holds any given plaintext, nor
 * any SSE-C key in any of the forms it travels in (raw bytes, base64, base64url, hex in either
 * case). Every file is read whole and searched at every byte offset (Buffer.indexOf for the few
 * short needles; for the many plaintext windows, a lookup of the 8 bytes at each offset, then a
 * full comparison of the candidates). A plaintext body is searched as a whole and as every 32-byte window at a 16-byte
 * stride, so a leak of any 47 contiguous bytes of it, anywhere, is found, not only a leak of all
 * of it; plaintexts shorter than 32 bytes are searched whole (and must be at least 16 bytes, or a
 * match would prove nothing).
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const WINDOW = 32;
const STRIDE = 16;
const MIN_PLAINTEXT = 16;

/** What must not be found. */
export interface ScanSecrets {
  readonly plaintexts?: readonly Uint8Array[];
  readonly customerKeys?: readonly Uint8Array[];
}

/** One finding: which secret, in what form, in which file, at which offset. */
export interface ScanFinding {
  readonly file: string;
  readonly secret: string;
  readonly offset: number;
}

/** The byte strings to search for, each with a label (never the secret itself). */
export function needlesOf(secrets: ScanSecrets): { label: string; bytes: Buffer }[] {
  const needles: { label: string; bytes: Buffer }[] = [];
  (secrets.plaintexts ?? []).forEach((plaintext, index) => {
    if (plaintext.length < MIN_PLAINTEXT) throw new RangeError(`plaintext ${index} is ${plaintext.length} bytes; scan for at least ${MIN_PLAINTEXT}`);
    const bytes = Buffer.from(plaintext);
    if (bytes.length <= WINDOW) needles.push({ label: `plaintext ${index}`, bytes });
    for (let offset = 0; offset + WINDOW <= bytes.length; offset += STRIDE)
      needles.push({ label: `plaintext ${index} bytes ${offset}..${offset + WINDOW}`, bytes: bytes.subarray(offset, offset + WINDOW) });
  });
  (secrets.customerKeys ?? []).forEach((key, index) => {
    const raw = Buffer.from(key);
    const forms: [string, string | Buffer][] = [
      ['raw', raw],
      ['base64', raw.toString('base64')],
      ['base64 unpadded', raw.toString('base64').replace(/=+$/, '')],
      ['base64url', raw.toString('base64url')],
      ['hex', raw.toString('hex')],
      ['HEX', raw.toString('hex').toUpperCase()],
    ];
    for (const [form, value] of forms) needles.push({ label: `SSE-C key ${index} (${form})`, bytes: Buffer.from(value) });
  });
  return needles;
}

/** Every finding of `secrets` under `directory` (empty when the directory is clean). */
export async function scanDirectory(directory: string, secrets: ScanSecrets): Promise<ScanFinding[]> {
  const needles = needlesOf(secrets);
  // The many 32-byte windows are looked up by their first 8 bytes at every offset of a file (one
  // pass per file); the few other needles are searched with indexOf.
  const windows = new Map<string, { label: string; bytes: Buffer }[]>();
  const others: { label: string; bytes: Buffer }[] = [];
  for (const needle of needles) {
    if (needle.bytes.length !== WINDOW) {
      others.push(needle);
      continue;
    }
    const prefix = needle.bytes.toString('latin1', 0, 8);
    windows.set(prefix, [...(windows.get(prefix) ?? []), needle]);
  }
  const findings: ScanFinding[] = [];
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const file = path.slice(directory.length + 1);
    const content = await readFile(path);
    for (const needle of others) {
      const offset = content.indexOf(needle.bytes);
      if (offset >= 0) findings.push({ file, secret: needle.label, offset });
    }
    if (windows.size === 0) continue;
    for (let offset = 0; offset + WINDOW <= content.length; offset++) {
      const candidates = windows.get(content.toString('latin1', offset, offset + 8));
      if (candidates === undefined) continue;
      for (const candidate of candidates) {
        if (content.compare(candidate.bytes, 0, WINDOW, offset, offset + WINDOW) === 0) findings.push({ file, secret: candidate.label, offset });
      }
    }
  }
  return findings;
}

/**
 * Throws if `directory` holds any of `secrets`, naming the file, form and offset of each.
 * @throws Error listing the findings.
 */
export async function assertNoSecretsOnDisk(directory: string, secrets: ScanSecrets): Promise<void> {
  const findings = await scanDirectory(directory, secrets);
  if (findings.length > 0) {
    throw new Error(
      `the data directory holds secrets:\n${findings
        .slice(0, 20)
        .map((f) => `  ${f.secret} in ${f.file} at ${f.offset}`)
        .join('\n')}`,
    );
  }
}
