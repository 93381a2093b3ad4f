/**
 * @module
 * The whole KMS state, and the only way to change it: `apply(change)`. A change is a small,
 * replayable value (put or delete a key, an alias or a grant), so the same list of changes drives
 * the in-memory state, the journal on disk and recovery after a crash. Keys and grants are indexed
 * globally by id (key ids are UUIDs and grant ids 256-bit random, so they never collide across
 * accounts); aliases are scoped to an account and Region, as in AWS.
 */

import type { AliasRecord, GrantRecord, KeyRecord } from './records.ts';

/** One replayable state change. */
export type Change =
  | { readonly type: 'putKey'; readonly key: KeyRecord }
  | { readonly type: 'deleteKey'; readonly keyId: string }
  | { readonly type: 'putAlias'; readonly alias: AliasRecord }
  | { readonly type: 'deleteAlias'; readonly account: string; readonly region: string; readonly aliasName: string }
  | { readonly type: 'putGrant'; readonly grant: GrantRecord }
  | { readonly type: 'deleteGrant'; readonly grantId: string };

const NO_GRANTS: readonly GrantRecord[] = Object.freeze([]);

/** Keys, aliases and grants of every account and Region this emulator serves. */
export class KmsState {
  readonly #keys = new Map<string, KeyRecord>();
  readonly #aliases = new Map<string, Map<string, AliasRecord>>();
  readonly #grants = new Map<string, GrantRecord>();
  readonly #grantsByKey = new Map<string, Set<string>>();
  /** `grantsOf` answers, built on first ask and dropped when a grant of the key changes. */
  readonly #grantLists = new Map<string, readonly GrantRecord[]>();

  /** Applies one change. Deleting a key also deletes its aliases and grants (as AWS does). */
  apply(change: Change): void {
    switch (change.type) {
      case 'putKey':
        this.#keys.set(change.key.keyId, change.key);
        return;
      case 'deleteKey': {
        const key = this.#keys.get(change.keyId);
        if (key === undefined) return;
        this.#keys.delete(change.keyId);
        const aliases = this.#aliases.get(scope(key.account, key.region));
        for (const [name, alias] of aliases ?? []) if (alias.targetKeyId === key.keyId) aliases!.delete(name);
        for (const grantId of this.#grantsByKey.get(key.keyId) ?? []) this.#grants.delete(grantId);
        this.#grantsByKey.delete(key.keyId);
        this.#grantLists.delete(key.keyId);
        return;
      }
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
        const { grant } = change;
        const replaced = this.#grants.get(grant.grantId);
        if (replaced !== undefined) this.#grantLists.delete(replaced.keyId);
        this.#grantLists.delete(grant.keyId);
        this.#grants.set(grant.grantId, grant);
        let ids = this.#grantsByKey.get(grant.keyId);
        if (ids === undefined) this.#grantsByKey.set(grant.keyId, (ids = new Set()));
        ids.add(grant.grantId);
        return;
      }
      case 'deleteGrant': {
        const grant = this.#grants.get(change.grantId);
        if (grant === undefined) return;
        this.#grants.delete(change.grantId);
        this.#grantsByKey.get(grant.keyId)?.delete(change.grantId);
        this.#grantLists.delete(grant.keyId);
        return;
      }
    }
  }

  /**
   * The changes that undo `change` if applied right after it, computed before it is applied: the
   * records it replaces or removes are put back (a deleted key's aliases and grants too), the ones
   * it creates are deleted. Undoing a series of changes applies their inverses newest first
   * (the data directory rolls back changes it could not write, `persistence/directory-store.ts`).
   * Exact for states in which every alias and grant names an existing key, as KMS keeps them
   * (undoing a key's creation deletes it, and with it whatever names it); creation order may
   * differ after an undone deletion.
   * @example const undo = state.inverseOf(change); state.apply(change); for (const c of undo) state.apply(c);
   */
  inverseOf(change: Change): Change[] {
    switch (change.type) {
      case 'putKey': {
        const previous = this.#keys.get(change.key.keyId);
        return previous === undefined ? [{ type: 'deleteKey', keyId: change.key.keyId }] : [{ type: 'putKey', key: previous }];
      }
      case 'deleteKey': {
        const key = this.#keys.get(change.keyId);
        if (key === undefined) return [];
        const aliases = [...(this.#aliases.get(scope(key.account, key.region))?.values() ?? [])].filter((alias) => alias.targetKeyId === key.keyId);
        return [
          { type: 'putKey', key },
          ...aliases.map((alias): Change => ({ type: 'putAlias', alias })),
          ...this.grantsOf(key.keyId).map((grant): Change => ({ type: 'putGrant', grant })),
        ];
      }
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

  /** The key with this id, in any account or Region. */
  key(keyId: string): KeyRecord | undefined {
    return this.#keys.get(keyId);
  }

  /** Every key, in creation order. */
  keys(): IterableIterator<KeyRecord> {
    return this.#keys.values();
  }

  /** The alias `aliasName` of an account and Region. */
  alias(account: string, region: string, aliasName: string): AliasRecord | undefined {
    return this.#aliases.get(scope(account, region))?.get(aliasName);
  }

  /** Every alias of an account and Region, in creation order. */
  aliases(account: string, region: string): AliasRecord[] {
    return [...(this.#aliases.get(scope(account, region))?.values() ?? [])];
  }

  /** The grant with this id. */
  grant(grantId: string): GrantRecord | undefined {
    return this.#grants.get(grantId);
  }

  /**
   * The grants on a key, in creation order: a frozen array, shared until a grant of the key
   * changes (every authorization asks, so the answer is not rebuilt each time). An array once
   * returned never changes: later changes produce a new one.
   */
  grantsOf(keyId: string): readonly GrantRecord[] {
    const cached = this.#grantLists.get(keyId);
    if (cached !== undefined) return cached;
    const ids = this.#grantsByKey.get(keyId);
    // Most keys have no grants: that answer is the shared empty array, never cached.
    if (ids === undefined || ids.size === 0) return NO_GRANTS;
    const list = Object.freeze([...ids].map((id) => this.#grants.get(id)!));
    this.#grantLists.set(keyId, list);
    return list;
  }

  /** Every grant, in creation order. */
  grants(): IterableIterator<GrantRecord> {
    return this.#grants.values();
  }

  /** The whole state as a list of changes that rebuild it (used for snapshots). */
  toChanges(): Change[] {
    const changes: Change[] = [];
    for (const key of this.#keys.values()) changes.push({ type: 'putKey', key });
    for (const aliases of this.#aliases.values()) for (const alias of aliases.values()) changes.push({ type: 'putAlias', alias });
    for (const grant of this.#grants.values()) changes.push({ type: 'putGrant', grant });
    return changes;
  }
}

function scope(account: string, region: string): string {
  return `${account}/${region}`;
}
