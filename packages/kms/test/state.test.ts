/**
 * KmsState's grant index: `grantsOf` answers from a per-key list built once and shared until a
 * grant of that key changes (every authorization asks), without changing what it answers.
 */

import { describe, expect, it } from 'vitest';
import type { GrantRecord } from '../src/model/records.ts';
import { KmsState } from '../src/model/state.ts';

const KEY_A = '11111111-2222-4333-8444-555555555555';
const KEY_B = '66666666-7777-4888-8999-aaaaaaaaaaaa';

function grant(grantId: string, keyId: string): GrantRecord {
  return {
    grantId,
    keyId,
    region: 'us-east-1',
    name: '',
    granteePrincipal: 'arn:aws:iam::111122223333:root',
    operations: ['Decrypt'],
    creationDate: 0,
    issuingAccount: 'arn:aws:iam::111122223333:root',
  };
}

describe('grantsOf', () => {
  it('answers the same frozen list until a grant of the key changes', () => {
    const state = new KmsState();
    expect(state.grantsOf(KEY_A, 'us-east-1')).toEqual([]);
    state.apply({ type: 'putGrant', grant: grant('g1', KEY_A) });
    state.apply({ type: 'putGrant', grant: grant('g2', KEY_A) });
    const first = state.grantsOf(KEY_A, 'us-east-1');
    expect(first.map((g) => g.grantId)).toEqual(['g1', 'g2']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(state.grantsOf(KEY_A, 'us-east-1')).toBe(first);
    // A grant of another key leaves this key's list alone.
    state.apply({ type: 'putGrant', grant: grant('g3', KEY_B) });
    expect(state.grantsOf(KEY_A, 'us-east-1')).toBe(first);
  });

  it('answers a new list after putGrant, deleteGrant and deleteKey, leaving earlier answers as they were', () => {
    const state = new KmsState();
    state.apply({ type: 'putGrant', grant: grant('g1', KEY_A) });
    const before = state.grantsOf(KEY_A, 'us-east-1');
    state.apply({ type: 'putGrant', grant: grant('g2', KEY_A) });
    const added = state.grantsOf(KEY_A, 'us-east-1');
    expect(added.map((g) => g.grantId)).toEqual(['g1', 'g2']);
    expect(before.map((g) => g.grantId)).toEqual(['g1']);
    // Replacing a grant keeps its place in creation order.
    state.apply({ type: 'putGrant', grant: { ...grant('g1', KEY_A), name: 'renamed' } });
    expect(state.grantsOf(KEY_A, 'us-east-1').map((g) => [g.grantId, g.name])).toEqual([
      ['g1', 'renamed'],
      ['g2', ''],
    ]);
    state.apply({ type: 'deleteGrant', grantId: 'g1' });
    expect(state.grantsOf(KEY_A, 'us-east-1').map((g) => g.grantId)).toEqual(['g2']);
    expect(added.map((g) => g.grantId)).toEqual(['g1', 'g2']);
    state.apply({ type: 'putKey', key: { keyId: KEY_A, account: '111122223333', region: 'us-east-1' } as never });
    state.apply({ type: 'deleteKey', keyId: KEY_A });
    expect(state.grantsOf(KEY_A, 'us-east-1')).toEqual([]);
    expect(state.grant('g2')).toBeUndefined();
  });
});
