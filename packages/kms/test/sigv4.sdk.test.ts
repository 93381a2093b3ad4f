/**
 * SigV4 verification as the official `@aws-sdk/client-kms` meets it: correct credentials pass,
 * a wrong secret, an unknown key (strict) and a skewed clock fail with AWS's codes and texts
 * (research memo §5).
 */

import { CreateKeyCommand, DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { createSigV4Authenticator, type HttpRequest, type SigV4Options } from '../src/http.ts';
import { ManualClock, parseUsers, type UserDirectory, withDefaultUser } from '../src/index.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const ACCOUNT = '000000000000';
const USERS: UserDirectory = withDefaultUser(
  parseUsers({
    users: [
      { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret', principal: 'arn:aws:iam::111122223333:user/alice', policy: { allow: ['kms:*'] } },
      { accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret', principal: 'arn:aws:iam::000000000000:user/bob' },
      {
        accessKeyId: 'AKIACAROL',
        secretAccessKey: 'carol-secret',
        principal: 'arn:aws:iam::000000000000:user/carol',
        policy: { allow: ['kms:*'], deny: ['kms:CreateKey'] },
      },
    ],
  }),
  ACCOUNT,
);
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

let fixture: SdkFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** Starts an emulator whose handler authenticates with SigV4; `seen` collects the X-Amz-Date of each request. */
async function start(options: Partial<SigV4Options> = {}): Promise<{ fixture: SdkFixture; seen: string[] }> {
  const seen: string[] = [];
  const authenticator = createSigV4Authenticator({ users: USERS, strict: true, account: ACCOUNT, region: 'us-east-1', ...options });
  const authenticate = (request: HttpRequest) => {
    seen.push(request.headers['x-amz-date'] ?? '');
    return authenticator(request);
  };
  fixture = await startKms({ account: ACCOUNT }, { authenticate }, undefined, 'socket');
  return { fixture, seen };
}

describe('requests signed by @aws-sdk/client-kms', () => {
  it('pass with the default test/test key and act as the account root', async () => {
    const { fixture } = await start();
    const { KeyMetadata } = await fixture.client.send(new CreateKeyCommand({}));
    const { CiphertextBlob } = await fixture.client.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: new Uint8Array([1, 2, 3]) }));
    const { Plaintext } = await fixture.client.send(new DecryptCommand({ CiphertextBlob: CiphertextBlob! }));
    expect(Plaintext).toEqual(new Uint8Array([1, 2, 3]));
    const callers = fixture.kms.auditTrail.events().map((event) => event.caller.arn);
    expect(callers).toEqual(['arn:aws:iam::000000000000:root', 'arn:aws:iam::000000000000:root', 'arn:aws:iam::000000000000:root']);
  });

  it('pass with a users-file key and act as its principal, in the Region of the credential scope', async () => {
    const { fixture } = await start();
    await fixture.clientFor({ accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret', region: 'eu-west-3' }).send(new CreateKeyCommand({}));
    const [event] = fixture.kms.auditTrail.events();
    expect(event?.caller).toMatchObject({ arn: 'arn:aws:iam::111122223333:user/alice', type: 'IAMUser', accessKeyId: 'AKIAALICE' });
    expect(JSON.parse(event!.caller.identityPolicy!)).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:*'], Resource: '*' }] });
    expect(event?.region).toBe('eu-west-3');
  });

  it("hands the signer's identity policy to authorization: an explicit deny and a missing allow are refused", async () => {
    const { fixture } = await start();
    expect(await failureOf(fixture.clientFor({ accessKeyId: 'AKIACAROL', secretAccessKey: 'carol-secret' }).send(new CreateKeyCommand({})))).toEqual({
      name: 'AccessDeniedException',
      message:
        'User: arn:aws:iam::000000000000:user/carol is not authorized to perform: kms:CreateKey on resource: * with an explicit deny in an identity-based policy',
      status: 400,
    });
    expect(await failureOf(fixture.clientFor({ accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret' }).send(new CreateKeyCommand({})))).toEqual({
      name: 'AccessDeniedException',
      message:
        'User: arn:aws:iam::000000000000:user/bob is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action',
      status: 400,
    });
  });

  it.each([true, false])('fail with InvalidSignatureException for a wrong secret of a known key (strict: %s)', async (strict) => {
    const { fixture } = await start({ strict });
    const failure = await failureOf(fixture.clientFor({ accessKeyId: 'AKIABOB', secretAccessKey: 'not-bobs-secret' }).send(new CreateKeyCommand({})));
    expect(failure).toEqual({ name: 'InvalidSignatureException', message: MISMATCH, status: 400 });
    const defaultKey = await failureOf(fixture.clientFor({ secretAccessKey: 'wrong' }).send(new CreateKeyCommand({})));
    expect(defaultKey).toEqual({ name: 'InvalidSignatureException', message: MISMATCH, status: 400 });
  });

  it('fail with UnrecognizedClientException for an unknown access key in strict mode', async () => {
    const { fixture } = await start({ strict: true });
    const failure = await failureOf(fixture.clientFor({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'whatever' }).send(new CreateKeyCommand({})));
    expect(failure).toEqual({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.', status: 400 });
    expect(fixture.kms.auditTrail.events()).toHaveLength(0);
  });

  it('pass for an unknown access key in non-strict mode, as the default account root', async () => {
    const { fixture } = await start({ strict: false });
    await fixture.clientFor({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'whatever', region: 'ap-south-1' }).send(new CreateKeyCommand({}));
    const [event] = fixture.kms.auditTrail.events();
    expect(event?.caller).toMatchObject({ arn: 'arn:aws:iam::000000000000:root', type: 'Root', accessKeyId: 'AKIAUNKNOWN' });
    expect(event?.region).toBe('ap-south-1');
  });

  it('fail with "Signature not yet current" when the server clock is far behind the signer', async () => {
    const { fixture, seen } = await start({ clock: new ManualClock(Date.UTC(2024, 0, 1)) });
    const failure = await failureOf(fixture.client.send(new CreateKeyCommand({})));
    expect(failure).toEqual({
      name: 'InvalidSignatureException',
      message: `Signature not yet current: ${seen[0]} is still later than 20240101T000500Z (20240101T000000Z + 5 min.)`,
      status: 400,
    });
  });

  it('fail with "Signature expired" when the server clock is far ahead of the signer', async () => {
    const { fixture, seen } = await start({ clock: new ManualClock(Date.UTC(2099, 0, 1)) });
    const failure = await failureOf(fixture.client.send(new CreateKeyCommand({})));
    expect(failure).toEqual({
      name: 'InvalidSignatureException',
      message: `Signature expired: ${seen[0]} is now earlier than 20981231T235500Z (20990101T000000Z - 5 min.)`,
      status: 400,
    });
  });
});
