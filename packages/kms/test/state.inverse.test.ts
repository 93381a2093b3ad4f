/**
 * `KmsState.inverseOf`: undoing any series of changes, newest first, gives back the state as it
 * was, the property the data directory's full-disk rollback rests on.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AliasRecord, GrantRecord, KeyRecord } from '../src/model/records.ts';
import { type Change, KmsState } from '../src/model/state.ts';

const KEYS = ['11111111-2222-4333-8444-555555555555', '66666666-7777-4888-8999-aaaaaaaaaaaa', '0b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47'];
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';

const key = (keyId: string, description: string): KeyRecord => ({ keyId, description, account: ACCOUNT, region: REGION }) as unknown as KeyRecord;
/** A multi-Region key's record in `region` (primary in REGION, one replica in REPLICA), shared material `material`. */
const MRK = 'mrk-0123456789abcdef0123456789abcdef';
const REPLICA = 'eu-west-1';
const mrkRecord = (region: string, description: string, material: number): KeyRecord =>
  ({
    keyId: MRK,
    description,
    account: ACCOUNT,
    region,
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    materials: [{ version: 1, material: new Uint8Array([material]), materialId: String(material), createdAt: 0 }],
    rotation: { enabled: false, periodInDays: 365, onDemandCount: 0, history: [] },
    multiRegion: { primaryRegion: REGION, replicaRegions: [REPLICA] },
  }) as unknown as KeyRecord;
const alias = (aliasName: string, targetKeyId: string): AliasRecord => ({ aliasName, targetKeyId, account: ACCOUNT, region: REGION }) as unknown as AliasRecord;
const grant = (grantId: string, keyId: string): GrantRecord => ({
  grantId,
  keyId,
  region: REGION,
  name: '',
  granteePrincipal: `arn:aws:iam::${ACCOUNT}:root`,
  operations: ['Decrypt'],
  creationDate: 0,
  issuingAccount: `arn:aws:iam::${ACCOUNT}:root`,
});

const keyId = fc.constantFrom(...KEYS);
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ keyId, description: fc.constantFrom('a', 'b') }).map(({ keyId, description }): Change => ({ type: 'putKey', key: key(keyId, description) })),
  keyId.map((keyId): Change => ({ type: 'deleteKey', keyId })),
  // Multi-Region records: putting the primary copies its shared properties onto the replica.
  fc
    .record({ region: fc.constantFrom(REGION, REPLICA), description: fc.constantFrom('a', 'b'), material: fc.constantFrom(1, 2) })
    .map(({ region, description, material }): Change => ({ type: 'putKey', key: mrkRecord(region, description, material) })),
  fc.constantFrom(REGION, REPLICA, undefined).map((region): Change => ({ type: 'deleteKey', keyId: MRK, ...(region === undefined ? {} : { region }) })),
  fc.record({ name: fc.constantFrom('alias/x', 'alias/y'), keyId }).map(({ name, keyId }): Change => ({ type: 'putAlias', alias: alias(name, keyId) })),
  fc.constantFrom('alias/x', 'alias/y').map((aliasName): Change => ({ type: 'deleteAlias', account: ACCOUNT, region: REGION, aliasName })),
  fc.record({ id: fc.constantFrom('g1', 'g2', 'g3'), keyId }).map(({ id, keyId }): Change => ({ type: 'putGrant', grant: grant(id, keyId) })),
  fc.constantFrom('g1', 'g2', 'g3').map((grantId): Change => ({ type: 'deleteGrant', grantId })),
);

/** The state as a set: keys, aliases and grants, each sorted (undo may change creation order). */
function contents(state: KmsState): unknown {
  const sorted = (items: unknown[]): string[] => items.map((item) => JSON.stringify(item)).sort();
  return {
    keys: sorted([...state.keys()]),
    aliases: sorted(state.aliases(ACCOUNT, REGION)),
    grants: sorted([...state.grants()]),
    grantsOf: KEYS.map((id) => sorted([...state.grantsOf(id, REGION)])),
    records: sorted([...state.keyRecords(MRK)]),
  };
}

/**
 * Whether KMS could make this change here: a replica's shared properties are its primary's;
 * aliases and grants only ever name an existing key
 * (operations check it, and deleting a key deletes them), the invariant `inverseOf` relies on,
 * and a grant (a random 256-bit id) never moves to another key.
 */
function possible(state: KmsState, c: Change): boolean {
  // A replica always has its primary's shared properties: KMS writes it so (ReplicateKey), and
  // putting the primary copies them onto it.
  if (c.type === 'putKey' && c.key.keyId === MRK && c.key.region === REPLICA) {
    const primary = state.key(MRK, REGION);
    return primary === undefined || primary.materials[0]?.materialId === c.key.materials[0]?.materialId;
  }
  if (c.type === 'putAlias') return state.key(c.alias.targetKeyId) !== undefined;
  if (c.type === 'putGrant') return state.key(c.grant.keyId) !== undefined && (state.grant(c.grant.grantId)?.keyId ?? c.grant.keyId) === c.grant.keyId;
  return true;
}

describe('inverseOf', () => {
  it('undoes any series of changes KMS could make, newest first', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 15 }), fc.array(change, { minLength: 1, maxLength: 15 }), (setup, series) => {
        const state = new KmsState();
        for (const c of setup) if (possible(state, c)) state.apply(c);
        const before = contents(state);
        const undo: Change[][] = [];
        for (const c of series) {
          if (!possible(state, c)) continue;
          undo.push(state.inverseOf(c));
          state.apply(c);
        }
        for (const changes of undo.reverse()) for (const c of changes) state.apply(c);
        expect(contents(state)).toEqual(before);
      }),
      { numRuns: 500 },
    );
  });
});
