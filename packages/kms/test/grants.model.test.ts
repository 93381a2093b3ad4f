/**
 * Grant rules without policies: token format (new per call, naming the grant, malformed ones
 * recognised), encryption-context constraints (keys case-insensitive, values exact), the
 * "at least as strict" rule for grants created through grants, and Name-idempotency equality.
 */

import type { Random } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constraintsSatisfied, constraintsWithin, grantIdOfToken, isGrantId, newGrantId, newGrantToken, sameGrantParameters } from '../src/model/grants.ts';
import type { GrantConstraints } from '../src/model/records.ts';

const random: Random = { bytes: (n) => crypto.getRandomValues(new Uint8Array(n)) };

describe('grant ids and tokens', () => {
  it('gives 64-hex ids and a different token on every call, each naming the grant', () => {
    const id = newGrantId(random);
    expect(isGrantId(id)).toBe(true);
    const tokens = new Set(Array.from({ length: 20 }, () => newGrantToken(random, id)));
    expect(tokens.size).toBe(20);
    for (const token of tokens) {
      expect(token).toMatch(/^AQpA[A-Za-z0-9_-]+$/);
      expect(grantIdOfToken(token)).toBe(id);
    }
  });

  it('recognises malformed tokens', () => {
    const token = newGrantToken(random, newGrantId(random));
    for (const bad of ['', 'not-a-token', token.slice(0, -4), `${token}AA`, token.replace(/^AQ/, 'AR'), `${token.slice(0, 10)}+${token.slice(11)}`]) {
      expect(grantIdOfToken(bad), bad).toBeUndefined();
    }
  });
});

describe('encryption-context constraints', () => {
  it('EncryptionContextEquals: the same pairs, keys case-insensitive, values exact', () => {
    const equals: GrantConstraints = { encryptionContextEquals: { Dept: 'IT', app: 'x' } };
    expect(constraintsSatisfied(equals, { app: 'x', dept: 'IT' })).toBe(true);
    expect(constraintsSatisfied(equals, { app: 'x', dept: 'it' })).toBe(false);
    expect(constraintsSatisfied(equals, { app: 'x', dept: 'IT', more: '1' })).toBe(false);
    expect(constraintsSatisfied(equals, { app: 'x' })).toBe(false);
  });

  it('EncryptionContextSubset: those pairs and possibly more', () => {
    const subset: GrantConstraints = { encryptionContextSubset: { Dept: 'IT' } };
    expect(constraintsSatisfied(subset, { DEPT: 'IT', more: '1' })).toBe(true);
    expect(constraintsSatisfied(subset, {})).toBe(false);
    expect(constraintsSatisfied(undefined, {})).toBe(true);
  });

  const contextArb = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('1', '2'), { maxKeys: 3 });
  const constraintArb: fc.Arbitrary<GrantConstraints | undefined> = fc.option(
    fc
      .record({ encryptionContextEquals: fc.option(contextArb, { nil: undefined }), encryptionContextSubset: fc.option(contextArb, { nil: undefined }) })
      .map((c) => ({
        ...(c.encryptionContextEquals === undefined ? {} : { encryptionContextEquals: c.encryptionContextEquals }),
        ...(c.encryptionContextSubset === undefined ? {} : { encryptionContextSubset: c.encryptionContextSubset }),
      })),
    { nil: undefined },
  );

  it('a child grant "within" its parent allows no context the parent refuses (property)', () => {
    fc.assert(
      fc.property(constraintArb, constraintArb, contextArb, (child, parent, context) => {
        if (constraintsWithin(child, parent) && constraintsSatisfied(child, context)) expect(constraintsSatisfied(parent, context)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts equally strict or stricter children and refuses weaker ones', () => {
    expect(constraintsWithin({ encryptionContextSubset: { a: '1', b: '2' } }, { encryptionContextSubset: { a: '1' } })).toBe(true);
    expect(constraintsWithin({ encryptionContextEquals: { a: '1', b: '2' } }, { encryptionContextSubset: { A: '1' } })).toBe(true);
    expect(constraintsWithin({ encryptionContextEquals: { a: '1' } }, { encryptionContextEquals: { a: '1' } })).toBe(true);
    expect(constraintsWithin({ encryptionContextSubset: { a: '1' } }, { encryptionContextEquals: { a: '1' } })).toBe(false);
    expect(constraintsWithin(undefined, { encryptionContextSubset: { a: '1' } })).toBe(false);
    expect(constraintsWithin({ encryptionContextSubset: { b: '2' } }, { encryptionContextSubset: { a: '1' } })).toBe(false);
    expect(constraintsWithin(undefined, undefined)).toBe(true);
  });
});

describe('Name idempotency', () => {
  const base = {
    keyId: 'k',
    region: 'us-east-1',
    name: 'n',
    granteePrincipal: 'arn:aws:iam::111122223333:user/a',
    operations: ['Encrypt', 'Decrypt'] as const,
  };
  it('compares operations as a set and constraint keys case-insensitively', () => {
    expect(sameGrantParameters({ ...base, operations: ['Encrypt', 'Decrypt'] }, { ...base, operations: ['Decrypt', 'Encrypt'] })).toBe(true);
    expect(sameGrantParameters({ ...base, operations: ['Encrypt'] }, { ...base, operations: ['Decrypt', 'Encrypt'] })).toBe(false);
    expect(
      sameGrantParameters(
        { ...base, operations: ['Encrypt'], constraints: { encryptionContextSubset: { A: '1' } } },
        { ...base, operations: ['Encrypt'], constraints: { encryptionContextSubset: { a: '1' } } },
      ),
    ).toBe(true);
    expect(sameGrantParameters({ ...base, operations: ['Encrypt'], retiringPrincipal: 'x' }, { ...base, operations: ['Encrypt'] })).toBe(false);
  });
});
