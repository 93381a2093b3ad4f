/**
 * What an application's error handling and paging see through `@aws-sdk/client-kms`: each failure
 * is an instance of the exception class the SDK exports for it (the SDK picks the class from the
 * `__type` the service answers, so a name it does not model would arrive as a bare
 * `KMSServiceException`), with AWS's 400 status and a request id in `$metadata`; and the SDK's
 * `paginateListAliases` walks every page (AWS API reference, ListAliases: `Truncated`,
 * `NextMarker`).
 */

import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisabledException,
  DisableKeyCommand,
  EncryptCommand,
  IncorrectKeyException,
  InvalidGrantTokenException,
  KMSInvalidStateException,
  KMSServiceException,
  NotFoundException,
  paginateListAliases,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SdkFixture, startKms } from './helpers/sdk.ts';

let kms: SdkFixture;
beforeEach(async () => {
  kms = await startKms();
});
afterEach(() => kms.close());

async function newKey(): Promise<string> {
  const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({}));
  return KeyMetadata?.KeyId ?? '';
}

/** The error a call fails with (the test fails if it succeeds). */
async function rejection(promise: Promise<unknown>): Promise<KMSServiceException> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KMSServiceException);
  return error as KMSServiceException;
}

describe('KMS failures through the SDK', () => {
  it('are instances of the SDK’s exception classes, 400 client faults with a request id', async () => {
    const key = await newKey();
    const other = await newKey();
    const { CiphertextBlob } = await kms.client.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('x') }));
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: key }));
    const cases: [Promise<unknown>, new (...args: never[]) => KMSServiceException][] = [
      [kms.client.send(new DescribeKeyCommand({ KeyId: 'alias/missing' })), NotFoundException],
      [kms.client.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: key })), AlreadyExistsException],
      [kms.client.send(new DecryptCommand({ KeyId: other, CiphertextBlob })), IncorrectKeyException],
      [kms.client.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('x'), GrantTokens: ['not-a-token'] })), InvalidGrantTokenException],
    ];
    for (const [call, type] of cases) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(type);
      expect([error.$fault, error.$metadata.httpStatusCode]).toEqual(['client', 400]);
      expect(error.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    await kms.client.send(new DisableKeyCommand({ KeyId: other }));
    expect(await rejection(kms.client.send(new EncryptCommand({ KeyId: other, Plaintext: Buffer.from('x') })))).toBeInstanceOf(DisabledException);
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: key, PendingWindowInDays: 7 }));
    expect(await rejection(kms.client.send(new DecryptCommand({ CiphertextBlob })))).toBeInstanceOf(KMSInvalidStateException);
  });
});

describe('paginateListAliases', () => {
  it('walks every page of a key’s aliases, the last page not truncated', async () => {
    const key = await newKey();
    const names = ['alias/a1', 'alias/a2', 'alias/a3', 'alias/a4', 'alias/a5'];
    for (const name of names) await kms.client.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: key }));
    const pages: { aliases: string[]; truncated: boolean | undefined }[] = [];
    for await (const page of paginateListAliases({ client: kms.client, pageSize: 2 }, { KeyId: key })) {
      pages.push({ aliases: (page.Aliases ?? []).map((alias) => alias.AliasName ?? ''), truncated: page.Truncated });
    }
    expect(pages.map((page) => page.aliases.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.aliases).sort()).toEqual(names);
    expect(pages.map((page) => page.truncated)).toEqual([true, true, false]);
  });
});
