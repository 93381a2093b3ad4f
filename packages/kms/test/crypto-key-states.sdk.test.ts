/**
 * The key-state matrix of the cryptographic operations (dev guide "Key states of AWS KMS keys",
 * row 1): Disabled → DisabledException "<ARN> is disabled."; PendingDeletion →
 * KMSInvalidStateException "<ARN> is pending deletion." (LocalStack's AWS-validated
 * test_cant_use_disabled_or_deleted_keys); PendingImport → KMSInvalidStateException
 * "<ARN> is pending import." (test_import_key_symmetric). The message carries the full key ARN
 * whatever form of key id the caller used.
 */

import { randomBytes } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CryptoFixture, startCryptoKms, wrapKeyMaterial } from './helpers/crypto-fixtures.ts';
import { failureOf } from './helpers/sdk.ts';

type TestedState = 'Disabled' | 'PendingDeletion' | 'PendingImport';

interface Subject {
  readonly keyId: string;
  readonly arn: string;
  /** A ciphertext made under the key before it left the Enabled state. */
  readonly blob: Uint8Array;
}

const expected = (state: TestedState, arn: string): { name: string; message: string; status: number } => {
  if (state === 'Disabled') return { name: 'DisabledException', message: `${arn} is disabled.`, status: 400 };
  if (state === 'PendingDeletion') return { name: 'KMSInvalidStateException', message: `${arn} is pending deletion.`, status: 400 };
  return { name: 'KMSInvalidStateException', message: `${arn} is pending import.`, status: 400 };
};

let kms: CryptoFixture;
let healthy: Subject;
const subjects = new Map<TestedState, Subject>();

async function keyWithBlob(origin: 'AWS_KMS' | 'EXTERNAL' = 'AWS_KMS'): Promise<Subject> {
  const created = await kms.client.send(new CreateKeyCommand({ Origin: origin }));
  const keyId = created.KeyMetadata!.KeyId!;
  if (origin === 'EXTERNAL') {
    const parameters = await kms.client.send(
      new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }),
    );
    await kms.client.send(
      new ImportKeyMaterialCommand({
        KeyId: keyId,
        ImportToken: parameters.ImportToken,
        EncryptedKeyMaterial: wrapKeyMaterial(parameters.PublicKey!, randomBytes(32), 'RSAES_OAEP_SHA_256'),
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
    );
  }
  const { CiphertextBlob } = await kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1, 2, 3]) }));
  return { keyId, arn: created.KeyMetadata!.Arn!, blob: CiphertextBlob! };
}

beforeAll(async () => {
  kms = await startCryptoKms();
  healthy = await keyWithBlob();
  for (const state of ['Disabled', 'PendingDeletion'] as const) subjects.set(state, await keyWithBlob());
  subjects.set('PendingImport', await keyWithBlob('EXTERNAL'));
  // Aliases first: CreateAlias itself refuses a key pending deletion.
  for (const [state, subject] of subjects) {
    await kms.client.send(new CreateAliasCommand({ AliasName: `alias/state-${state}`, TargetKeyId: subject.keyId }));
  }
  await kms.setState(subjects.get('Disabled')!.keyId, 'Disabled');
  await kms.setState(subjects.get('PendingDeletion')!.keyId, 'PendingDeletion');
  // PendingImport the way AWS gets there: imported material, then DeleteImportedKeyMaterial.
  await kms.client.send(new DeleteImportedKeyMaterialCommand({ KeyId: subjects.get('PendingImport')!.keyId }));
});
afterAll(() => kms.close());

const STATES: readonly TestedState[] = ['Disabled', 'PendingDeletion', 'PendingImport'];

describe.each(STATES)('a %s key', (state) => {
  const subject = (): Subject => subjects.get(state)!;

  it('refuses Encrypt', async () => {
    const failure = await failureOf(kms.client.send(new EncryptCommand({ KeyId: subject().keyId, Plaintext: new Uint8Array([1]) })));
    expect(failure).toEqual(expected(state, subject().arn));
  });

  it('refuses Decrypt of a ciphertext made while it was Enabled', async () => {
    const failure = await failureOf(kms.client.send(new DecryptCommand({ CiphertextBlob: subject().blob })));
    expect(failure).toEqual(expected(state, subject().arn));
  });

  it('refuses GenerateDataKey', async () => {
    const failure = await failureOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: subject().keyId, KeySpec: 'AES_256' })));
    expect(failure).toEqual(expected(state, subject().arn));
  });

  it('refuses GenerateDataKeyWithoutPlaintext', async () => {
    const failure = await failureOf(kms.client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: subject().keyId, KeySpec: 'AES_256' })));
    expect(failure).toEqual(expected(state, subject().arn));
  });

  it('refuses ReEncrypt from it', async () => {
    const failure = await failureOf(kms.client.send(new ReEncryptCommand({ CiphertextBlob: subject().blob, DestinationKeyId: healthy.keyId })));
    expect(failure).toEqual(expected(state, subject().arn));
  });

  it('refuses ReEncrypt to it', async () => {
    const failure = await failureOf(kms.client.send(new ReEncryptCommand({ CiphertextBlob: healthy.blob, DestinationKeyId: subject().keyId })));
    expect(failure).toEqual(expected(state, subject().arn));
  });

  it('names the key by its full ARN when called through an alias', async () => {
    const failure = await failureOf(kms.client.send(new EncryptCommand({ KeyId: `alias/state-${state}`, Plaintext: new Uint8Array([1]) })));
    expect(failure).toEqual(expected(state, subject().arn));
  });
});

describe('the key state is checked before DryRun', () => {
  it.each(STATES)('so a dry run on a %s key fails like the real call', async (state) => {
    const subject = subjects.get(state)!;
    const failure = await failureOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: subject.keyId, KeySpec: 'AES_256', DryRun: true })));
    expect(failure).toEqual(expected(state, subject.arn));
  });
});
