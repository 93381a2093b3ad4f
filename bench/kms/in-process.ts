/**
 * @module
 * KMS section 1: the emulator's own cost, in process. `new Kms({ quotas: false })` (throttling
 * off, the audit trail on at its default capacity of 100,000 events: every call is recorded, as
 * in the product), one symmetric key; GenerateDataKey (`KeySpec: 'AES_256'`) and Decrypt of one
 * of its blobs, awaited one at a time.
 *
 * Peers, interleaved sample by sample:
 * - [info] the same with `audit: { capacity: 16 }`: what keeping 100,000 events costs (the ring
 *   of a full trail is what the garbage collector has to walk);
 * - [info] raw node:crypto, "the crypto alone": what one call must at least do, without any KMS:
 *   GenerateDataKey = 32 + 12 random bytes and one AES-256-GCM encryption of the 32 bytes with a
 *   33-byte AAD (a fresh `createCipheriv` each time); Decrypt = one `createDecipheriv` with the
 *   AAD and tag over the same 81-byte blob layout.
 */

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Kms, KmsError } from '@strongbox/kms';
import { type Checks, sameBytes } from '../lib/checks.ts';
import { type BenchCase, type GroupOptions, type Measurement, measureGroup } from '../lib/harness.ts';

/** The KMS operations measured in process. */
export type InProcessOp = 'GenerateDataKey' | 'Decrypt';

/** The measured rows of one operation. */
export interface InProcessGroup {
  readonly op: InProcessOp;
  readonly rows: readonly (Measurement & { readonly info: boolean })[];
  /** Events each emulator's trail held after the group (a full default trail holds 100,000). */
  readonly auditEventsAfter?: Readonly<Record<string, number>>;
}

/** Audit capacity of the [info] rows. */
export const TINY_AUDIT_CAPACITY = 16;

interface Emulator {
  readonly id: string;
  readonly label: string;
  readonly kms: Kms;
  readonly keyId: string;
  readonly blob: Uint8Array;
}

async function emulator(id: string, label: string, kms: Kms, checks: Checks, capacity: number): Promise<Emulator> {
  const { KeyMetadata } = await kms.createKey({ Description: 'strongbox-bench' });
  const keyId = KeyMetadata.KeyId;
  const before = kms.auditTrail.size;
  const first = await kms.generateDataKey({ KeyId: keyId, KeySpec: 'AES_256' });
  const second = await kms.generateDataKey({ KeyId: keyId, KeySpec: 'AES_256' });
  checks.assert(first.Plaintext.length === 32, `${label}: GenerateDataKey AES_256 returns 32 plaintext bytes`);
  checks.assert(
    first.KeyId === KeyMetadata.Arn && /^[0-9a-f]{64}$/.test(first.KeyMaterialId),
    `${label}: GenerateDataKey names the key ARN and a KeyMaterialId`,
  );
  checks.assert(
    !sameBytes(first.Plaintext, second.Plaintext) && !sameBytes(first.CiphertextBlob, second.CiphertextBlob),
    `${label}: every GenerateDataKey draws a fresh data key`,
  );
  const back = await kms.decrypt({ CiphertextBlob: first.CiphertextBlob });
  checks.assert(
    sameBytes(back.Plaintext, first.Plaintext) && back.KeyId === KeyMetadata.Arn,
    `${label}: Decrypt(GenerateDataKey().CiphertextBlob) == its Plaintext`,
  );
  const tampered = first.CiphertextBlob.slice();
  tampered[tampered.length - 1]! ^= 1;
  let refused = '';
  try {
    await kms.decrypt({ CiphertextBlob: tampered });
  } catch (error) {
    refused = error instanceof KmsError ? error.code : String(error);
  }
  checks.assert(refused === 'InvalidCiphertextException', `${label}: a tampered blob is refused with InvalidCiphertextException`);
  checks.assert(kms.auditTrail.size === Math.min(capacity, before + 4), `${label}: every call is recorded in the audit trail`);
  const [event] = kms.auditTrail.lookup({ eventName: 'GenerateDataKey', maxResults: 1 }).records;
  checks.assert(event?.eventName === 'GenerateDataKey', `${label}: the trail renders GenerateDataKey as a CloudTrail record`);
  return { id, label, kms, keyId, blob: first.CiphertextBlob };
}

/** The raw node:crypto floor of both operations (see the module documentation). */
function rawCrypto(checks: Checks): { generate: () => Uint8Array; decrypt: () => Buffer } {
  const key = randomBytes(32);
  // The blob layout of the emulator: 21 bytes (version, key id, key version) ‖ 12-byte nonce form
  // the 33-byte header, which is the AAD; then the ciphertext and the 16-byte tag.
  const prefix = randomBytes(21);
  const seal = (plaintext: Uint8Array, nonce: Uint8Array): Buffer => {
    const header = Buffer.concat([prefix, nonce]);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(header);
    const body = cipher.update(plaintext);
    cipher.final();
    return Buffer.concat([header, body, cipher.getAuthTag()]);
  };
  const open = (blob: Buffer): Buffer => {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(21, 33));
    decipher.setAAD(blob.subarray(0, 33));
    decipher.setAuthTag(blob.subarray(blob.length - 16));
    const out = decipher.update(blob.subarray(33, blob.length - 16));
    decipher.final();
    return out;
  };
  const dataKey = randomBytes(32);
  const blob = seal(dataKey, randomBytes(12));
  checks.assert(blob.length === 81 && sameBytes(open(blob), dataKey), 'raw node:crypto: an 81-byte blob of a 32-byte key opens back');
  const bad = Buffer.from(blob);
  bad[80]! ^= 1;
  let threw = false;
  try {
    open(bad);
  } catch {
    threw = true;
  }
  checks.assert(threw, 'raw node:crypto: a tampered blob fails its tag');
  return { generate: () => seal(randomBytes(32), randomBytes(12)), decrypt: () => open(blob) };
}

/** Runs section 1. */
export async function runInProcess(options: GroupOptions, checks: Checks, progress: (message: string) => void): Promise<InProcessGroup[]> {
  progress('kms in process: preparing and validating');
  const standard = await emulator('kms', 'Kms({ quotas: false })', new Kms({ quotas: false }), checks, 100_000);
  const tiny = await emulator(
    'kms-audit-tiny',
    `Kms({ quotas: false, audit: { capacity: ${TINY_AUDIT_CAPACITY} } })`,
    new Kms({ quotas: false, audit: { capacity: TINY_AUDIT_CAPACITY } }),
    checks,
    TINY_AUDIT_CAPACITY,
  );
  const raw = rawCrypto(checks);
  const rawLabel = { GenerateDataKey: 'raw node:crypto: 44 random bytes + AES-256-GCM of 32 B', Decrypt: 'raw node:crypto: AES-256-GCM open of an 81 B blob' };

  const groups: InProcessGroup[] = [];
  for (const op of ['GenerateDataKey', 'Decrypt'] as const) {
    const cases: BenchCase[] = [standard, tiny].map((e) => ({
      id: e.id,
      label: e.label,
      bytesPerOp: 0,
      run: op === 'GenerateDataKey' ? () => e.kms.generateDataKey({ KeyId: e.keyId, KeySpec: 'AES_256' }) : () => e.kms.decrypt({ CiphertextBlob: e.blob }),
    }));
    cases.push({ id: 'raw-node', label: rawLabel[op], bytesPerOp: 0, run: op === 'GenerateDataKey' ? raw.generate : raw.decrypt });
    const measured = await measureGroup(cases, options, (m) => progress(`kms in process ${op}: ${m}`));
    groups.push({
      op,
      rows: measured.map((m) => ({ ...m, label: m.id === 'kms' ? m.label : `${m.label} [info]`, info: m.id !== 'kms' })),
      auditEventsAfter: { kms: standard.kms.auditTrail.size, 'kms-audit-tiny': tiny.kms.auditTrail.size },
    });
  }
  return groups;
}
