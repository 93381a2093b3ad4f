/**
 * The POST policy model: S3's recorded answers for the documents and conditions it refuses, and
 * properties of the evaluator (fast-check) over random forms, with the time given.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/errors.ts';
import { checkContentLength, checkPostPolicy, decodePostPolicy, type PostFormView } from '../../src/model/post-policy.ts';

const NOW = Date.UTC(2026, 11, 7);
const LATER = '2026-12-08T00:00:00Z';

const encode = (document: unknown): string => Buffer.from(JSON.stringify(document)).toString('base64');
const policyOf = (conditions: unknown[], expiration: string = LATER) => decodePostPolicy(encode({ expiration, conditions }));

function refusal(run: () => unknown): S3Error {
  try {
    run();
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const FORM: PostFormView = {
  bucket: 'uploads',
  key: 'user/1/photo.jpg',
  fields: [
    ['key', 'user/1/$' + '{filename}'],
    ['Content-Type', 'image/jpeg'],
    ['x-amz-meta-TEST-2', 'two'],
    ['policy', 'ignored'],
    ['X-Amz-Signature', 'ignored'],
  ],
};

describe('decodePostPolicy', () => {
  it("refuses documents as S3 does: 400 InvalidPolicyDocument 'Invalid Policy: …'", () => {
    const cases: [string, string][] = [
      [Buffer.from('{not json').toString('base64'), 'Invalid Policy: Invalid JSON.'],
      [encode({ expiration: LATER, conditions: [], Statement: [] }), "Invalid Policy: Unexpected: 'statement'"],
      [encode({ expiration: '2011-09-13T07:52:58+02:00', conditions: [] }), "Invalid Policy: Invalid 'expiration' value: '2011-09-13T07:52:58+02:00'"],
      [
        encode({ expiration: LATER, conditions: [{ bucket: 'b', key: 'k' }] }),
        'Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.',
      ],
      [encode({ expiration: LATER, conditions: [{ 'Content-Length': 6199034 }] }), 'Invalid Policy: Invalid Simple-Condition: value must be a string.'],
      [encode({ expiration: LATER, conditions: [{ success_action_redirect: null }] }), 'Invalid Policy: Invalid JSON.'],
    ];
    for (const [document, message] of cases) {
      const error = refusal(() => decodePostPolicy(document));
      expect([error.code, error.status, error.message]).toEqual(['InvalidPolicyDocument', 400, message]);
    }
  });

  it('takes expirations with and without fractional seconds, and operators in any case', () => {
    expect(decodePostPolicy(encode({ expiration: '2015-12-30T12:00:00.000Z', conditions: [] })).expiration).toBe(Date.UTC(2015, 11, 30, 12));
    expect(policyOf([['StArTs-WiTh', '$KeY', 'user/']]).conditions[0]).toMatchObject({ kind: 'match', operator: 'starts-with', field: 'key' });
  });
});

describe('checkPostPolicy', () => {
  it('checks the expiration first: 403 Policy expired past it', () => {
    const policy = policyOf([['eq', '$key', 'nope']], '2026-12-06T23:59:59Z');
    expect(refusal(() => checkPostPolicy(policy, FORM, NOW)).message).toBe('Invalid according to Policy: Policy expired.');
  });

  it('quotes a failed condition as S3 renders it, simple conditions as eq arrays', () => {
    const simple = refusal(() => checkPostPolicy(policyOf([{ key: 'other' }]), FORM, NOW));
    expect([simple.code, simple.status, simple.message]).toEqual([
      'AccessDenied',
      403,
      'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "other"]',
    ]);
    const range = refusal(() => checkPostPolicy(policyOf([['content-length-range', 'test', '10']]), FORM, NOW));
    expect(range.message).toBe('Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]');
    // A name without its `$` never matches (LS-POST), nor does a condition on a field the form lacks, even starts-with "".
    expect(refusal(() => checkPostPolicy(policyOf([['eq', 'key', 'user/1/photo.jpg']]), FORM, NOW)).reason).toBe('PostPolicyConditionFailed');
    expect(refusal(() => checkPostPolicy(policyOf([['starts-with', '$Cache-Control', '']]), FORM, NOW)).reason).toBe('PostPolicyConditionFailed');
  });

  it('matches the expanded key, the bucket of the URL, names in any case, Content-Type lists member by member', () => {
    const policy = policyOf([
      { bucket: 'uploads' },
      ['starts-with', '$key', 'user/1/'],
      ['starts-with', '$content-type', 'image/'],
      { 'x-amz-meta-test-2': 'two' },
    ]);
    expect(checkPostPolicy(policy, FORM, NOW)).toBeUndefined();
    const list = { ...FORM, fields: [...FORM.fields.filter(([name]) => name !== 'Content-Type'), ['Content-Type', 'image/jpg,text/plain'] as const] };
    expect(refusal(() => checkPostPolicy(policy, list, NOW)).message).toBe(
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$content-type", "image/"]',
    );
  });

  it('names every field no condition covers, as sent; policy, x-amz-signature and x-ignore-* need none', () => {
    const form = { ...FORM, fields: [...FORM.fields, ['x-ignore-flash', '1'] as const] };
    expect(refusal(() => checkPostPolicy(policyOf([['starts-with', '$key', '']]), form, NOW)).message).toBe(
      'Invalid according to Policy: Extra input fields: Content-Type, x-amz-meta-TEST-2',
    );
  });

  it('bounds the file by every content-length-range: a later, wider range does not lift an earlier limit', () => {
    const conditions = [['starts-with', '$key', ''], { 'content-type': 'image/jpeg' }, { 'x-amz-meta-test-2': 'two' }];
    const range = checkPostPolicy(policyOf([...conditions, ['content-length-range', 5, 100], ['content-length-range', 0, 1_000_000]]), FORM, NOW);
    expect(range).toEqual({ min: 5, max: 100 });
  });

  it('returns the content-length-range, which checkContentLength applies inclusively', () => {
    const range = checkPostPolicy(
      policyOf([['starts-with', '$key', ''], { 'content-type': 'image/jpeg' }, { 'x-amz-meta-test-2': 'two' }, ['content-length-range', '5', 10]]),
      FORM,
      NOW,
    );
    expect(range).toEqual({ min: 5, max: 10 });
    const large = refusal(() => checkContentLength({ min: 5, max: 10 }, 12));
    expect([large.code, large.message, large.fields]).toEqual([
      'EntityTooLarge',
      'Your proposed upload exceeds the maximum allowed size',
      [
        ['ProposedSize', '12'],
        ['MaxSizeAllowed', '10'],
      ],
    ]);
    expect(refusal(() => checkContentLength({ min: 5, max: 10 }, 1)).fields).toEqual([
      ['ProposedSize', '1'],
      ['MinSizeAllowed', '5'],
    ]);
  });
});

/** Field names a form may carry (never an exempt one, never `key` or `bucket`, which the request sets). */
const fieldName = fc
  .stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/)
  .filter((name) => !['key', 'bucket', 'policy', 'x-amz-signature', 'file'].includes(name.toLowerCase()) && !name.toLowerCase().startsWith('x-ignore-'));
const fieldValue = fc.string({ maxLength: 20 });
/** A form: distinct names (case-insensitively), each with a value. */
const form = fc.uniqueArray(fc.tuple(fieldName, fieldValue), { selector: ([name]) => name.toLowerCase(), maxLength: 8 });
const flipCase = (text: string, mask: readonly boolean[]): string =>
  [...text].map((c, i) => (mask[i % Math.max(mask.length, 1)] ? c.toUpperCase() : c.toLowerCase())).join('');

describe('checkPostPolicy properties', () => {
  it('a policy naming each field with its value accepts the form, whatever the case of the names', () => {
    fc.assert(
      fc.property(form, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (fields, mask) => {
        const policy = policyOf([{ bucket: 'b' }, ['eq', '$key', 'k'], ...fields.map(([name, value]) => ['eq', `$${flipCase(name, mask)}`, value])]);
        expect(checkPostPolicy(policy, { bucket: 'b', key: 'k', fields: [['key', 'k'], ...fields] }, NOW)).toBeUndefined();
      }),
    );
  });

  it('any one value changed fails that condition, quoted; any one condition dropped names that field as extra', () => {
    fc.assert(
      fc.property(
        form.filter((fields) => fields.length > 0),
        fc.nat(),
        fieldValue,
        (fields, pick, other) => {
          const index = pick % fields.length;
          const [name, value] = fields[index] as [string, string];
          fc.pre(other !== value);
          const conditions = fields.map(([n, v]) => ['eq', `$${n}`, v]);
          const changed = fields.map(([n, v], i): [string, string] => [n, i === index ? other : v]);
          const failed = refusal(() =>
            checkPostPolicy(policyOf([['starts-with', '$key', ''], ...conditions]), { bucket: 'b', key: 'k', fields: changed }, NOW),
          );
          expect(failed.message).toBe(
            `Invalid according to Policy: Policy Condition failed: ${`["eq", ${JSON.stringify(`$${name}`)}, ${JSON.stringify(value)}]`}`,
          );
          const dropped = conditions.filter((_, i) => i !== index);
          const extra = refusal(() => checkPostPolicy(policyOf([['starts-with', '$key', ''], ...dropped]), { bucket: 'b', key: 'k', fields }, NOW));
          expect(extra.message).toBe(`Invalid according to Policy: Extra input fields: ${name}`);
        },
      ),
    );
  });

  it('starts-with passes exactly the values that begin with its prefix (a metadata field)', () => {
    fc.assert(
      fc.property(fieldValue, fieldValue, (prefix, value) => {
        const policy = policyOf([
          ['starts-with', '$key', ''],
          ['starts-with', '$x-amz-meta-note', prefix],
        ]);
        const run = () => checkPostPolicy(policy, { bucket: 'b', key: 'k', fields: [['x-amz-meta-note', value]] }, NOW);
        if (value.startsWith(prefix)) expect(run()).toBeUndefined();
        else expect(refusal(run).reason).toBe('PostPolicyConditionFailed');
      }),
    );
  });

  it('a policy is expired exactly when now is past its expiration (the clock is the caller’s)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: -5000, max: 5000 }), (seconds, offset) => {
        const expiration = seconds * 1000;
        const policy = policyOf([['starts-with', '$key', '']], new Date(expiration).toISOString());
        const run = () => checkPostPolicy(policy, { bucket: 'b', key: 'k', fields: [] }, expiration + offset);
        if (offset > 0) expect(refusal(run).reason).toBe('PostPolicyExpired');
        else expect(run()).toBeUndefined();
      }),
    );
  });

  it('checkContentLength refuses exactly the sizes outside [min, max]', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(2000), (a, b, size) => {
        const range = { min: Math.min(a, b), max: Math.max(a, b) };
        if (size < range.min || size > range.max) expect(refusal(() => checkContentLength(range, size)).status).toBe(400);
        else expect(() => checkContentLength(range, size)).not.toThrow();
      }),
    );
  });
});
