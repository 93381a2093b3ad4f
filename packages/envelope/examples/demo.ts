/**
 * Seals a message, prints the sealed format field by field, opens it again, and shows that a
 * single flipped bit and a wrong encryption context are both rejected.
 *
 * Run: `npx --yes pnpm@12.25.1 run demo` (or `npx tsx packages/envelope/examples/demo.ts`).
 */

import { defaultBackend, EnvelopeError, open, openRange, RawAesKeyring, readHeader, seal } from '@strongbox/envelope';

const text = 'Strongbox seals this message in frames of 16 bytes, so it spans several frames.';
const plaintext = new TextEncoder().encode(text);
const context = { purpose: 'demo', tenant: 'acme' };
const keyring = new RawAesKeyring({ name: 'demo-wrapping-key', key: crypto.getRandomValues(new Uint8Array(32)) });

const sealed = await seal(plaintext, { keyring, context, frameLength: 16 });
const header = readHeader(sealed);

const hex = (bytes: Uint8Array, max = 24): string => Buffer.from(bytes.subarray(0, max)).toString('hex') + (bytes.length > max ? `… (${bytes.length} B)` : '');

console.log(`Sealed ${plaintext.length} bytes into ${sealed.length} bytes with the ${defaultBackend.name} backend.\n`);
// Version 2: the key commitment authenticates the header, and the frame key is derived from every
// header byte (README, "Key schedule"); frames carry no header AAD, unlike version 1.
console.log('Header (the key commitment authenticates it, and the frame key is derived from it; nothing here is secret):');
const rows: [string, string][] = [
  ['version', `0x${header.version.toString(16).padStart(2, '0')}`],
  ['suite', `0x${header.suite.toString(16).padStart(4, '0')} (AES-256-GCM frames, HKDF-SHA-256 key derivation, key commitment)`],
  ['message id', hex(header.messageId)],
  ['encryption context', JSON.stringify(header.context)],
  ...header.wrappedKeys.map((key, i): [string, string] => [`wrapped key ${i + 1}`, `${key.keyringId}: ${hex(key.ciphertext)}`]),
  ['frame length', `${header.frameLength} bytes`],
  ['key commitment', hex(header.commitment)],
];
for (const [name, value] of rows) console.log(`  ${name.padEnd(20)} ${value}`);

const bodyLength = sealed.length - header.length;
const frames = Math.floor(plaintext.length / header.frameLength) + 1;
console.log(
  `\nBody: ${frames} frames (${frames - 1} full, 1 final of ${plaintext.length % header.frameLength} bytes), ${bodyLength} bytes with 16-byte tags.\n`,
);

const opened = new TextDecoder().decode(await open(sealed, { keyring, context }));
console.log(`${'open'.padEnd(18)} -> "${opened}"`);
const range = new TextDecoder().decode(await openRange(sealed, 10, 20, { keyring, context }));
console.log(`${'openRange(10, 20)'.padEnd(18)} -> "${range}" (decrypts only the 2 frames it needs)`);

// Flip one bit of a byte in the body (the ciphertext of a frame).
const tampered = sealed.slice();
const target = sealed.length - 40;
tampered[target] = (sealed[target] ?? 0) ^ 0x01;
for (const [label, attempt] of [
  ['one flipped bit', () => open(tampered, { keyring, context })],
  ['wrong context', () => open(sealed, { keyring, context: { purpose: 'demo', tenant: 'evil' } })],
] as const) {
  try {
    await attempt();
    console.log(`${label}: opened (this must never happen)`);
    process.exitCode = 1;
  } catch (error) {
    console.log(`${label.padEnd(18)} -> rejected: ${error instanceof EnvelopeError ? `${error.code}, "${error.message}"` : String(error)}`);
  }
}
