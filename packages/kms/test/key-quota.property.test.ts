/**
 * Invariants of the "AWS KMS keys" resource quota. The state's count of customer managed keys per
 * account and Region is the number of such records, whatever changes and undos (the data
 * directory's roll-backs) came before; and across any series of key creations, deletions, waiting
 * periods and quota changes, CreateKey succeeds exactly when the Region has fewer customer managed
 * keys than the quota, so a Region never goes over a quota that was in force when its keys were made.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kms, KmsError, ManualClock } from '../src/index.ts';
import type { KeyRecord } from '../src/model/records.ts';
import { type Change, KmsState } from '../src/model/state.ts';

const ACCOUNTS = ['111122223333', '444455556666'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const KEY_IDS = ['11111111-2222-4333-8444-555555555555', '66666666-7777-4888-8999-aaaaaaaaaaaa', 'mrk-0123456789abcdef0123456789abcdef'];
const DAY = 86_400_000;

/** A key record with just what the count reads. A key id keeps one account and key manager, as in KMS. */
const record = (keyId: string, region: string, description: string): KeyRecord => {
  const index = KEY_IDS.indexOf(keyId);
  return {
    keyId,
    region,
    description,
    account: ACCOUNTS[index % ACCOUNTS.length],
    keyManager: index === 1 ? 'AWS' : 'CUSTOMER',
  } as unknown as KeyRecord;
};

const change: fc.Arbitrary<Change> = fc.oneof(
  fc
    .record({ keyId: fc.constantFrom(...KEY_IDS), region: fc.constantFrom(...REGIONS), description: fc.constantFrom('a', 'b') })
    .map(({ keyId, region, description }): Change => ({ type: 'putKey', key: record(keyId, region, description) })),
  fc
    .record({ keyId: fc.constantFrom(...KEY_IDS), region: fc.constantFrom(...REGIONS, undefined) })
    .map(({ keyId, region }): Change => ({ type: 'deleteKey', keyId, ...(region === undefined ? {} : { region }) })),
);

/** The customer managed key records of each account and Region, counted from the records themselves. */
function recount(state: KmsState): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of state.keys()) {
    if (key.keyManager === 'AWS') continue;
    const where = `${key.account}/${key.region}`;
    counts.set(where, (counts.get(where) ?? 0) + 1);
  }
  return counts;
}

function reported(state: KmsState): Map<string, number> {
  return new Map([...state.customerManagedKeyCounts()].map(({ account, region, count }) => [`${account}/${region}`, count]));
}

describe('the customer managed key count', () => {
  it('equals the number of customer managed records after any changes, each kept or undone', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ change, undo: fc.boolean() }), { maxLength: 30 }), (steps) => {
        const state = new KmsState();
        for (const { change, undo } of steps) {
          const inverse = state.inverseOf(change);
          state.apply(change);
          if (undo) for (const back of inverse) state.apply(back);
          const expected = recount(state);
          expect(reported(state)).toEqual(expected);
          for (const account of ACCOUNTS) {
            for (const region of REGIONS) expect(state.customerManagedKeyCount(account, region)).toBe(expected.get(`${account}/${region}`) ?? 0);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

/** One step of a client's life with the key quota. */
type Step =
  | { readonly kind: 'create'; readonly region: string; readonly origin: 'AWS_KMS' | 'EXTERNAL' }
  | { readonly kind: 'schedule'; readonly region: string; readonly pick: number }
  | { readonly kind: 'wait' }
  | { readonly kind: 'quota'; readonly keys: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      region: fc.constantFrom(...REGIONS),
      origin: fc.constantFrom('AWS_KMS' as const, 'EXTERNAL' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('schedule' as const), region: fc.constantFrom(...REGIONS), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('quota' as const), keys: fc.integer({ min: 0, max: 4 }) }) },
);

describe('CreateKey under the key quota', () => {
  it('succeeds exactly when the Region has fewer customer managed keys than the quota, in any key state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.array(step, { maxLength: 20 }), async (initial, steps) => {
        const clock = new ManualClock(Date.UTC(2025, 5, 1));
        const kms = new Kms({ clock, quotas: { enabled: false, customerManagedKeys: initial } });
        let quota = initial;
        // The model: each Region's keys, and which are pending deletion (with when they go).
        const keys = new Map<string, { keyId: string; deletesAt?: number }[]>(REGIONS.map((region) => [region, []]));
        try {
          for (const next of steps) {
            if (next.kind === 'create') {
              const live = keys.get(next.region)!;
              const created = await kms.createKey({ Origin: next.origin }, { region: next.region }).then(
                (output) => output.KeyMetadata.KeyId,
                (error: unknown) => {
                  expect(error).toBeInstanceOf(KmsError);
                  expect((error as KmsError).code).toBe('LimitExceededException');
                  return undefined;
                },
              );
              expect(created !== undefined).toBe(live.length < quota);
              if (created !== undefined) live.push({ keyId: created });
            } else if (next.kind === 'schedule') {
              const candidates = keys.get(next.region)!.filter((key) => key.deletesAt === undefined);
              const key = candidates[next.pick % Math.max(1, candidates.length)];
              if (key === undefined) continue;
              await kms.scheduleKeyDeletion({ KeyId: key.keyId, PendingWindowInDays: 7 }, { region: next.region });
              key.deletesAt = clock.now() + 7 * DAY;
            } else if (next.kind === 'wait') {
              clock.advance(4 * DAY);
              // Deletions fall due on the next request.
              await kms.listKeys({});
              for (const [region, list] of keys)
                keys.set(
                  region,
                  list.filter((key) => key.deletesAt === undefined || key.deletesAt > clock.now()),
                );
            } else {
              kms.quotas.configure({ customerManagedKeys: next.keys });
              quota = next.keys;
            }
            const usage = new Map(kms.quotas.resourceUsage().map(({ region, usage }) => [region, usage]));
            for (const region of REGIONS) expect(usage.get(region) ?? 0).toBe(keys.get(region)!.length);
          }
        } finally {
          await kms.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
