/**
 * @module
 * Multi-Region keys ("Multi-Region keys in AWS KMS", ReplicateKey and UpdatePrimaryRegion API):
 * related keys in several Regions of one partition that share a key id (`mrk-...`) and the
 * properties that make them interoperable, so a ciphertext made under one decrypts under any
 * other. One of them is the primary; the others are replicas. Each is a key record of its own
 * (model/state.ts), with its own key policy, description, tags, aliases, grants and key state.
 */

import { keyArn } from './identifiers.ts';
import type { KeyRecord, MultiRegionRecord } from './records.ts';

/** Whether `key` is the primary key of a multi-Region key. */
export function isPrimaryKey(key: KeyRecord): boolean {
  return key.multiRegion !== undefined && key.multiRegion.primaryRegion === key.region;
}

/** Whether `key` is a replica key of a multi-Region key. */
export function isReplicaKey(key: KeyRecord): boolean {
  return key.multiRegion !== undefined && key.multiRegion.primaryRegion !== key.region;
}

/** Every Region of a multi-Region key: its primary's first, then its replicas' in creation order. */
export function regionsOf(config: MultiRegionRecord): string[] {
  return [config.primaryRegion, ...config.replicaRegions];
}

/**
 * `replica` with the properties its primary shares with it: "the same key ID and key material ...
 * the same key spec, key usage, key material origin, and automatic key rotation status. KMS
 * automatically synchronizes these shared properties" (ReplicateKey API), and the multi-Region
 * configuration itself (every member lists the same primary and replicas). Everything else (state,
 * deletion, policy, description, tags, creation date, last use) stays the replica's own.
 */
export function withSharedProperties(replica: KeyRecord, primary: KeyRecord): KeyRecord {
  const {
    keyPair,
    macKey,
    imported,
    rotation: { enabled, periodInDays, nextRotationDate, onDemandCount, onDemandStartDate, onDemandCompletesAt, overdue, history },
  } = primary;
  return {
    ...withoutShared(replica),
    keySpec: primary.keySpec,
    keyUsage: primary.keyUsage,
    origin: primary.origin,
    materials: primary.materials,
    rotation: {
      enabled,
      periodInDays,
      onDemandCount,
      history,
      ...(nextRotationDate === undefined ? {} : { nextRotationDate }),
      ...(onDemandStartDate === undefined ? {} : { onDemandStartDate }),
      ...(onDemandCompletesAt === undefined ? {} : { onDemandCompletesAt }),
      ...(overdue === undefined ? {} : { overdue }),
    },
    ...(keyPair === undefined ? {} : { keyPair }),
    ...(macKey === undefined ? {} : { macKey }),
    ...(imported === undefined ? {} : { imported }),
    ...(primary.multiRegion === undefined ? {} : { multiRegion: primary.multiRegion }),
  };
}

function withoutShared(key: KeyRecord): KeyRecord {
  const { keyPair: _pair, macKey: _mac, imported: _imported, multiRegion: _config, ...own } = key;
  return own;
}

/** What a new replica key needs besides its primary. */
export interface NewReplica {
  readonly region: string;
  readonly now: number;
  readonly description: string;
  readonly policy: string;
  readonly tags: KeyRecord['tags'];
}

/**
 * The records ReplicateKey writes: the primary listing the new Region among its replicas (which
 * the state copies onto every existing replica), and the new replica. A replica starts Enabled
 * (AWS: `Creating` for a few seconds first, then Enabled, ReplicateKey API; Strongbox skips the
 * transient state) and shares the primary's properties.
 */
export function replicated(primary: KeyRecord, spec: NewReplica): { primary: KeyRecord; replica: KeyRecord } {
  const config = primary.multiRegion;
  if (config === undefined) throw new RangeError('not a multi-Region key');
  const updated: KeyRecord = { ...primary, multiRegion: { primaryRegion: config.primaryRegion, replicaRegions: [...config.replicaRegions, spec.region] } };
  const { deletionDate: _date, pendingWindowInDays: _window, lastUsage: _usage, ...base } = updated;
  const replica = withSharedProperties(
    {
      ...base,
      arn: keyArn(spec.region, primary.account, primary.keyId),
      region: spec.region,
      creationDate: spec.now,
      description: spec.description,
      policy: spec.policy,
      tags: spec.tags,
      state: 'Enabled',
    },
    updated,
  );
  return { primary: updated, replica };
}

/**
 * The records UpdatePrimaryRegion writes: the old primary as a replica, then the new primary (whose
 * put copies the new configuration onto every replica). The new primary's replica list keeps the
 * order of the old one, with the old primary's Region in place of its own (the order AWS lists
 * them in after an update is UNCONFIRMED).
 */
export function withPrimaryRegion(oldPrimary: KeyRecord, newPrimary: KeyRecord): [KeyRecord, KeyRecord] {
  const config = oldPrimary.multiRegion;
  if (config === undefined) throw new RangeError('not a multi-Region key');
  const multiRegion: MultiRegionRecord = {
    primaryRegion: newPrimary.region,
    replicaRegions: config.replicaRegions.map((region) => (region === newPrimary.region ? oldPrimary.region : region)),
  };
  return [
    { ...oldPrimary, multiRegion },
    { ...withSharedProperties(newPrimary, oldPrimary), multiRegion },
  ];
}

/**
 * The primary without the replica in `region`, once that replica is deleted. A primary waiting in
 * PendingReplicaDeletion for its last replica then starts its own waiting period: "When the last
 * of its replicas keys is deleted (not just scheduled), the key state of the primary key changes to
 * PendingDeletion and its waiting period (PendingWindowInDays) begins" (ScheduleKeyDeletion API).
 */
export function withoutReplica(primary: KeyRecord, region: string, now: number, dayMs: number): KeyRecord {
  const config = primary.multiRegion;
  if (config === undefined) return primary;
  const replicaRegions = config.replicaRegions.filter((candidate) => candidate !== region);
  const updated: KeyRecord = { ...primary, multiRegion: { primaryRegion: config.primaryRegion, replicaRegions } };
  if (primary.state !== 'PendingReplicaDeletion' || replicaRegions.length > 0) return updated;
  const window = primary.pendingWindowInDays ?? 30;
  return { ...updated, state: 'PendingDeletion', deletionDate: now + window * dayMs };
}
