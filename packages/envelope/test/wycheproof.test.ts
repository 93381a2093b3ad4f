/**
 * Project Wycheproof vectors (AES-GCM, HKDF-SHA-256, HMAC-SHA-256) through both backends, one-shot
 * and streaming. Failures are collected per file and reported by tcId; each file asserts how many
 * cases it ran, so an empty or partial loop fails.
 */

import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../src/backend/noble.ts';
import { nodeBackend } from '../src/backend/node.ts';
import type { Backend } from '../src/backend/types.ts';
import { type AeadCase, chunksOf, concat, hex, loadAesGcm, loadHkdfSha256, loadHmacSha256, toHex, VECTORS_MISSING } from './helpers/wycheproof.ts';

// The vectors live outside the project (never copied in); a clone without them skips this file,
// and the skip names the reason (VECTORS_MISSING) in vitest's output.
const aesGcm = VECTORS_MISSING === undefined ? loadAesGcm() : { algorithm: 'AES-GCM', numberOfTests: 0, testGroups: [] };
const hkdf = VECTORS_MISSING === undefined ? loadHkdfSha256() : { algorithm: 'HKDF-SHA-256', numberOfTests: 0, testGroups: [] };
const hmac = VECTORS_MISSING === undefined ? loadHmacSha256() : { algorithm: 'HMACSHA256', numberOfTests: 0, testGroups: [] };

/** Chunk sizes the streaming API is fed with: 0 means the whole input in one `update`. */
const CHUNKINGS = [0, 1, 7, 17] as const;

const aesGcmCases = (): { ivSize: number; keySize: number; test: AeadCase }[] =>
  aesGcm.testGroups.flatMap((group) => group.tests.map((test) => ({ ivSize: group.ivSize, keySize: group.keySize, test })));

/** Runs `check` and records a failure message (with the tcId) instead of stopping at the first one. */
function collect(failures: string[], tcId: number, check: () => string | undefined): void {
  try {
    const problem = check();
    if (problem !== undefined) failures.push(`tcId ${tcId}: ${problem}`);
  } catch (error) {
    failures.push(`tcId ${tcId}: unexpected ${(error as Error).name}: ${(error as Error).message}`);
  }
}

/** Whether `run` throws a RangeError (the only acceptable answer to a zero-length IV). */
function throwsRangeError(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch (error) {
    return error instanceof RangeError;
  }
}

function runWycheproof(backend: Backend): void {
  describe.skipIf(VECTORS_MISSING !== undefined)(
    `Wycheproof vectors on the ${backend.name} backend${VECTORS_MISSING ? ` (skipped: ${VECTORS_MISSING})` : ''}`,
    () => {
      it('the AES-GCM file covers every key size, short and long IVs and the zero-length IV', () => {
        const groups = aesGcm.testGroups;
        expect(new Set(groups.map((group) => group.keySize))).toEqual(new Set([128, 192, 256]));
        const ivSizes = new Set(groups.map((group) => group.ivSize));
        for (const size of [0, 8, 16, 64, 96, 128, 1024, 2056]) expect(ivSizes.has(size), `ivSize ${size}`).toBe(true);
        expect(groups.every((group) => group.tagSize === 128)).toBe(true);
      });

      it('one-shot AES-GCM encrypts valid cases to ct‖tag and decrypts exactly the valid ones', () => {
        const failures: string[] = [];
        const counts = { valid: 0, invalid: 0, zeroIv: 0 };
        for (const { ivSize, keySize, test } of aesGcmCases()) {
          const [key, iv, aad, msg] = [hex(test.key), hex(test.iv), hex(test.aad), hex(test.msg)];
          const sealed = concat(hex(test.ct), hex(test.tag));
          collect(failures, test.tcId, () => {
            if (key.length * 8 !== keySize || iv.length * 8 !== ivSize) return 'vector sizes disagree with its group';
            if (ivSize === 0) {
              counts.zeroIv++;
              if (!throwsRangeError(() => backend.aesGcmEncrypt(key, iv, msg, aad))) return 'encrypt accepted an empty IV';
              if (!throwsRangeError(() => backend.aesGcmDecrypt(key, iv, sealed, aad))) return 'decrypt accepted an empty IV';
              return undefined;
            }
            const encrypted = toHex(backend.aesGcmEncrypt(key, iv, msg, aad));
            const decrypted = backend.aesGcmDecrypt(key, iv, sealed, aad);
            if (test.result === 'valid') {
              counts.valid++;
              if (encrypted !== toHex(sealed)) return `encrypt gave ${encrypted}`;
              if (decrypted === undefined) return 'decrypt rejected a valid case';
              if (toHex(decrypted) !== test.msg) return `decrypt gave ${toHex(decrypted)}`;
            } else {
              counts.invalid++;
              if (encrypted === toHex(sealed)) return 'encrypt produced the invalid tag';
              if (decrypted !== undefined) return 'decrypt accepted an invalid case';
            }
            return undefined;
          });
        }
        expect(failures).toEqual([]);
        // 229 valid, 87 invalid of which 6 have a zero-length IV; no case is "acceptable".
        expect(counts).toEqual({ valid: 229, invalid: 81, zeroIv: 6 });
        expect(counts.valid + counts.invalid + counts.zeroIv).toBe(aesGcm.numberOfTests);
      });

      it.each(CHUNKINGS)('streaming AES-GCM fed in chunks of %i bytes (0 = whole) matches every case', (size) => {
        const failures: string[] = [];
        let ran = 0;
        for (const { ivSize, test } of aesGcmCases()) {
          const [key, iv, aad, msg, ct, tag] = [hex(test.key), hex(test.iv), hex(test.aad), hex(test.msg), hex(test.ct), hex(test.tag)];
          ran++;
          collect(failures, test.tcId, () => {
            if (ivSize === 0) {
              if (!throwsRangeError(() => backend.aesGcmEncryptor(key, iv, aad))) return 'encryptor accepted an empty IV';
              if (!throwsRangeError(() => backend.aesGcmUnverifiedDecryptor(key, iv, aad))) return 'decryptor accepted an empty IV';
              return undefined;
            }
            const encryptor = backend.aesGcmEncryptor(key, iv, aad);
            const ciphertext = concat(...chunksOf(msg, size).map((chunk) => encryptor.update(chunk)));
            const computedTag = encryptor.final();
            if (toHex(ciphertext) !== test.ct) return `stream ciphertext ${toHex(ciphertext)}`;
            const tagMatches = toHex(computedTag) === test.tag;
            if (tagMatches !== (test.result === 'valid')) return `stream tag ${toHex(computedTag)} for a ${test.result} case`;

            const decryptor = backend.aesGcmUnverifiedDecryptor(key, iv, aad);
            const plaintext = concat(...chunksOf(ct, size).map((chunk) => decryptor.updateUnverified(chunk)));
            if (toHex(plaintext) !== test.msg) return `stream plaintext ${toHex(plaintext)}`;
            const verified = decryptor.verify(tag);
            if (verified !== (test.result === 'valid')) return `verify() returned ${verified} for a ${test.result} case`;
            return undefined;
          });
        }
        expect(failures).toEqual([]);
        expect(ran).toBe(316);
      });

      it('HKDF-SHA-256 derives every valid OKM and rejects oversize outputs with RangeError', () => {
        const failures: string[] = [];
        const counts = { valid: 0, invalid: 0 };
        for (const group of hkdf.testGroups) {
          for (const test of group.tests) {
            const [ikm, salt, info] = [hex(test.ikm), hex(test.salt), hex(test.info)];
            collect(failures, test.tcId, () => {
              if (test.result === 'valid') {
                counts.valid++;
                const okm = backend.hkdfSha256(ikm, salt, info, test.size);
                return toHex(okm) === test.okm ? undefined : `okm ${toHex(okm)}`;
              }
              counts.invalid++;
              if (!test.flags.includes('SizeTooLarge')) return 'unexpected kind of invalid case';
              return throwsRangeError(() => backend.hkdfSha256(ikm, salt, info, test.size)) ? undefined : 'no RangeError';
            });
          }
        }
        expect(failures).toEqual([]);
        expect(counts).toEqual({ valid: 83, invalid: 3 });
        expect(counts.valid + counts.invalid).toBe(hkdf.numberOfTests);
      });

      it('HMAC-SHA-256 matches every valid (truncated) tag and none of the invalid ones', () => {
        const failures: string[] = [];
        const counts = { valid: 0, invalid: 0 };
        for (const group of hmac.testGroups) {
          for (const test of group.tests) {
            collect(failures, test.tcId, () => {
              const expected = hex(test.tag);
              if (expected.length * 8 !== group.tagSize) return 'tag size disagrees with its group';
              const mac = backend.hmacSha256(hex(test.key), hex(test.msg));
              if (mac.length !== 32) return `mac of length ${mac.length}`;
              const matches = toHex(mac.subarray(0, group.tagSize / 8)) === test.tag;
              if (test.result === 'valid') counts.valid++;
              else counts.invalid++;
              return matches === (test.result === 'valid') ? undefined : `prefix match ${matches} for a ${test.result} case`;
            });
          }
        }
        expect(failures).toEqual([]);
        expect(counts).toEqual({ valid: 66, invalid: 108 });
        expect(counts.valid + counts.invalid).toBe(hmac.numberOfTests);
      });
    },
  );
}

runWycheproof(nobleBackend);
runWycheproof(nodeBackend);
