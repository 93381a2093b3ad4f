/**
 * Self-describing bodies for the crash test: a header line naming the key, version and size,
 * then bytes derived from that header. A body is intact exactly when it regenerates from its own
 * header, so a torn, truncated or mixed body is caught without any record of what was written.
 */

import { createHash } from 'node:crypto';

/** The body for (key, version) of `size` bytes after the header. */
export function crashBody(key: string, version: number, size: number): Uint8Array {
  const header = Buffer.from(`${JSON.stringify({ key, version, size })}\n`);
  const seed = createHash('sha256').update(header).digest();
  const body = Buffer.alloc(header.length + size);
  header.copy(body);
  for (let index = 0; index < size; index++) body[header.length + index] = (seed[index % 32] ?? 0) ^ (index & 0xff) ^ ((index >>> 8) & 0xff);
  return new Uint8Array(body);
}

/** Parses and checks a body; undefined if it is not exactly what its header says. */
export function checkCrashBody(bytes: Uint8Array): { key: string; version: number } | undefined {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return undefined;
  let header: { key: string; version: number; size: number };
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(0, newline)).toString('utf8')) as typeof header;
  } catch {
    return undefined;
  }
  const expected = crashBody(header.key, header.version, header.size);
  return Buffer.from(expected).equals(Buffer.from(bytes)) ? { key: header.key, version: header.version } : undefined;
}
