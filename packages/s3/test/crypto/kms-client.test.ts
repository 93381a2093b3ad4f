/**
 * `kmsOnBehalf`'s clients: a frozen caller keeps one client (and its keyrings) per KMS and Region,
 * and what that client remembers is only who calls and where: every call still meets the key
 * policy, grants, key state and quotas as they are at that moment.
 */

import { describe, expect, it } from 'vitest';
import { kmsOnBehalf, S3_SERVICE_PRINCIPAL } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { ACCOUNT, type KmsEngine, newKey, REGION, rootStatement, useKmsEngine, user } from '../helpers/kms.ts';

let engine: KmsEngine;
useKmsEngine(['data'], (created) => (engine = created));

/** Alice as the HTTP edge and the in-process default hand callers over: frozen. */
const alice = Object.freeze(user('alice', ['kms:GenerateDataKey', 'kms:Decrypt']));

describe('kmsOnBehalf', () => {
  it('gives a frozen caller one client per KMS and Region, with one keyring per key id', () => {
    const { kms } = engine;
    const client = kmsOnBehalf(kms, alice, REGION);
    expect(kmsOnBehalf(kms, alice, REGION)).toBe(client);
    expect(kmsOnBehalf(kms, alice, 'eu-west-1')).not.toBe(client);
    expect(kmsOnBehalf(kms, Object.freeze({ ...alice }), REGION)).not.toBe(client);
    expect(client.keyring('alias/aws/s3')).toBe(client.keyring('alias/aws/s3'));
    expect(client.keyring('alias/other')).not.toBe(client.keyring('alias/aws/s3'));
  });

  it('gives a caller that can still change a client of its own on every call', () => {
    const mutable = user('bob', ['kms:GenerateDataKey']);
    expect(kmsOnBehalf(engine.kms, mutable, REGION)).not.toBe(kmsOnBehalf(engine.kms, mutable, REGION));
  });

  it('calls KMS as the caller, invoked by s3.amazonaws.com, through a principal nobody can change', async () => {
    const { kms } = engine;
    const { arn } = await newKey(kms);
    const client = kmsOnBehalf(kms, alice, REGION);
    const generated = await client.keyring(arn).generateDataKey(32, { 'aws:s3:arn': 'arn:aws:s3:::data/k' });
    await client.keyring(arn).unwrapDataKey(generated.wrapped, { 'aws:s3:arn': 'arn:aws:s3:::data/k' });
    const events = kms.auditTrail.events().filter((event) => event.eventName === 'GenerateDataKey' || event.eventName === 'Decrypt');
    expect(events.map((event) => [event.eventName, event.errorCode])).toEqual([
      ['GenerateDataKey', undefined],
      ['Decrypt', undefined],
    ]);
    for (const event of events) {
      expect(event.caller).toMatchObject({ arn: alice.arn, account: ACCOUNT, invokedBy: S3_SERVICE_PRINCIPAL });
      expect(Object.isFrozen(event.caller)).toBe(true);
    }
    expect(events[0]?.requestParameters).toMatchObject({ keyId: arn, keySpec: 'AES_256', encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::data/k' } });
  });
});

describe('a remembered client meets KMS as it is now', () => {
  const sse = (arn: string) => ({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn }) as const;
  const read = async (key: string): Promise<string> => (await engine.s3.getObject({ Bucket: 'data', Key: key }, { caller: alice })).Body.transformToString();

  it('a key policy change between calls: the next PUT and GET are refused, then allowed again', async () => {
    const { s3, kms } = engine;
    const { arn, id } = await newKey(kms);
    await s3.putObject({ Bucket: 'data', Key: 'a', Body: 'a', ...sse(arn) }, { caller: alice });
    expect(await read('a')).toBe('a');
    const deny = { Effect: 'Deny', Principal: { AWS: alice.arn }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*' };
    await kms.putKeyPolicy({ KeyId: id, PolicyName: 'default', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [rootStatement(), deny] }) });
    expect((await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'b', Body: 'b', ...sse(arn) }, { caller: alice }))).code).toBe('AccessDenied');
    expect((await catchS3Async(() => read('a'))).code).toBe('AccessDenied');
    await kms.putKeyPolicy({ KeyId: id, PolicyName: 'default', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [rootStatement()] }) });
    await s3.putObject({ Bucket: 'data', Key: 'b', Body: 'b', ...sse(arn) }, { caller: alice });
    expect(await read('b')).toBe('b');
  });

  it('a grant created and revoked between calls: allowed while it lives only', async () => {
    const { s3, kms } = engine;
    // The key policy names only the root of another account: alice gets in by a grant alone.
    const { arn } = await newKey(kms, { policy: { Version: '2012-10-17', Statement: [rootStatement('111122223333')] } });
    const refused = () => catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'g', Body: 'g', ...sse(arn) }, { caller: alice }));
    expect((await refused()).code).toBe('AccessDenied');
    const { GrantId } = await kms.createGrant(
      { KeyId: arn, GranteePrincipal: alice.arn, Operations: ['GenerateDataKey', 'Decrypt'] },
      { caller: 'arn:aws:iam::111122223333:root' },
    );
    await s3.putObject({ Bucket: 'data', Key: 'g', Body: 'g', ...sse(arn) }, { caller: alice });
    expect(await read('g')).toBe('g');
    await kms.revokeGrant({ KeyId: arn, GrantId: GrantId ?? '' }, { caller: 'arn:aws:iam::111122223333:root' });
    expect((await refused()).code).toBe('AccessDenied');
    expect((await catchS3Async(() => read('g'))).code).toBe('AccessDenied');
  });

  it('a key disabled, enabled, then scheduled for deletion between calls', async () => {
    const { s3, kms } = engine;
    const { arn, id } = await newKey(kms);
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'k', ...sse(arn) }, { caller: alice });
    await kms.disableKey({ KeyId: id });
    expect((await catchS3Async(() => read('k'))).code).toBe('KMS.DisabledException');
    expect((await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'n', Body: 'n', ...sse(arn) }, { caller: alice }))).code).toBe(
      'KMS.DisabledException',
    );
    await kms.enableKey({ KeyId: id });
    expect(await read('k')).toBe('k');
    await kms.scheduleKeyDeletion({ KeyId: id, PendingWindowInDays: 7 });
    expect((await catchS3Async(() => read('k'))).code).toBe('KMS.KMSInvalidStateException');
  });
});
