import crypto from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import { seal, open, RawAesKeyring } from './src/index.ts';
import { nobleBackend } from './src/backend/noble.ts';
const key = crypto.randomBytes(32), iv = crypto.randomBytes(12);
const keyring = new RawAesKeyring({ name: 'b', key: crypto.randomBytes(32), backend: nobleBackend });
for (const size of [1 << 20, 16 << 20]) {
  const buf = new Uint8Array(crypto.randomBytes(size));
  const sealed = await seal(buf, { keyring, backend: nobleBackend });
  const ct = gcm(key, iv).encrypt(buf);
  const variants: Record<string, () => unknown> = {
    'raw noble encrypt': () => gcm(key, iv).encrypt(buf),
    'seal (noble)': () => seal(buf, { keyring, backend: nobleBackend }),
    'raw noble decrypt': () => gcm(key, iv).decrypt(ct),
    'open (noble)': () => open(sealed, { keyring, backend: nobleBackend }),
  };
  const times: Record<string, number[]> = {};
  for (const fn of Object.values(variants)) await fn();
  for (let r = 0; r < 3; r++) for (const [n, fn] of Object.entries(variants)) { const t = process.hrtime.bigint(); await fn(); (times[n] ??= []).push(Number(process.hrtime.bigint() - t)); }
  const med = (a: number[]) => a.sort((x, y) => x - y)[1]!;
  console.log(size, 'seal/raw', (med(times['raw noble encrypt']!) / med(times['seal (noble)']!)).toFixed(2), 'open/raw', (med(times['raw noble decrypt']!) / med(times['open (noble)']!)).toFixed(2), (size / med(times['seal (noble)']!) * 1000).toFixed(1), 'MB/s');
}
