/**
 * @module
 * The whole KMS state, and the only way to change it: `apply(change)`. A change is a small,
 * replayable value (put or delete a key, an alias or a grant), so the same list of changes drives
 * the in-memory state, the journal on disk and recovery after a crash. Keys are indexed by key id
 * and Region (key ids are UUIDs or random `mrk-` ids, so they never collide across accounts; a
 * multi-Region key has one record per Region), grants by id (256-bit random) and by the key
 * record they are on; aliases are scoped to an account and Region, as in AWS.
 */

import { isPrimaryKey, withSharedProperties } from './multi-region.ts';
import type { AliasRecord, GrantRecord, KeyRecord } from './records.ts';

/** One replayable state change. */
export type Change =
  | { readonly type: 'putKey'; readonly key: KeyRecord }
  /**
   * Deletes the key `keyId` in `region` (with its aliases and grants there). Without a Region
   * (journals written before multi-Region replicas existed): every record of the key id, which
   * for a single-Region key is its one record.
   */
  | { readonly type: 'deleteKey'; readonly keyId: string; readonly region?: string }
  | { readonly type: 'putAlias'; readonly alias: AliasRecord }
  | { readonly type: 'deleteAlias'; readonly account: string; readonly region: string; readonly aliasName: string }
  | { readonly type: 'putGrant'; readonly grant: GrantRecord }
  | { readonly type: 'deleteGrant'; readonly grantId: string };

const NO_GRANTS: readonly GrantRecord[] = Object.freeze([]);

/**
 * Keys, aliases and grants of every account and Region this emulator serves.
 *
 * A key record is identified by its key id and its Region: a single-Region key has one record, a
 * multi-Region key one per Region (primary and replicas share the `mrk-` id, "Multi-Region keys in
 * AWS KMS"). Grants belong to one record (each Region's key has its own grants, policy, aliases,
 * tags and key state). The properties multi-Region keys share (key material, key spec and usage,
 * origin, automatic rotation, the multi-Region configuration) are the primary's: putting a primary
 * copies them onto each of its replicas, as KMS "automatically synchronizes these shared
 * properties" (ReplicateKey API).
 */
export class KmsState {
  /** Records by key id, then by Region (creation order within each). */
  readonly #keys = new Map<string, Map<string, KeyRecord>>();
  readonly #aliases = new Map<string, Map<string, AliasRecord>>();
  readonly #grants = new Map<string, GrantRecord>();
  /** Grant ids by key record (`recordKey`). */
  readonly #grantsByKey = new Map<string, Set<string>>();
  /**
   * How many grants each key id has, in any Region: `grantsOf` answers a key without grants (most
   * keys, asked on every authorization) without building its record key.
   */
  readonly #grantCounts = new Map<string, number>();
  /** `grantsOf` answers, built on first ask and dropped when a grant of the key changes. */
  readonly #grantLists = new Map<string, readonly GrantRecord[]>();
  /**
   * How many customer managed key records each account has in each Region (`scope`), kept as
   * records come and go so that CreateKey checks the key quota without counting 100,000 keys.
   */
  readonly #customerKeys = new Map<string, number>();

  /** Applies one change. Deleting a key also deletes its aliases and grants (as AWS does). */
  apply(change: Change): void {
    switch (change.type) {
      case 'putKey': {
        const { key } = change;
        let records = this.#keys.get(key.keyId);
        if (records === undefined) this.#keys.set(key.keyId, (records = new Map()));
        // A put replaces the record of its key id and Region, whose account and key manager never change.
        if (!records.has(key.region)) this.#countCustomerKey(key, 1);
        records.set(key.region, key);
        if (isPrimaryKey(key)) {
          for (const region of key.multiRegion!.replicaRegions) {
            const replica = records.get(region);
            if (replica !== undefined) records.set(region, withSharedProperties(replica, key));
          }
        }
        return;
      }
      case 'deleteKey':
        for (const key of this.#recordsOf(change.keyId, change.region)) this.#deleteRecord(key);
        return;
      case 'putAlias': {
        const { alias } = change;
        const key = scope(alias.account, alias.region);
        let aliases = this.#aliases.get(key);
        if (aliases === undefined) this.#aliases.set(key, (aliases = new Map()));
        aliases.set(alias.aliasName, alias);
        return;
      }
      case 'deleteAlias':
        this.#aliases.get(scope(change.account, change.region))?.delete(change.aliasName);
        return;
      case 'putGrant': {
        const grant = this.#withRegion(change.grant);
        const replaced = this.#grants.get(grant.grantId);
        if (replaced !== undefined) this.#grantLists.delete(recordKey(replaced.keyId, replaced.region));
        const owner = recordKey(grant.keyId, grant.region);
        this.#grantLists.delete(owner);
        this.#grants.set(grant.grantId, grant);
        let ids = this.#grantsByKey.get(owner);
        if (ids === undefined) this.#grantsByKey.set(owner, (ids = new Set()));
        if (!ids.has(grant.grantId)) this.#countGrants(grant.keyId, 1);
        ids.add(grant.grantId);
        return;
      }
      case 'deleteGrant': {
        const grant = this.#grants.get(change.grantId);
        if (grant === undefined) return;
        this.#grants.delete(change.grantId);
        const owner = recordKey(grant.keyId, grant.region);
        if (this.#grantsByKey.get(owner)?.delete(change.grantId) === true) this.#countGrants(grant.keyId, -1);
        this.#grantLists.delete(owner);
        return;
      }
    }
  }

  /**
   * The changes that undo `change` if applied right after it, computed before it is applied: the
   * records it replaces or removes are put back (a deleted key's aliases and grants too, and the
   * replicas a primary's shared properties were copied onto), the ones it creates are deleted.
   * Undoing a series of changes applies their inverses newest first (the data directory rolls back
   * changes it could not write, `persistence/group-commit.ts`). Exact for states in which every
   * alias and grant names an existing key, as KMS keeps them (undoing a key's creation deletes it,
   * and with it whatever names it); creation order may differ after an undone deletion.
   * @example const undo = state.inverseOf(change); state.apply(change); for (const c of undo) state.apply(c);
   */
  inverseOf(change: Change): Change[] {
    switch (change.type) {
      case 'putKey': {
        const { key } = change;
        const previous = this.key(key.keyId, key.region);
        const undo: Change[] = previous === undefined ? [{ type: 'deleteKey', keyId: key.keyId, region: key.region }] : [{ type: 'putKey', key: previous }];
        // Replicas come back after their primary, whose put would otherwise copy its properties onto them.
        if (isPrimaryKey(key)) {
          for (const region of key.multiRegion!.replicaRegions) {
            const replica = region === key.region ? undefined : this.key(key.keyId, region);
            if (replica !== undefined) undo.push({ type: 'putKey', key: replica });
          }
        }
        return undo;
      }
      case 'deleteKey':
        return this.#recordsOf(change.keyId, change.region).flatMap((key): Change[] => {
          const aliases = [...(this.#aliases.get(scope(key.account, key.region))?.values() ?? [])].filter((alias) => alias.targetKeyId === key.keyId);
          return [
            { type: 'putKey', key },
            ...aliases.map((alias): Change => ({ type: 'putAlias', alias })),
            ...this.grantsOf(key.keyId, key.region).map((grant): Change => ({ type: 'putGrant', grant })),
          ];
        });
      case 'putAlias': {
        const { account, region, aliasName } = change.alias;
        const previous = this.alias(account, region, aliasName);
        return previous === undefined ? [{ type: 'deleteAlias', account, region, aliasName }] : [{ type: 'putAlias', alias: previous }];
      }
      case 'deleteAlias': {
        const previous = this.alias(change.account, change.region, change.aliasName);
        return previous === undefined ? [] : [{ type: 'putAlias', alias: previous }];
      }
      case 'putGrant': {
        const previous = this.#grants.get(change.grant.grantId);
        return previous === undefined ? [{ type: 'deleteGrant', grantId: change.grant.grantId }] : [{ type: 'putGrant', grant: previous }];
      }
      case 'deleteGrant': {
        const previous = this.#grants.get(change.grantId);
        return previous === undefined ? [] : [{ type: 'putGrant', grant: previous }];
      }
    }
  }

  /**
   * The key `keyId` in `region`. Without a Region: the key id's first record (a single-Region key's
   * only one; for a multi-Region key, the record created first, wherever it lives now).
   */
  key(keyId: string, region?: string): KeyRecord | undefined {
    const records = this.#keys.get(keyId);
    if (records === undefined) return undefined;
    if (region !== undefined) return records.get(region);
    for (const key of records.values()) return key;
    return undefined;
  }

  /** Every record of a key id: one for a single-Region key, one per Region for a multi-Region key. */
  keyRecords(keyId: string): KeyRecord[] {
    return [...(this.#keys.get(keyId)?.values() ?? [])];
  }

  /** Every key record, in creation order of their key ids. */
  *keys(): IterableIterator<KeyRecord> {
    for (const records of this.#keys.values()) yield* records.values();
  }

  /** The alias `aliasName` of an account and Region. */
  alias(account: string, region: string, aliasName: string): AliasRecord | undefined {
    return this.#aliases.get(scope(account, region))?.get(aliasName);
  }

  /** Every alias of an account and Region, in creation order. */
  aliases(account: string, region: string): AliasRecord[] {
    return [...(this.#aliases.get(scope(account, region))?.values() ?? [])];
  }

  /**
   * How many customer managed keys `account` has in `region`, in any key state (AWS managed keys
   * are not counted: the "AWS KMS keys" resource quota leaves them out).
   */
  customerManagedKeyCount(account: string, region: string): number {
    return this.#customerKeys.get(scope(account, region)) ?? 0;
  }

  /** Each account and Region that has customer managed keys, with how many (any order). */
  *customerManagedKeyCounts(): IterableIterator<{ readonly account: string; readonly region: string; readonly count: number }> {
    for (const [where, count] of this.#customerKeys) {
      // Account ids are 12 digits and Region names hold no '/'.
      const slash = where.indexOf('/');
      yield { account: where.slice(0, slash), region: where.slice(slash + 1), count };
    }
  }

  /** The grant with this id. */
  grant(grantId: string): GrantRecord | undefined {
    return this.#grants.get(grantId);
  }

  /**
   * The grants on the key `keyId` in `region`, in creation order: a frozen array, shared until a
   * grant of the key changes (every authorization asks, so the answer is not rebuilt each time).
   * An array once returned never changes: later changes produce a new one.
   */
  grantsOf(keyId: string, region: string): readonly GrantRecord[] {
    if (!this.#grantCounts.has(keyId)) return NO_GRANTS;
    const owner = recordKey(keyId, region);
    const cached = this.#grantLists.get(owner);
    if (cached !== undefined) return cached;
    const ids = this.#grantsByKey.get(owner);
    // Most keys have no grants: that answer is the shared empty array, never cached.
    if (ids === undefined || ids.size === 0) return NO_GRANTS;
    const list = Object.freeze([...ids].map((id) => this.#grants.get(id)!));
    this.#grantLists.set(owner, list);
    return list;
  }

  /** Every grant, in creation order. */
  grants(): IterableIterator<GrantRecord> {
    return this.#grants.values();
  }

  /** The whole state as a list of changes that rebuild it (used for snapshots). */
  toChanges(): Change[] {
    const changes: Change[] = [];
    for (const key of this.keys()) changes.push({ type: 'putKey', key });
    for (const aliases of this.#aliases.values()) for (const alias of aliases.values()) changes.push({ type: 'putAlias', alias });
    for (const grant of this.#grants.values()) changes.push({ type: 'putGrant', grant });
    return changes;
  }

  /** The records `deleteKey` removes. */
  #recordsOf(keyId: string, region: string | undefined): KeyRecord[] {
    const records = this.#keys.get(keyId);
    if (records === undefined) return [];
    if (region === undefined) return [...records.values()];
    const key = records.get(region);
    return key === undefined ? [] : [key];
  }

  #deleteRecord(key: KeyRecord): void {
    const records = this.#keys.get(key.keyId);
    if (records?.delete(key.region) === true) this.#countCustomerKey(key, -1);
    if (records?.size === 0) this.#keys.delete(key.keyId);
    const aliases = this.#aliases.get(scope(key.account, key.region));
    for (const [name, alias] of aliases ?? []) if (alias.targetKeyId === key.keyId) aliases!.delete(name);
    const owner = recordKey(key.keyId, key.region);
    const ids = this.#grantsByKey.get(owner);
    for (const grantId of ids ?? []) this.#grants.delete(grantId);
    if (ids !== undefined) this.#countGrants(key.keyId, -ids.size);
    this.#grantsByKey.delete(owner);
    this.#grantLists.delete(owner);
  }

  /** Counts a customer managed key record in or out; AWS managed keys are not counted. */
  #countCustomerKey(key: KeyRecord, delta: number): void {
    // Records without a key manager are customer managed: AWS managed keys always say so.
    if (key.keyManager === 'AWS') return;
    const where = scope(key.account, key.region);
    const count = (this.#customerKeys.get(where) ?? 0) + delta;
    if (count > 0) this.#customerKeys.set(where, count);
    else this.#customerKeys.delete(where);
  }

  #countGrants(keyId: string, delta: number): void {
    const count = (this.#grantCounts.get(keyId) ?? 0) + delta;
    if (count > 0) this.#grantCounts.set(keyId, count);
    else this.#grantCounts.delete(keyId);
  }

  /**
   * A grant with its key's Region. Grants journaled before grants carried a Region name a
   * single-Region key, whose only record gives it.
   */
  #withRegion(grant: GrantRecord): GrantRecord {
    if (grant.region !== undefined) return grant;
    const key = this.key(grant.keyId);
    return key === undefined ? grant : { ...grant, region: key.region };
  }
}

/** Grants are filed by key record: key id and Region. */
function recordKey(keyId: string, region: string): string {
  return `${region}/${keyId}`;
}

function scope(account: string, region: string): string {
  return `${account}/${region}`;
}
