/**
 * The multi-Region model (model/multi-region.ts, model/state.ts): the properties a primary shares
 * with its replicas (key material, key spec and usage, origin, rotation, the configuration) follow
 * the primary whenever it is put, and nothing else does; a replica's deletion takes it off the
 * primary's list and starts a PendingReplicaDeletion primary's window.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replicated, withoutReplica, withPrimaryRegion, withSharedProperties } from '../../src/model/multi-region.ts';
import type { KeyRecord } from '../../src/model/records.ts';
import { KmsState } from '../../src/model/state.ts';

const DAY = 86_400_000;
const ID = 'mrk-00112233445566778899aabbccddeeff';

function primary(material: number, description = 'primary'): KeyRecord {
  return {
    keyId: ID,
    arn: `arn:aws:kms:us-east-1:111122223333:key/${ID}`,
    account: '111122223333',
    region: 'us-east-1',
    creationDate: 0,
    description,
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'AWS_KMS',
    keyManager: 'CUSTOMER',
    state: 'Enabled',
    policy: '{}',
    tags: [],
    materials: [{ version: 1, material: new Uint8Array(32).fill(material), materialId: String(material).repeat(64).slice(0, 64), createdAt: 0 }],
    rotation: { enabled: false, periodInDays: 365, onDemandCount: 0, history: [] },
    multiRegion: { primaryRegion: 'us-east-1', replicaRegions: [] },
  };
}

describe('replicas', () => {
  it('start with the primary’s shared properties and their own policy, description, tags and state', () => {
    const { primary: updated, replica } = replicated(primary(1), {
      region: 'eu-west-1',
      now: 5,
      description: 'replica',
      policy: '{"own":true}',
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(updated.multiRegion).toEqual({ primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'] });
    expect(replica).toMatchObject({
      keyId: ID,
      region: 'eu-west-1',
      arn: `arn:aws:kms:eu-west-1:111122223333:key/${ID}`,
      creationDate: 5,
      description: 'replica',
      policy: '{"own":true}',
      tags: [{ key: 'k', value: 'v' }],
      state: 'Enabled',
      multiRegion: updated.multiRegion,
    });
    expect(replica.materials).toBe(updated.materials);
  });

  it('follow every put of their primary in shared properties only, whatever the primary becomes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            material: fc.integer({ min: 1, max: 9 }),
            description: fc.constantFrom('a', 'b'),
            state: fc.constantFrom('Enabled', 'Disabled'),
            rotation: fc.boolean(),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (puts) => {
          const state = new KmsState();
          const { primary: first, replica } = replicated(primary(1), { region: 'eu-west-1', now: 0, description: 'own', policy: 'own', tags: [] });
          state.apply({ type: 'putKey', key: replica });
          state.apply({ type: 'putKey', key: first });
          let last = first;
          for (const put of puts) {
            last = {
              ...primary(put.material, put.description),
              state: put.state as KeyRecord['state'],
              multiRegion: first.multiRegion!,
              rotation: { ...first.rotation, enabled: put.rotation },
            };
            state.apply({ type: 'putKey', key: last });
          }
          const copy = state.key(ID, 'eu-west-1')!;
          expect(copy.materials).toEqual(last.materials);
          expect(copy.rotation).toEqual(last.rotation);
          expect(copy.multiRegion).toEqual(last.multiRegion);
          expect(copy).toMatchObject({ description: 'own', policy: 'own', state: 'Enabled', region: 'eu-west-1' });
          expect(withSharedProperties(copy, last)).toEqual(copy);
        },
      ),
    );
  });

  it('swap roles with UpdatePrimaryRegion, the others following the new primary', () => {
    const state = new KmsState();
    let key = primary(1);
    for (const region of ['eu-west-1', 'ap-southeast-2']) {
      const made = replicated(key, { region, now: 0, description: '', policy: '{}', tags: [] });
      state.apply({ type: 'putKey', key: made.replica });
      state.apply({ type: 'putKey', key: made.primary });
      key = made.primary;
    }
    const [oldPrimary, newPrimary] = withPrimaryRegion(key, state.key(ID, 'eu-west-1')!);
    state.apply({ type: 'putKey', key: oldPrimary });
    state.apply({ type: 'putKey', key: newPrimary });
    const expected = { primaryRegion: 'eu-west-1', replicaRegions: ['us-east-1', 'ap-southeast-2'] };
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) expect(state.key(ID, region)?.multiRegion).toEqual(expected);
  });
});

describe('withoutReplica', () => {
  it('drops the Region, and starts a PendingReplicaDeletion primary’s window once the last replica is gone', () => {
    const waiting: KeyRecord = {
      ...primary(1),
      state: 'PendingReplicaDeletion',
      pendingWindowInDays: 9,
      multiRegion: { primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1', 'ap-southeast-2'] },
    };
    const one = withoutReplica(waiting, 'eu-west-1', 100, DAY);
    expect(one).toMatchObject({ state: 'PendingReplicaDeletion', multiRegion: { replicaRegions: ['ap-southeast-2'] } });
    expect(one.deletionDate).toBeUndefined();
    const none = withoutReplica(one, 'ap-southeast-2', 200, DAY);
    expect(none).toMatchObject({ state: 'PendingDeletion', deletionDate: 200 + 9 * DAY, pendingWindowInDays: 9, multiRegion: { replicaRegions: [] } });
    // An Enabled primary only loses the Region.
    expect(withoutReplica({ ...waiting, state: 'Enabled' }, 'eu-west-1', 0, DAY).state).toBe('Enabled');
  });
});
