/**
 * @module
 * Seed files: keys and aliases that exist from the first request, so tests can start from known
 * key ids, aliases and even known key material (two emulators seeded with the same key id and
 * material decrypt each other's ciphertexts). In the spirit of local-kms's `seed.yaml`, as JSON
 * (the `//` notes explain each field; a seed file has none). README "Seed file" has the same.
 *
 * ```json
 * {
 *   "keys": [
 *     {
 *       "keyId": "6f1c1c1e-5a0e-4a8e-9c77-2d1f1b0c9a11",   // required: lowercase UUID
 *       "account": "111122223333",                          // default: the emulator's account
 *       "region": "eu-west-1",                               // default: the emulator's Region
 *       "description": "orders",                             // default ""
 *       "aliases": ["alias/orders"],                         // alias names, unique per account and Region
 *       "material": "<base64 or hex of 32 bytes>",           // or a list: backing-key versions, oldest first
 *       "enabled": true,                                     // false: the key starts Disabled
 *       "origin": "AWS_KMS",                                 // or "EXTERNAL"; EXTERNAL without material: PendingImport
 *       "policy": { "Version": "2012-10-17", "Statement": [] }, // object or JSON text; default: the default key policy
 *       "tags": { "team": "payments" },                      // or [{ "TagKey": "team", "TagValue": "payments" }]
 *       "rotation": { "enabled": true, "periodInDays": 90 }  // automatic rotation (AWS_KMS keys only)
 *     }
 *   ]
 * }
 * ```
 *
 * Without `material`, an AWS_KMS key gets random material when it is created. With a list, the
 * last entry encrypts and the earlier ones are rotated-out versions that still decrypt (listed by
 * ListKeyRotations as automatic rotations); an EXTERNAL key takes one material, seeded as imported
 * material that does not expire. Unknown fields are errors, so a typo never passes silently.
 * Seeding creates only what is missing: a key whose id exists, or an alias whose name exists in its
 * account and Region, is left as it is, so restarting with persistence and the same seed changes
 * nothing.
 *
 * A seed is refused, as a typo is, when AWS could never hold what it describes: more than 50 aliases
 * or tags on a key, a policy over 32 KB, a reserved prefix, and more customer managed keys in one
 * account and Region than the "AWS KMS keys" quota in force (`customerManagedKeys` of the `quotas`
 * setting, default 100,000: CreateKey would refuse the key after the last). Every seeded key is
 * customer managed, so the seed's keys of an account and Region are counted, whether they exist
 * already or not, and so are the keys it would add with those the account and Region have (made
 * by calls or an earlier seed); a seed adding nothing there is not refused for them (a quota
 * lowered below what exists refuses new keys only).
 */

import { defaultBackend } from '@strongbox/envelope';
import type { Random } from '@strongbox/service-kernel';
import { parseJsonText, rootPrincipal } from '@strongbox/service-kernel';
import { importedMaterialId, withImportedMaterial } from '../model/imported-material.ts';
import { createKeyRecord, DEFAULT_ROTATION_PERIOD_DAYS, newMaterial } from '../model/keys.ts';
import type { KeyOrigin, KeyRecord, RotationEvent, Tag } from '../model/records.ts';
import { checkedKeyQuota, DEFAULT_CUSTOMER_MANAGED_KEYS } from '../model/resource-quotas.ts';
import { withAutomaticRotation } from '../model/rotation.ts';
import type { Change, KmsState } from '../model/state.ts';
import type { ChangeStore } from '../persistence/store.ts';
import { defaultKeyPolicy } from '../policy/default-policy.ts';
import { validateKeyPolicy } from '../policy/validate.ts';
import { checkKey, describe, type Fields, fieldError, parseMaterial } from './seed-fields.ts';

/** A seed document (the JSON shape above). */
export interface SeedDocument {
  readonly keys: readonly SeedKey[];
}

/** One seeded key. */
export interface SeedKey {
  readonly keyId: string;
  readonly account?: string;
  readonly region?: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
  /** Base64 (or 64 hex digits) of 32 bytes, or a list of them: backing-key versions, oldest first. */
  readonly material?: string | readonly string[];
  readonly enabled?: boolean;
  readonly origin?: KeyOrigin;
  /** A key policy document: an object, or its JSON text. */
  readonly policy?: string | Readonly<Record<string, unknown>>;
  readonly tags?: Readonly<Record<string, string>> | readonly { readonly TagKey: string; readonly TagValue: string }[];
  readonly rotation?: { readonly enabled: boolean; readonly periodInDays?: number };
}

/** What a seed fills in for fields it leaves out, and the key quota it must fit. */
export interface SeedDefaults {
  readonly account: string;
  readonly region: string;
  /** Creation time of seeded keys and aliases, epoch ms. */
  readonly now: number;
  /** Randomness for material ids and for keys seeded without material. Default: Web Crypto. */
  readonly random?: Random;
  /**
   * The "AWS KMS keys" quota the emulator will run with (the `quotas` setting's
   * `customerManagedKeys`): a seed with more keys in one account and Region is refused. Default
   * AWS's 100,000.
   */
  readonly customerManagedKeys?: number;
}

const webCryptoRandom: Random = { bytes: (length) => crypto.getRandomValues(new Uint8Array(length)) };

/**
 * Validates a seed document: its JSON text, or the value it parses to.
 *
 * @returns a checked copy.
 * @throws TypeError naming the first bad field, e.g. `seed: "keys[0].keyId" expected a lowercase UUID ...`;
 *   for text that is not JSON, the line and column of the syntax error (never the text, which
 *   may hold key material: `seed: not valid JSON (syntax error at line 7, column 21)`).
 * @example
 * ```ts
 * const seed = parseSeed(await readFile('seed.json', 'utf8'));
 * ```
 */
export function parseSeed(json: unknown): SeedDocument {
  const root = fieldsOf(typeof json === 'string' ? parseJsonText(json, 'seed') : json, '(document)');
  for (const name of Object.keys(root)) if (name !== 'keys') throw fieldError(name, 'is not a seed field (expected "keys")');
  const keys = root['keys'] ?? [];
  if (!Array.isArray(keys)) throw fieldError('keys', `expected an array, got ${describe(keys)}`);
  const parsed = keys.map((key: unknown, index) => checkKey(fieldsOf(key, `keys[${index}]`), `keys[${index}]`));
  const ids = new Set<string>();
  const aliases = new Set<string>();
  for (const [index, key] of parsed.entries()) {
    if (ids.has(key.keyId)) throw fieldError(`keys[${index}].keyId`, `repeats key id ${key.keyId}`);
    ids.add(key.keyId);
    for (const alias of key.aliases ?? []) {
      const scoped = `${key.account ?? ''}/${key.region ?? ''}/${alias}`;
      if (aliases.has(scoped)) throw fieldError(`keys[${index}].aliases`, `repeats alias ${alias} (alias names are unique per account and Region)`);
      aliases.add(scoped);
    }
  }
  return { keys: parsed };
}

/**
 * The changes that create the seeded keys and aliases missing from `state`.
 *
 * @throws TypeError for an invalid seed (see `parseSeed`), a seed with more keys in one account
 *   and Region than the key quota (`defaults.customerManagedKeys`), or a seeded key id that exists
 *   in another account or Region than the seed names.
 * @throws RangeError for a `defaults.customerManagedKeys` that is not a whole number, 0 or more.
 * @example
 * ```ts
 * await store.commit(seedChanges(seed, store.state, { account, region, now: Date.now() }));
 * ```
 */
export function seedChanges(seed: SeedDocument, state: KmsState, defaults: SeedDefaults): Change[] {
  const { keys } = parseSeed(seed);
  requireKeyQuota(keys, state, defaults);
  const changes: Change[] = [];
  const aliases = new Set<string>();
  for (const [index, seedKey] of keys.entries()) {
    const account = seedKey.account ?? defaults.account;
    const region = seedKey.region ?? defaults.region;
    const existing = state.key(seedKey.keyId);
    if (existing !== undefined && (existing.account !== account || existing.region !== region)) {
      throw fieldError(
        `keys[${index}].keyId`,
        `names key ${seedKey.keyId}, which exists in account ${existing.account} and Region ${existing.region}, not ${account} ${region}`,
      );
    }
    if (existing === undefined) changes.push({ type: 'putKey', key: seededKey(seedKey, index, account, region, defaults) });
    for (const aliasName of seedKey.aliases ?? []) {
      const scoped = `${account}/${region}/${aliasName}`;
      if (aliases.has(scoped)) throw fieldError(`keys[${index}].aliases`, `repeats alias ${aliasName} in account ${account} and Region ${region}`);
      aliases.add(scoped);
      if (state.alias(account, region, aliasName) !== undefined) continue;
      const { now } = defaults;
      changes.push({ type: 'putAlias', alias: { account, region, aliasName, targetKeyId: seedKey.keyId, creationDate: now, lastUpdatedDate: now } });
    }
  }
  return changes;
}

/**
 * Creates the seeded keys and aliases missing from the store's state, in one commit.
 *
 * @throws TypeError for an invalid seed (see `seedChanges`); whatever `store.commit` throws.
 * @example
 * ```ts
 * const store = createMemoryStore();
 * await applySeed(store, parseSeed(json), { account: '111122223333', region: 'us-east-1', now: Date.now() });
 * const kms = new Kms({ store, account: '111122223333' });
 * ```
 */
export async function applySeed(store: ChangeStore, seed: SeedDocument, defaults: SeedDefaults): Promise<void> {
  const changes = seedChanges(seed, store.state, defaults);
  if (changes.length > 0) await store.commit(changes);
}

/**
 * Refuses a seed listing more keys in one account and Region than the key quota, or one whose
 * missing keys would take an account and Region over it with the keys it has already (made by
 * calls, or by an earlier seed): AWS refuses the CreateKey after the last ("Resource quotas", AWS
 * KMS keys), so no AWS account holds such a state. A seed that creates nothing in a Region is not
 * refused there for keys it already has (a quota lowered below what exists refuses new keys only).
 */
function requireKeyQuota(keys: readonly SeedKey[], state: KmsState, defaults: SeedDefaults): void {
  const quota = defaults.customerManagedKeys === undefined ? DEFAULT_CUSTOMER_MANAGED_KEYS : checkedKeyQuota(defaults.customerManagedKeys);
  const counts = new Map<string, { account: string; region: string; count: number; missing: number }>();
  for (const key of keys) {
    const account = key.account ?? defaults.account;
    const region = key.region ?? defaults.region;
    const where = `${account}/${region}`;
    const entry = counts.get(where) ?? { account, region, count: 0, missing: 0 };
    entry.count += 1;
    if (state.key(key.keyId) === undefined) entry.missing += 1;
    counts.set(where, entry);
  }
  for (const { account, region, count, missing } of counts.values()) {
    if (count > quota) {
      throw fieldError(
        'keys',
        `lists ${count} keys in account ${account} and Region ${region}, more than the key quota of ${quota} customer managed keys per account and Region (AWS could never hold them; raise the key quota to seed them)`,
      );
    }
    const existing = state.customerManagedKeyCount(account, region);
    if (missing > 0 && existing + missing > quota) {
      throw fieldError(
        'keys',
        `adds ${missing} keys in account ${account} and Region ${region}, which has ${existing}: more than the key quota of ${quota} customer managed keys per account and Region (AWS could never hold them; raise the key quota to seed them)`,
      );
    }
  }
}

function seededKey(seed: SeedKey, index: number, account: string, region: string, defaults: SeedDefaults): KeyRecord {
  const { now } = defaults;
  const random = defaults.random ?? webCryptoRandom;
  const origin = seed.origin ?? 'AWS_KMS';
  const given = seed.material === undefined ? [] : typeof seed.material === 'string' ? [seed.material] : seed.material;
  const materials = given.map((text, i) => newMaterial(random, i + 1, now, parseMaterial(text, `keys[${index}].material`)));
  if (materials.length === 0 && origin === 'AWS_KMS') materials.push(newMaterial(random, 1, now));
  const policy =
    seed.policy === undefined ? defaultKeyPolicy(region, account) : typeof seed.policy === 'string' ? seed.policy : JSON.stringify(seed.policy, null, 2);
  try {
    validateKeyPolicy(policy, { caller: rootPrincipal(region, account), account, region, bypassLockoutCheck: true });
  } catch (error) {
    throw fieldError(`keys[${index}].policy`, `is not a valid key policy: ${(error as Error).message}`);
  }
  const created = createKeyRecord({
    keyId: seed.keyId,
    account,
    region,
    now,
    description: seed.description ?? '',
    policy,
    origin,
    keyManager: 'CUSTOMER',
    tags: tagsOf(seed),
    materials,
  });
  const [first] = materials;
  // Seeded material of an EXTERNAL key counts as imported, without expiry (ImportKeyMaterial's
  // default ExpirationModel), with the material id ImportKeyMaterial would give the same bytes.
  const record =
    origin === 'EXTERNAL' && first !== undefined
      ? withImportedMaterial(
          { ...created, materials: [] },
          {
            material: first.material,
            materialId: importedMaterialId(defaultBackend, seed.keyId, first.material),
            expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
            now,
          },
        )
      : created;
  // Earlier versions count as completed automatic rotations (ListKeyRotations lists them).
  const history: RotationEvent[] = materials.slice(1).map((m) => ({ rotationDate: now, rotationType: 'AUTOMATIC', materialId: m.materialId }));
  const periodInDays = seed.rotation?.periodInDays ?? DEFAULT_ROTATION_PERIOD_DAYS;
  const withHistory: KeyRecord = {
    ...record,
    state: record.state === 'Enabled' && seed.enabled === false ? 'Disabled' : record.state,
    rotation: { ...record.rotation, periodInDays, history },
  };
  return seed.rotation?.enabled === true ? withAutomaticRotation(withHistory, now, periodInDays) : withHistory;
}

function tagsOf(seed: SeedKey): Tag[] {
  if (seed.tags === undefined) return [];
  if (Array.isArray(seed.tags)) return (seed.tags as readonly { TagKey: string; TagValue: string }[]).map((tag) => ({ key: tag.TagKey, value: tag.TagValue }));
  return Object.entries(seed.tags as Readonly<Record<string, string>>).map(([key, value]) => ({ key, value }));
}

function fieldsOf(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fieldError(path, `expected an object, got ${describe(value)}`);
  return value as Fields;
}
