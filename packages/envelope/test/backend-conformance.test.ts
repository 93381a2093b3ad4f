/**
 * One conformance suite for both backends: fresh, unaliased outputs; untouched inputs; strict tag
 * handling; single-use streams; argument validation. Plus the package's default-backend selection
 * and the rule that the portable entry point imports no Node.js built-ins.
 */

import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../src/backend/noble.ts';
import { nodeBackend } from '../src/backend/node.ts';
import type { Backend } from '../src/backend/types.ts';
import { defaultBackend } from '../src/index.ts';
import { defined } from './helpers/defined.ts';
import { concat, toHex } from './helpers/wycheproof.ts';

const bytes = (length: number, seed = 1): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 17 + 5) & 0xff);

/** Copies `parts` into one shared ArrayBuffer at odd offsets, the way Buffer's pool hands out views. */
function pooled(...parts: readonly Uint8Array[]): Uint8Array[] {
  const pool = new Uint8Array(parts.reduce((sum, part) => sum + part.length + 3, 1));
  let offset = 1;
  return parts.map((part) => {
    const view = pool.subarray(offset, offset + part.length);
    view.set(part);
    offset += part.length + 3;
    return view;
  });
}

/** Nonce lengths around both backends' internal switches: noble's one-shot needs >= 8, OpenSSL takes <= 128. */
const NONCE_LENGTHS = [1, 7, 8, 12, 16, 128, 129, 257];
const NOT_BYTES: readonly unknown[] = [null, 42, 'bytes', new Uint32Array(4), [1, 2, 3], new ArrayBuffer(16)];
const NOT_INTEGERS: readonly unknown[] = [null, '16', 1.5, Number.NaN, 2n];

function runConformance(backend: Backend): void {
  describe(`the ${backend.name} backend`, () => {
    const key = bytes(32, 2);
    const nonce = bytes(12, 3);

    it.each(NONCE_LENGTHS)('returns fresh plain Uint8Arrays sharing no memory with pooled inputs (nonce of %i bytes)', (nonceLength) => {
      const [k, n, pt, aad] = pooled(key, bytes(nonceLength, 3), bytes(45, 4), bytes(9, 5));
      const sealed = backend.aesGcmEncrypt(k!, n!, pt!, aad);
      const [pooledSealed] = pooled(sealed);
      const encryptor = backend.aesGcmEncryptor(k!, n!, aad);
      const decryptor = backend.aesGcmUnverifiedDecryptor(k!, n!, aad);
      const outputs: Record<string, Uint8Array> = {
        sealed,
        opened: backend.aesGcmDecrypt(k!, n!, pooledSealed!, aad) ?? new Uint8Array(1),
        emptyOpened: backend.aesGcmDecrypt(k!, n!, backend.aesGcmEncrypt(k!, n!, pt!.subarray(0, 0)), undefined) ?? new Uint8Array(1),
        update: encryptor.update(pt!),
        emptyUpdate: encryptor.update(pt!.subarray(0, 0)),
        tag: encryptor.final(),
        updateUnverified: decryptor.updateUnverified(pooledSealed!.subarray(0, 45)),
        hmac: backend.hmacSha256(k!, pt!),
        hkdf: backend.hkdfSha256(k!, n!, aad!, 100),
        emptyHkdf: backend.hkdfSha256(k!, n!, aad!, 0),
        random: backend.randomBytes(33),
      };
      expect(toHex(outputs.opened!)).toBe(toHex(pt!));
      expect(outputs.emptyOpened).toHaveLength(0);
      for (const [name, out] of Object.entries(outputs)) {
        expect(Object.getPrototypeOf(out), name).toBe(Uint8Array.prototype);
        expect([out.byteOffset, out.buffer.byteLength], name).toEqual([0, out.length]);
        expect(out.buffer === k!.buffer || out.buffer === pooledSealed!.buffer, name).toBe(false);
      }
    });

    it.each(NONCE_LENGTHS)('never modifies its inputs, on success or on authentication failure (nonce of %i bytes)', (nonceLength) => {
      const inputs = pooled(key, bytes(nonceLength, 3), bytes(45, 4), bytes(9, 5));
      const [k, n, pt, aad] = inputs as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
      const snapshot = inputs.map(toHex);
      const sealed = backend.aesGcmEncrypt(k, n, pt, aad);
      const [good, bad] = pooled(
        sealed,
        sealed.map((byte, i) => (i === 3 ? byte ^ 1 : byte)),
      );
      const sealedSnapshot = [toHex(good!), toHex(bad!)];
      expect(backend.aesGcmDecrypt(k, n, good!, aad)).toBeDefined();
      expect(backend.aesGcmDecrypt(k, n, bad!, aad)).toBeUndefined();
      const encryptor = backend.aesGcmEncryptor(k, n, aad);
      encryptor.update(pt);
      encryptor.final();
      for (const chunk of [good!, bad!]) {
        const decryptor = backend.aesGcmUnverifiedDecryptor(k, n, aad);
        decryptor.updateUnverified(chunk.subarray(0, 45));
        decryptor.verify(chunk.subarray(45));
      }
      backend.hmacSha256(k, pt);
      backend.hkdfSha256(k, n, aad, 64);
      expect(inputs.map(toHex)).toEqual(snapshot);
      expect([toHex(good!), toHex(bad!)]).toEqual(sealedSnapshot);
    });

    it.each([5, 12, 16])('rejects a one-bit change anywhere in tag, ciphertext, aad or nonce (nonce of %i bytes)', (nonceLength) => {
      const n = bytes(nonceLength, 3);
      const aad = bytes(11, 5);
      const sealed = backend.aesGcmEncrypt(key, n, bytes(37, 4), aad);
      const flip = (input: Uint8Array, i: number): Uint8Array => input.map((byte, j) => (j === i ? byte ^ (1 << (i % 8)) : byte));
      let rejected = 0;
      for (let i = 0; i < sealed.length; i++) {
        expect(backend.aesGcmDecrypt(key, n, flip(sealed, i), aad), `sealed byte ${i}`).toBeUndefined();
        const decryptor = backend.aesGcmUnverifiedDecryptor(key, n, aad);
        decryptor.updateUnverified(flip(sealed, i).subarray(0, 37));
        expect(decryptor.verify(flip(sealed, i).subarray(37)), `streamed byte ${i}`).toBe(false);
        rejected++;
      }
      for (let i = 0; i < aad.length; i++, rejected++) expect(backend.aesGcmDecrypt(key, n, sealed, flip(aad, i))).toBeUndefined();
      for (let i = 0; i < n.length; i++, rejected++) expect(backend.aesGcmDecrypt(key, flip(n, i), sealed, aad)).toBeUndefined();
      expect(backend.aesGcmDecrypt(bytes(32, 9), n, sealed, aad)).toBeUndefined();
      expect(backend.aesGcmDecrypt(key, n, sealed)).toBeUndefined();
      expect(rejected).toBe(53 + 11 + nonceLength);
      expect(backend.aesGcmDecrypt(key, n, sealed, aad)).toEqual(bytes(37, 4));
    });

    it('treats an omitted aad exactly like an empty one', () => {
      const sealed = backend.aesGcmEncrypt(key, nonce, bytes(20));
      expect(toHex(backend.aesGcmEncrypt(key, nonce, bytes(20), new Uint8Array(0)))).toBe(toHex(sealed));
      expect(backend.aesGcmDecrypt(key, nonce, sealed, new Uint8Array(0))).toEqual(bytes(20));
    });

    it('rejects a tag truncated by 1 to 15 bytes or extended by 1 to 16 bytes, one-shot and streamed', () => {
      for (const plaintextLength of [0, 1, 16, 40]) {
        const sealed = backend.aesGcmEncrypt(key, nonce, bytes(plaintextLength), undefined);
        const tag = sealed.subarray(plaintextLength);
        for (let k = 1; k <= 16; k++) {
          if (k < 16) expect(backend.aesGcmDecrypt(key, nonce, sealed.subarray(0, sealed.length - k))).toBeUndefined();
          expect(backend.aesGcmDecrypt(key, nonce, concat(sealed, new Uint8Array(k)))).toBeUndefined();
          expect(backend.aesGcmDecrypt(key, nonce, concat(sealed, tag.subarray(0, k)))).toBeUndefined();
          const decryptor = backend.aesGcmUnverifiedDecryptor(key, nonce);
          decryptor.updateUnverified(sealed.subarray(0, plaintextLength));
          expect(decryptor.verify(k < 16 ? tag.subarray(0, 16 - k) : concat(tag, tag.subarray(0, 1)))).toBe(false);
        }
        expect(backend.aesGcmDecrypt(key, nonce, sealed)).toEqual(bytes(plaintextLength));
      }
    });

    it('answers undefined for any sealed input shorter than a tag', () => {
      for (let length = 0; length < 16; length++) expect(backend.aesGcmDecrypt(key, nonce, bytes(length))).toBeUndefined();
    });

    it('draws random bytes of the requested length, distinct from draw to draw', () => {
      for (const length of [0, 1, 16, 32, 1000, 65536]) expect(backend.randomBytes(length)).toHaveLength(length);
      const draws = Array.from({ length: 64 }, () => toHex(backend.randomBytes(16)));
      expect(new Set(draws).size).toBe(64);
      expect(backend.randomBytes(32).some((byte) => byte !== 0)).toBe(true);
      for (const bad of NOT_INTEGERS) expect(() => backend.randomBytes(bad as never)).toThrow(TypeError);
      for (const bad of [-1, 65537]) expect(() => backend.randomBytes(bad)).toThrow(RangeError);
    });

    it('refuses to use a streaming encryptor after final', () => {
      const encryptor = backend.aesGcmEncryptor(key, nonce);
      encryptor.update(bytes(5));
      expect(encryptor.final()).toHaveLength(16);
      expect(() => encryptor.update(bytes(1))).toThrow();
      expect(() => encryptor.final()).toThrow();
    });

    it.each(['correct', 'wrong', 'short', 'long', 'not-bytes'])('refuses to use a decryptor after verify with a %s tag', (kind) => {
      const sealed = backend.aesGcmEncrypt(key, nonce, bytes(5));
      const tag = sealed.subarray(5);
      const tags: Record<string, unknown> = {
        correct: tag,
        wrong: tag.map((b) => b ^ 0x80),
        short: tag.subarray(0, 12),
        long: concat(tag, bytes(1)),
        'not-bytes': 'tag',
      };
      const decryptor = backend.aesGcmUnverifiedDecryptor(key, nonce);
      expect(decryptor.updateUnverified(sealed.subarray(0, 5))).toEqual(bytes(5));
      expect(decryptor.verify(tags[kind] as Uint8Array)).toBe(kind === 'correct');
      expect(() => decryptor.updateUnverified(bytes(1))).toThrow();
      expect(() => decryptor.verify(tag)).toThrow();
    });

    it('throws TypeError for arguments that are not Uint8Arrays and RangeError for bad lengths', () => {
      const pt = bytes(3);
      const calls: Record<string, (bad: never) => unknown> = {
        'encrypt key': (bad) => backend.aesGcmEncrypt(bad, nonce, pt),
        'encrypt nonce': (bad) => backend.aesGcmEncrypt(key, bad, pt),
        'encrypt plaintext': (bad) => backend.aesGcmEncrypt(key, nonce, bad),
        'encrypt aad': (bad) => backend.aesGcmEncrypt(key, nonce, pt, bad),
        'decrypt key': (bad) => backend.aesGcmDecrypt(bad, nonce, bytes(20)),
        'decrypt nonce': (bad) => backend.aesGcmDecrypt(key, bad, bytes(20)),
        'decrypt sealed': (bad) => backend.aesGcmDecrypt(key, nonce, bad),
        'decrypt aad': (bad) => backend.aesGcmDecrypt(key, nonce, bytes(20), bad),
        'encryptor key': (bad) => backend.aesGcmEncryptor(bad, nonce),
        'encryptor nonce': (bad) => backend.aesGcmEncryptor(key, bad),
        'encryptor aad': (bad) => backend.aesGcmEncryptor(key, nonce, bad),
        'encryptor chunk': (bad) => backend.aesGcmEncryptor(key, nonce).update(bad),
        'decryptor key': (bad) => backend.aesGcmUnverifiedDecryptor(bad, nonce),
        'decryptor nonce': (bad) => backend.aesGcmUnverifiedDecryptor(key, bad),
        'decryptor aad': (bad) => backend.aesGcmUnverifiedDecryptor(key, nonce, bad),
        'decryptor chunk': (bad) => backend.aesGcmUnverifiedDecryptor(key, nonce).updateUnverified(bad),
        'hmac key': (bad) => backend.hmacSha256(bad, pt),
        'hmac data': (bad) => backend.hmacSha256(key, bad),
        'hkdf ikm': (bad) => backend.hkdfSha256(bad, pt, pt, 32),
        'hkdf salt': (bad) => backend.hkdfSha256(pt, bad, pt, 32),
        'hkdf info': (bad) => backend.hkdfSha256(pt, pt, bad, 32),
      };
      for (const [name, call] of Object.entries(calls)) {
        for (const bad of NOT_BYTES) expect(() => call(bad as never), `${name} = ${String(bad)}`).toThrow(TypeError);
        if (!name.endsWith('aad')) expect(() => call(undefined as never), `${name} = undefined`).toThrow(TypeError);
      }
      for (const length of [0, 8, 15, 17, 31, 33, 64]) {
        expect(() => backend.aesGcmEncrypt(bytes(length), nonce, pt), `key of ${length}`).toThrow(RangeError);
        expect(() => backend.aesGcmDecrypt(bytes(length), nonce, bytes(20)), `key of ${length}`).toThrow(RangeError);
        expect(() => backend.aesGcmEncryptor(bytes(length), nonce), `key of ${length}`).toThrow(RangeError);
        expect(() => backend.aesGcmUnverifiedDecryptor(bytes(length), nonce), `key of ${length}`).toThrow(RangeError);
      }
      const empty = new Uint8Array(0);
      expect(() => backend.aesGcmEncrypt(key, empty, pt)).toThrow(RangeError);
      expect(() => backend.aesGcmDecrypt(key, empty, bytes(20))).toThrow(RangeError);
      expect(() => backend.aesGcmEncryptor(key, empty)).toThrow(RangeError);
      expect(() => backend.aesGcmUnverifiedDecryptor(key, empty)).toThrow(RangeError);
      for (const bad of NOT_INTEGERS) expect(() => backend.hkdfSha256(pt, pt, pt, bad as never)).toThrow(TypeError);
      for (const bad of [-1, 8161]) expect(() => backend.hkdfSha256(pt, pt, pt, bad)).toThrow(RangeError);
    });
  });
}

runConformance(nobleBackend);
runConformance(nodeBackend);

describe('the default backend and the portable entry point', () => {
  const packageDir = new URL('../', import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8')) as {
    imports: Record<string, { node: string; default: string }>;
  };

  /** Module specifiers of every static import/export-from, side-effect import and literal dynamic import. */
  function importSpecifiers(file: URL): string[] {
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|\s)\/\/[^\n]*/g, '$1');
    const patterns = [/\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
    return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => defined(match[1])));
  }

  /** Follows relative imports and `#` imports (portable `default` condition) from `roots`. */
  function portableGraph(roots: readonly string[]): { files: Set<string>; external: Set<string> } {
    const files = new Set<string>();
    const external = new Set<string>();
    const pending = roots.map((root) => new URL(root, packageDir));
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      const path = fileURLToPath(file);
      if (files.has(path)) continue;
      files.add(path);
      for (const specifier of importSpecifiers(file)) {
        if (specifier.startsWith('.')) pending.push(new URL(specifier, file));
        else if (specifier.startsWith('#')) pending.push(new URL(defined(manifest.imports[specifier]).default, packageDir));
        else external.add(specifier);
      }
    }
    return { files, external };
  }

  it('is the node:crypto backend under Node.js, through the node condition of #default-backend', () => {
    expect(defaultBackend.name).toBe('node');
    expect(defaultBackend).toBe(nodeBackend);
    expect(manifest.imports['#default-backend']).toEqual({
      // The served binary runs from built JavaScript (the `strongbox-dist` condition); tests and
      // development run the sources.
      'strongbox-dist': { node: './dist/backend/node.js', default: './dist/backend/noble.js' },
      node: './src/backend/node.ts',
      default: './src/backend/noble.ts',
    });
  });

  it('reaches no Node.js built-in from src/index.ts or src/backend/noble.ts', () => {
    const { files, external } = portableGraph(['src/index.ts', 'src/backend/noble.ts']);
    const relative = [...files].map((path) => path.slice(fileURLToPath(packageDir).length));
    // The scan really walks the graph: it reaches the core and the noble backend, not the node one.
    const expected = ['src/context.ts', 'src/data-key.ts', 'src/message.ts', 'src/backend/noble.ts', 'src/backend/gcm-stream.ts'];
    expect(relative).toEqual(expect.arrayContaining(expected));
    expect(relative).not.toContain('src/backend/node.ts');
    expect(relative).not.toContain('src/node.ts');
    expect([...external].some((specifier) => specifier.startsWith('@noble/'))).toBe(true);
    expect([...external].filter((specifier) => isBuiltin(specifier))).toEqual([]);
  });

  it('would notice a built-in import: the node backend is flagged by the same scan', () => {
    expect(importSpecifiers(new URL('src/backend/node.ts', packageDir)).filter((specifier) => isBuiltin(specifier))).toEqual(['node:crypto']);
  });
});
