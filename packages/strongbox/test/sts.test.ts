/**
 * STS `GetCallerIdentity` on the endpoint, through the official `STSClient`: in process (from
 * `sb.clientConfig`) and over HTTP, naming the principal that signed, with STS's errors for a
 * bad signature or an operation it does not serve.
 */

import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { parseUsers } from '@strongbox/kms';
import { afterEach, describe, expect, it } from 'vitest';
import { createStrongbox, type Strongbox } from '../src/index.ts';
import { isStsRequest, userIdOf } from '../src/sts.ts';
import { failureOf } from './helpers/cli.ts';

const opened: Strongbox[] = [];
const clients: STSClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const sb of opened.splice(0)) await sb.close();
});

const users = parseUsers({
  users: [
    { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret', principal: 'arn:aws:iam::111122223333:user/alice', policy: { allow: ['kms:*'] } },
    { accessKeyId: 'ASIAAPP', secretAccessKey: 'app-secret', principal: 'arn:aws:sts::111122223333:assumed-role/app/session-1', policy: { allow: ['s3:*'] } },
  ],
});

async function open(): Promise<Strongbox> {
  const sb = await createStrongbox({ account: '111122223333', users });
  opened.push(sb);
  return sb;
}

function sts(config: ConstructorParameters<typeof STSClient>[0]): STSClient {
  const client = new STSClient({ maxAttempts: 1, ...config });
  clients.push(client);
  return client;
}

describe('STS GetCallerIdentity', () => {
  it('in process: names the default account root for test/test', async () => {
    const sb = await open();
    const identity = await sts(sb.clientConfig).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root', UserId: '111122223333' });
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('over HTTP: names the IAM user and the assumed role that signed, with their id shapes', async () => {
    const sb = await open();
    const { url } = await sb.listen();
    const alice = await sts({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret' } }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(alice).toMatchObject({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/alice' });
    expect(alice.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const app = await sts({ endpoint: url, region: 'eu-west-1', credentials: { accessKeyId: 'ASIAAPP', secretAccessKey: 'app-secret' } }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(app).toMatchObject({ Account: '111122223333', Arn: 'arn:aws:sts::111122223333:assumed-role/app/session-1' });
    expect(app.UserId).toMatch(/^AROA[A-Z2-7]{17}:session-1$/);
  });

  it('a known key with the wrong secret is SignatureDoesNotMatch (403)', async () => {
    const sb = await open();
    const client = sts({ ...sb.clientConfig, credentials: { accessKeyId: 'AKIAALICE', secretAccessKey: 'wrong' } });
    expect(await failureOf(client.send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
  });

  it('under strict auth an unknown key is InvalidClientTokenId (403)', async () => {
    const sb = await createStrongbox({ strictAuth: true });
    opened.push(sb);
    const client = sts({ ...sb.clientConfig, credentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' } });
    expect(await failureOf(client.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('other STS operations answer InvalidAction (400) rather than reaching S3', async () => {
    const sb = await open();
    expect(await failureOf(sts(sb.clientConfig).send(new GetSessionTokenCommand({})))).toMatchObject({
      name: 'InvalidAction',
      status: 400,
      message: 'Could not find operation GetSessionToken for version 2011-06-15',
    });
  });
});

describe('telling STS from S3', () => {
  it('claims requests whose SigV4 scope names sts, in the header or presigned', () => {
    const scope = (service: string) => `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;
    expect(isStsRequest({ path: '/', headers: { authorization: scope('sts') } })).toBe(true);
    expect(isStsRequest({ path: '/bucket/key', headers: { authorization: scope('s3') } })).toBe(false);
    expect(isStsRequest({ path: '/?Action=GetCallerIdentity&X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fsts%2Faws4_request', headers: {} })).toBe(true);
    expect(isStsRequest({ path: '/sts/aws4_request', headers: {} })).toBe(false);
  });

  it('derives stable user ids: the account for a root', () => {
    const alice = { arn: 'arn:aws:iam::111122223333:user/alice', account: '111122223333', type: 'IAMUser' as const };
    expect(userIdOf(alice)).toBe(userIdOf({ ...alice }));
    expect(userIdOf({ arn: 'arn:aws:iam::111122223333:user/bob', account: '111122223333', type: 'IAMUser' })).not.toBe(userIdOf(alice));
    expect(userIdOf({ arn: 'arn:aws:iam::111122223333:root', account: '111122223333', type: 'Root' })).toBe('111122223333');
  });
});
