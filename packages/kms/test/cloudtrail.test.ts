/**
 * Looking events up in process (`kms.auditTrail.lookup`), with CloudTrail LookupEvents' semantics:
 * exact filters (event name and id, resource ARN, user name, access key, read-only, source, type),
 * the account's and Region's own event history (cross-account calls in both accounts, refused ones
 * only in the caller's: KMS logging guide), an inclusive time range on whole-second event times,
 * newest first, and page tokens bound to their query (CloudTrail API reference, LookupEvents).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kms, KmsError, type LookupQuery, ManualClock, type Principal, principalFromArn, ServiceError } from '../src/index.ts';

const ACCOUNT = '000000000000';
const OTHER = '111122223333';
const T0 = Date.UTC(2024, 0, 1);
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });
const BOB: Principal = principalFromArn(`arn:aws:iam::${ACCOUNT}:user/bob`, { accessKeyId: 'AKIABOB', identityPolicy: ALLOW_ALL });
const ROLE: Principal = principalFromArn(`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci-run-7`, { accessKeyId: 'ASIADEPLOYER', identityPolicy: ALLOW_ALL });

const names = (query: LookupQuery, kms: Kms): string[] => kms.auditTrail.lookup(query).records.map((r) => r.eventName);

async function failureCode(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ServiceError || error instanceof KmsError) return error.code;
    throw error;
  }
  return 'no error';
}

/** A small history: root creates a key, Bob encrypts with it a second later, the role describes it, one refused call. */
async function history(): Promise<{ kms: Kms; clock: ManualClock; keyArn: string; keyId: string }> {
  const clock = new ManualClock(T0);
  const kms = new Kms({ clock, quotas: false });
  const { KeyMetadata } = await kms.createKey({}); // T0
  clock.advance(1000);
  await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]) }, { caller: BOB }); // T0 + 1 s
  clock.advance(1500);
  await kms.describeKey({ KeyId: KeyMetadata.Arn }, { caller: ROLE }); // T0 + 2.5 s
  clock.advance(1000);
  await kms.disableKey({ KeyId: 'not-a-key-id' }).catch(() => undefined); // T0 + 3.5 s, NotFoundException
  return { kms, clock, keyArn: KeyMetadata.Arn, keyId: KeyMetadata.KeyId };
}

describe('filters', () => {
  it('match exactly, newest first', async () => {
    const { kms, keyArn } = await history();
    expect(names({}, kms)).toEqual(['DisableKey', 'DescribeKey', 'Encrypt', 'CreateKey']);
    expect(names({ eventName: 'Encrypt' }, kms)).toEqual(['Encrypt']);
    expect(names({ eventName: 'encrypt' }, kms)).toEqual([]);
    expect(names({ resourceName: keyArn }, kms)).toEqual(['DescribeKey', 'Encrypt', 'CreateKey']);
    expect(names({ readOnly: false }, kms)).toEqual(['DisableKey', 'CreateKey']);
    expect(names({ eventSource: 'kms.amazonaws.com' }, kms)).toHaveLength(4);
    expect(names({ eventSource: 's3.amazonaws.com' }, kms)).toEqual([]);
    expect(names({ resourceType: 'AWS::KMS::Key' }, kms)).toEqual(['DescribeKey', 'Encrypt', 'CreateKey']);
    expect(names({ resourceType: 'AWS::S3::Bucket' }, kms)).toEqual([]);
  });

  it('match user names as CloudTrail shows them: IAM user name, role session name, root', async () => {
    const { kms } = await history();
    expect(names({ username: 'bob' }, kms)).toEqual(['Encrypt']);
    expect(names({ username: 'ci-run-7' }, kms)).toEqual(['DescribeKey']);
    expect(names({ username: 'root' }, kms)).toEqual(['DisableKey', 'CreateKey']);
    expect(names({ accessKeyId: 'ASIADEPLOYER' }, kms)).toEqual(['DescribeKey']);
  });

  it('find one event by its id', async () => {
    const { kms } = await history();
    const encrypt = kms.auditTrail.lookup({ eventName: 'Encrypt' }).records[0]!;
    expect(kms.auditTrail.lookup({ eventId: encrypt.eventID }).records).toEqual([encrypt]);
  });

  it('bound times inclusively, on the whole-second eventTime', async () => {
    const { kms } = await history();
    expect(names({ startTime: new Date(T0 + 1000), endTime: new Date(T0 + 2000) }, kms)).toEqual(['DescribeKey', 'Encrypt']);
    expect(names({ startTime: new Date(T0 + 1001) }, kms)).toEqual(['DisableKey', 'DescribeKey']);
    expect(names({ endTime: new Date(T0) }, kms)).toEqual(['CreateKey']);
  });

  it("keep to an account's own history: cross-account calls in both accounts, refused ones only in the caller's", async () => {
    const clock = new ManualClock(T0);
    const kms = new Kms({ clock, quotas: false });
    const shared = await kms.createKey({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`, `arn:aws:iam::${OTHER}:root`] }, Action: 'kms:*', Resource: '*' }],
      }),
    });
    const closed = await kms.createKey({});
    const carol = principalFromArn(`arn:aws:iam::${OTHER}:user/carol`, { identityPolicy: ALLOW_ALL });
    await kms.encrypt({ KeyId: shared.KeyMetadata.Arn, Plaintext: new Uint8Array([1]) }, { caller: carol });
    await kms.encrypt({ KeyId: closed.KeyMetadata.Arn, Plaintext: new Uint8Array([1]) }, { caller: carol }).catch(() => undefined);
    const inOther = kms.auditTrail.lookup({ account: OTHER }).records;
    const inOwner = kms.auditTrail.lookup({ account: ACCOUNT }).records;
    expect(inOther.map((r) => [r.eventName, r.errorCode])).toEqual([
      ['Encrypt', 'AccessDenied'],
      ['Encrypt', undefined],
    ]);
    expect(inOwner.map((r) => [r.eventName, r.errorCode])).toEqual([
      ['Encrypt', undefined],
      ['CreateKey', undefined],
      ['CreateKey', undefined],
    ]);
  });

  it("keep to a Region's own history", async () => {
    const kms = new Kms({ clock: new ManualClock(T0), quotas: false });
    await kms.createKey({});
    await kms.createKey({}, { region: 'eu-west-1' });
    expect(kms.auditTrail.lookup({ region: 'eu-west-1' }).records.map((r) => r.awsRegion)).toEqual(['eu-west-1']);
  });
});

describe('pages', () => {
  it('walk every match once, newest first, undisturbed by events recorded meanwhile', async () => {
    const { kms, keyId } = await history();
    const first = kms.auditTrail.lookup({ maxResults: 3 });
    expect(first.records.map((r) => r.eventName)).toEqual(['DisableKey', 'DescribeKey', 'Encrypt']);
    await kms.describeKey({ KeyId: keyId });
    const second = kms.auditTrail.lookup({ maxResults: 3, nextToken: first.nextToken! });
    expect(second.records.map((r) => r.eventName)).toEqual(['CreateKey']);
    expect(second.nextToken).toBeUndefined();
  });

  it('return exactly the filtered history for any page size (property)', async () => {
    const kms = new Kms({ clock: new ManualClock(T0), quotas: false });
    const { KeyMetadata } = await kms.createKey({});
    const operations = ['describeKey', 'getKeyPolicy', 'listResourceTags'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...operations), { maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom(undefined, 'DescribeKey', 'GetKeyPolicy'),
        async (calls, pageSize, eventName) => {
          kms.auditTrail.clear();
          for (const call of calls) await kms[call]({ KeyId: KeyMetadata.KeyId });
          const expected = kms.auditTrail
            .events()
            .reverse()
            .filter((e) => eventName === undefined || e.eventName === eventName)
            .map((e) => e.eventId);
          const seen: string[] = [];
          let token: string | undefined;
          do {
            const page = kms.auditTrail.lookup({ ...(eventName ? { eventName } : {}), maxResults: pageSize, ...(token ? { nextToken: token } : {}) });
            expect(page.records.length).toBeLessThanOrEqual(pageSize);
            seen.push(...page.records.map((r) => r.eventID));
            token = page.nextToken;
          } while (token !== undefined);
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuse a token of another query, a forged token, a bad page size and a reversed time range', async () => {
    const { kms } = await history();
    const { nextToken } = kms.auditTrail.lookup({ eventName: 'Encrypt', maxResults: 1 });
    const token = kms.auditTrail.lookup({ maxResults: 1 }).nextToken!;
    expect(nextToken).toBeUndefined();
    expect(await failureCode(() => kms.auditTrail.lookup({ eventName: 'Encrypt', nextToken: token }))).toBe('InvalidNextTokenException');
    expect(await failureCode(() => kms.auditTrail.lookup({ nextToken: 'bm90LWEtdG9rZW4' }))).toBe('InvalidNextTokenException');
    expect(await failureCode(() => kms.auditTrail.lookup({ maxResults: 0 }))).toBe('InvalidMaxResultsException');
    expect(await failureCode(() => kms.auditTrail.lookup({ startTime: new Date(T0 + 1), endTime: new Date(T0) }))).toBe('InvalidTimeRangeException');
    // Page size is not part of the query: a token still works with another page size.
    expect(kms.auditTrail.lookup({ maxResults: 2, nextToken: token }).records.map((r) => r.eventName)).toEqual(['DescribeKey', 'Encrypt']);
  });
});
