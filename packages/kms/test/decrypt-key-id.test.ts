/**
 * Decrypt with `KeyId` in each form KMS accepts (key id, key ARN, alias name, alias ARN): the key
 * it names must be the blob's (IncorrectKeyException otherwise), and a key ARN is found only when
 * it is exactly that key's ARN in the Region called (other Regions' and accounts' ARNs get KMS's
 * NotFound texts). Also the first use of an `alias/aws/*` alias as `KeyId`, which creates the AWS
 * managed key before answering.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kms, KmsError } from '../src/index.ts';
import { INCORRECT_KEY_MESSAGE } from '../src/operations/decrypt.ts';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

async function setUp(): Promise<{ kms: Kms; keyId: string; arn: string; blob: Uint8Array; otherArn: string }> {
  const kms = new Kms({ quotas: false });
  const key = (await kms.createKey({})).KeyMetadata;
  const other = (await kms.createKey({})).KeyMetadata;
  await kms.createAlias({ AliasName: 'alias/orders', TargetKeyId: key.KeyId });
  const { CiphertextBlob } = await kms.encrypt({ KeyId: key.KeyId, Plaintext: new Uint8Array([7]), EncryptionContext: { a: 'b' } });
  return { kms, keyId: key.KeyId, arn: key.Arn ?? '', blob: CiphertextBlob, otherArn: other.Arn ?? '' };
}

async function failureOf(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  const failure = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(failure instanceof KmsError)) throw new Error(`expected a KmsError, got ${String(failure)}`);
  return { code: failure.code, message: failure.message };
}

describe('Decrypt with KeyId', () => {
  it('opens the blob when KeyId names its key in any form, answering with the key ARN', async () => {
    const { kms, keyId, arn, blob } = await setUp();
    for (const name of [keyId, arn, 'alias/orders', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/orders`]) {
      const answer = await kms.decrypt({ CiphertextBlob: blob, KeyId: name, EncryptionContext: { a: 'b' } });
      expect([name, answer.KeyId, [...answer.Plaintext]]).toEqual([name, arn, [7]]);
    }
    await kms.close();
  });

  it('answers IncorrectKeyException for another key named by its ARN, and records the call as refused', async () => {
    const { kms, blob, otherArn } = await setUp();
    expect(await failureOf(kms.decrypt({ CiphertextBlob: blob, KeyId: otherArn, EncryptionContext: { a: 'b' } }))).toEqual({
      code: 'IncorrectKeyException',
      message: INCORRECT_KEY_MESSAGE,
    });
    expect(kms.auditTrail.events().at(-1)).toMatchObject({ eventName: 'Decrypt', errorCode: 'IncorrectKeyException' });
    await kms.close();
  });

  it('finds a key ARN only as that key’s own ARN in the Region called', async () => {
    const { kms, keyId, blob } = await setUp();
    const decrypt = (KeyId: string) => failureOf(kms.decrypt({ CiphertextBlob: blob, KeyId, EncryptionContext: { a: 'b' } }));
    expect(await decrypt(`arn:aws:kms:us-west-2:${ACCOUNT}:key/${keyId}`)).toEqual({ code: 'NotFoundException', message: 'Invalid arn us-west-2' });
    const otherAccount = `arn:aws:kms:${REGION}:111122223333:key/${keyId}`;
    expect(await decrypt(otherAccount)).toEqual({ code: 'NotFoundException', message: `Key '${otherAccount}' does not exist` });
    expect((await decrypt(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId.toUpperCase()}`)).code).toBe('NotFoundException');
    expect((await decrypt(`xarn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`)).code).toBe('NotFoundException');
    await kms.close();
  });

  it('answers any text that merely ends in a key’s id as a key ARN’s full parse would', async () => {
    const { kms, keyId, arn, blob } = await setUp();
    // Whatever comes before `/<key id>`: KMS opens the blob only for the key's exact ARN.
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), async (prefix) => {
        const name = `${prefix}/${keyId}`;
        const answer = await kms.decrypt({ CiphertextBlob: blob, KeyId: name, EncryptionContext: { a: 'b' } }).then(
          (output) => output.KeyId,
          (error: unknown) => (error instanceof KmsError ? error.code : 'other'),
        );
        if (name === arn) expect(answer).toBe(arn);
        else expect(['NotFoundException', 'ValidationException']).toContain(answer);
      }),
      { numRuns: 200 },
    );
    await kms.close();
  });

  it('creates the AWS managed key on the first use of its alias as KeyId, then refuses a blob of another key', async () => {
    const { kms, blob } = await setUp();
    const failure = await failureOf(kms.decrypt({ CiphertextBlob: blob, KeyId: 'alias/aws/s3', EncryptionContext: { a: 'b' } }));
    expect(failure).toEqual({ code: 'IncorrectKeyException', message: INCORRECT_KEY_MESSAGE });
    expect((await kms.describeKey({ KeyId: 'alias/aws/s3' })).KeyMetadata.KeyManager).toBe('AWS');
    await kms.close();
  });
});
