/**
 * @module
 * Creating key records and key material.
 */

import { hex, type Random, uuidFromBytes } from '@strongbox/service-kernel';
import { flatText, keyArn } from './identifiers.ts';
import type { KeyManager, KeyMaterial, KeyOrigin, KeyRecord, Tag } from './records.ts';

/** AES-256 backing keys. */
export const MATERIAL_LENGTH = 32;

/** Default automatic rotation period, days (EnableKeyRotation). */
export const DEFAULT_ROTATION_PERIOD_DAYS = 365;

/** A fresh random key id (one flat string, see `flatText`). */
export function newKeyId(random: Random): string {
  return flatText(uuidFromBytes(random.bytes(16)));
}

/** A fresh multi-Region key id: `mrk-` and 32 lowercase hex digits (KMS "Key identifiers"), flat. */
export function newMultiRegionKeyId(random: Random): string {
  return flatText(`mrk-${hex(random.bytes(16))}`);
}

/** A fresh backing key of version `version`. */
export function newMaterial(random: Random, version: number, now: number, material?: Uint8Array): KeyMaterial {
  return {
    version,
    material: material ?? random.bytes(MATERIAL_LENGTH),
    materialId: hex(random.bytes(32)),
    createdAt: now,
  };
}

/** What a new key needs. */
export interface NewKey {
  readonly keyId: string;
  readonly account: string;
  readonly region: string;
  readonly now: number;
  readonly description: string;
  readonly policy: string;
  readonly origin: KeyOrigin;
  readonly keyManager: KeyManager;
  readonly tags: readonly Tag[];
  /** Backing keys; empty for `EXTERNAL` keys awaiting import. */
  readonly materials: readonly KeyMaterial[];
}

/** A new key record: Enabled, or PendingImport for external key material not yet imported. */
export function createKeyRecord(spec: NewKey): KeyRecord {
  return {
    keyId: spec.keyId,
    arn: keyArn(spec.region, spec.account, spec.keyId),
    account: spec.account,
    region: spec.region,
    creationDate: spec.now,
    description: spec.description,
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: spec.origin,
    keyManager: spec.keyManager,
    state: spec.materials.length === 0 ? 'PendingImport' : 'Enabled',
    policy: spec.policy,
    tags: spec.tags,
    materials: spec.materials,
    rotation: { enabled: false, periodInDays: DEFAULT_ROTATION_PERIOD_DAYS, onDemandCount: 0, history: [] },
  };
}

/** The backing key that encrypts now (the newest). */
export function currentMaterial(key: KeyRecord): KeyMaterial | undefined {
  return key.materials[key.materials.length - 1];
}
