/**
 * `requestParameters` of inputs whose recorded members are all primitives are interned: a repeated
 * call (same key, same algorithm) records the one frozen object made the first time, so the trail
 * retains no new object per call. The interned record must be exactly what rendering the input
 * afresh gives, for any input of any operation (fast-check over member values of every type,
 * absent and unknown members, in any order), and the trail must read back each call's own values.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kms } from '../src/index.ts';
import { OPERATION_NAMES, OPERATIONS } from '../src/operations/index.ts';
import { defaultAuditParameters, ParameterInterner, renderAuditParameters } from '../src/service/audit-fields.ts';

/** Member values of every kind a caller may pass, valid or not; few distinct primitives, so paths repeat. */
const memberValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('alias/a', 'HMAC_SHA_256', '', '__proto__', 'é'),
  fc.constantFrom(0, 1, -0, 17, 4096),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(new Uint8Array([1, 2])),
  fc.constant(new Date(Date.UTC(2026, 0, 1))),
  fc.array(fc.constantFrom('t1', 't2'), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom('k', '__proto__', 'constructor'), fc.constantFrom('v', 'w'), { maxKeys: 2 }),
);

/** An input of `name`: some of its members and an unknown one, in a random order. */
const inputOf = (name: (typeof OPERATION_NAMES)[number]): fc.Arbitrary<Record<string, unknown>> => {
  const members = [...Object.keys(OPERATIONS[name].input.members), 'NotAMember'];
  return fc.shuffledSubarray(members).chain((chosen) =>
    fc.tuple(...chosen.map(() => memberValue)).map((values) => {
      const input: Record<string, unknown> = {};
      chosen.forEach((member, i) => {
        input[member] = values[i];
      });
      return input;
    }),
  );
};

describe('interned requestParameters', () => {
  const interner = new ParameterInterner();

  it('equal the parameters rendered afresh, for every operation and any input (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPERATION_NAMES).chain((name) => fc.tuple(fc.constant(name), inputOf(name))),
        ([name, input]) => {
          const definition = OPERATIONS[name];
          const expected = renderAuditParameters(definition, input);
          const first = defaultAuditParameters(definition, input, interner);
          const again = defaultAuditParameters(definition, { ...input }, interner);
          expect(first).toEqual(expected);
          expect(again).toEqual(expected);
          // Member order is part of the record (the JSON CloudTrail writes).
          expect(JSON.stringify(first)).toBe(JSON.stringify(expected));
          expect(JSON.stringify(again)).toBe(JSON.stringify(expected));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('are one frozen object per distinct input of primitives, and a fresh one otherwise', () => {
    const mac = OPERATIONS.GenerateMac;
    const input = { KeyId: 'alias/interned', MacAlgorithm: 'HMAC_SHA_256', Message: new Uint8Array(8) };
    const first = defaultAuditParameters(mac, input, interner);
    expect(first).toEqual({ keyId: 'alias/interned', macAlgorithm: 'HMAC_SHA_256' });
    expect(Object.isFrozen(first)).toBe(true);
    expect(defaultAuditParameters(mac, { ...input, Message: new Uint8Array(9) }, interner)).toBe(first);
    expect(defaultAuditParameters(mac, { ...input, MacAlgorithm: 'HMAC_SHA_512' }, interner)).toEqual({
      keyId: 'alias/interned',
      macAlgorithm: 'HMAC_SHA_512',
    });
    // A list member (grant tokens) is rendered per call.
    const withTokens = { ...input, GrantTokens: ['token'] };
    expect(defaultAuditParameters(mac, withTokens, interner)).not.toBe(defaultAuditParameters(mac, withTokens, interner));
    expect(defaultAuditParameters(mac, withTokens, interner)).toEqual({ keyId: 'alias/interned', macAlgorithm: 'HMAC_SHA_256', grantTokens: ['token'] });
  });

  it('fill in the operation defaults as rendering does (Decrypt always logs encryptionAlgorithm)', () => {
    const decrypt = OPERATIONS.Decrypt;
    expect(defaultAuditParameters(decrypt, { CiphertextBlob: new Uint8Array(4) }, interner)).toEqual({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(defaultAuditParameters(decrypt, { KeyId: 'k', EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }, interner)).toEqual({
      keyId: 'k',
      encryptionAlgorithm: 'RSAES_OAEP_SHA_1',
    });
  });
});

describe('what interning keeps (REVIEW R2: bounded, and per emulator)', () => {
  it('does not intern a string longer than 2,048 characters: rendered afresh on every call, equal', () => {
    const interner = new ParameterInterner();
    const describeKey = OPERATIONS.DescribeKey;
    const long = { KeyId: 'x'.repeat(2049) };
    const first = defaultAuditParameters(describeKey, long, interner);
    expect(first).toEqual({ keyId: long.KeyId });
    expect(defaultAuditParameters(describeKey, { ...long }, interner)).not.toBe(first);
    const short = { KeyId: 'x'.repeat(2048) };
    expect(defaultAuditParameters(describeKey, { ...short }, interner)).toBe(defaultAuditParameters(describeKey, short, interner));
  });

  it('stops interning once its values hold 2 Mi characters, and renders the rest per call', () => {
    const interner = new ParameterInterner();
    const describeKey = OPERATIONS.DescribeKey;
    // 1,024 distinct values of 2,048 characters fill the budget exactly.
    for (let i = 0; i < 1024; i++) defaultAuditParameters(describeKey, { KeyId: `${i}`.padEnd(2048, '-') }, interner);
    const past = { KeyId: 'past the budget' };
    expect(defaultAuditParameters(describeKey, past, interner)).toEqual({ keyId: 'past the budget' });
    expect(defaultAuditParameters(describeKey, { ...past }, interner)).not.toBe(defaultAuditParameters(describeKey, past, interner));
    // What was interned before stays interned.
    const early = { KeyId: '0'.padEnd(2048, '-') };
    expect(defaultAuditParameters(describeKey, early, interner)).toBe(defaultAuditParameters(describeKey, { ...early }, interner));
  });

  it("belongs to one emulator: another Kms records its own objects, not the first one's", async () => {
    const recorded = async (): Promise<unknown> => {
      const kms = new Kms({ quotas: false });
      await kms.describeKey({ KeyId: 'alias/not-there' }).catch(() => undefined);
      await kms.describeKey({ KeyId: 'alias/not-there' }).catch(() => undefined);
      const [first, second] = kms.auditTrail.events().map((event) => event.requestParameters);
      expect(second).toBe(first);
      return first;
    };
    const one = await recorded();
    const other = await recorded();
    expect(other).toEqual(one);
    expect(other).not.toBe(one);
  });
});

describe('the trail of repeated calls', () => {
  it("records each call's own key and algorithm, in LookupEvents as in the events", async () => {
    const kms = new Kms({ quotas: false });
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) keys.push((await kms.createKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })).KeyMetadata.KeyId);
    const message = new Uint8Array(16);
    const calls = Array.from({ length: 30 }, (_, i) => keys[i % 3] as string);
    for (const keyId of calls) await kms.generateMac({ KeyId: keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' });
    const recorded = kms.auditTrail.events().filter((event) => event.eventName === 'GenerateMac');
    expect(recorded.map((event) => event.requestParameters)).toEqual(calls.map((keyId) => ({ keyId, macAlgorithm: 'HMAC_SHA_256' })));
    const looked = kms.auditTrail.lookup({ eventName: 'GenerateMac', maxResults: 50 }).records;
    expect(looked.map((record) => record.requestParameters)).toEqual([...calls].reverse().map((keyId) => ({ keyId, macAlgorithm: 'HMAC_SHA_256' })));
    expect(new Set(recorded.map((event) => event.eventId)).size).toBe(30);
  });
});
