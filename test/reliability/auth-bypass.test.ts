/**
 * Authorization cannot be walked around (issue #14), under --strict-auth with a users file, with
 * the official SDK clients signing as different users (in process, through the kernel's request
 * handler: the same SigV4, policies and trail as on a port). Alice's identity policy allows all
 * of KMS and S3; key B's policy and the admin bucket's policy keep her out. She cannot reach key B
 * through its alias or alias ARN, through ReEncrypt either way, through S3 acting for her
 * (SSE-KMS PUT with key B, a bucket key, a bucket whose default is key B, GET of an object under
 * key B), through CopyObject or UploadPartCopy from an object she cannot read, or with the grant
 * token of another key. A principal without permissions reads neither the audit trail nor the
 * admin API, which serves only a signer its policy allows the `strongbox:` action. Each refusal has a twin that succeeds (Alice on key A, the admin on key B), so it
 * is the policy that refuses.
 */

import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
  ReEncryptCommand,
  RevokeGrantCommand,
} from '@aws-sdk/client-kms';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { parseUsers } from '@strongbox/kms';
import { createStrongbox, type Strongbox } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange, serialize } from './fuzz/raw-http.ts';
import { sign } from './fuzz/signing.ts';
import { recordReliability } from './summary.ts';

const ACCOUNT = '000000000000';
const ADMIN = { accessKeyId: 'AKIAADMIN', secretAccessKey: 'admin-secret' };
const ALICE = { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret' };
const NOBODY = { accessKeyId: 'AKIANOBODY', secretAccessKey: 'nobody-secret' };
const READER = { accessKeyId: 'AKIAREADER', secretAccessKey: 'reader-secret' };
const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:user/admin`;
const ALICE_ARN = `arn:aws:iam::${ACCOUNT}:user/alice`;
const USERS = parseUsers({
  users: [
    { ...ADMIN, principal: ADMIN_ARN, policy: { allow: ['kms:*', 's3:*', 'cloudtrail:LookupEvents'] } },
    { ...ALICE, principal: ALICE_ARN, policy: { allow: ['kms:*', 's3:*'] } },
    { ...NOBODY, principal: `arn:aws:iam::${ACCOUNT}:user/nobody` },
    { ...READER, principal: `arn:aws:iam::${ACCOUNT}:user/reader`, policy: { allow: ['strongbox:ReadQuotas'] } },
  ],
});
const ONLY_ADMIN = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'admin only', Effect: 'Allow', Principal: { AWS: ADMIN_ARN }, Action: 'kms:*', Resource: '*' }],
});

let sb: Strongbox;
let checked = 0;
const clients: { destroy(): void }[] = [];

function kmsAs(credentials: typeof ADMIN): KMSClient {
  const client = new KMSClient({ ...sb.clientConfig, credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
}
function s3As(credentials: typeof ADMIN): S3Client {
  const client = new S3Client({ ...sb.clientConfig, credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
}

/** The call fails with `name` (and status); counted. */
async function refusedWith(call: Promise<unknown>, name: string, status?: number): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  checked += 1;
  const error = await call.then(
    () => new Error(`expected ${name}, but the call succeeded`),
    (caught: unknown) => caught as Error,
  );
  expect(error.name).toBe(name);
  if (status !== undefined) expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(status);
  return error;
}

let keyA: string;
let keyB: string;
let keyC: string;
let keyBArn: string;

beforeAll(async () => {
  sb = await createStrongbox({ strictAuth: true, users: USERS, quotas: false });
  const admin = kmsAs(ADMIN);
  keyA = (await admin.send(new CreateKeyCommand({ Description: 'A: default policy, IAM decides' }))).KeyMetadata?.KeyId ?? '';
  const b = (await admin.send(new CreateKeyCommand({ Description: 'B: admin only', Policy: ONLY_ADMIN }))).KeyMetadata;
  keyB = b?.KeyId ?? '';
  keyBArn = b?.Arn ?? '';
  keyC = (await admin.send(new CreateKeyCommand({ Description: 'C: admin only', Policy: ONLY_ADMIN }))).KeyMetadata?.KeyId ?? '';
  await admin.send(new CreateAliasCommand({ AliasName: 'alias/b', TargetKeyId: keyB }));
  const s3 = s3As(ADMIN);
  await s3.send(new CreateBucketCommand({ Bucket: 'admin-bucket' }));
  await s3.send(new PutObjectCommand({ Bucket: 'admin-bucket', Key: 'secret.txt', Body: 'admin only' }));
  await s3.send(
    new PutObjectCommand({ Bucket: 'admin-bucket', Key: 'under-b.txt', Body: 'sealed under B', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyB }),
  );
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'admin-bucket',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Deny', Principal: { AWS: ALICE_ARN }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::admin-bucket/secret.txt' },
          { Effect: 'Allow', Principal: { AWS: ALICE_ARN }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::admin-bucket/under-b.txt' },
        ],
      }),
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: 'alice-bucket' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'b-default' }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: 'b-default',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyB }, BucketKeyEnabled: true }],
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  recordReliability('authorization bypass attempts refused', checked);
  for (const client of clients) client.destroy();
  await sb?.close();
});

describe('KMS: key policies and grants cannot be bypassed', () => {
  it('Alice uses key A; she cannot use key B by id, ARN, alias or alias ARN', async () => {
    const alice = kmsAs(ALICE);
    const plaintext = new Uint8Array([1, 2, 3]);
    expect((await alice.send(new EncryptCommand({ KeyId: keyA, Plaintext: plaintext }))).KeyId).toContain(keyA);
    for (const KeyId of [keyB, keyBArn, 'alias/b', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/b`]) {
      const error = await refusedWith(alice.send(new EncryptCommand({ KeyId, Plaintext: plaintext })), 'AccessDeniedException', 400);
      expect(error.message).toBe(
        `User: ${ALICE_ARN} is not authorized to perform: kms:Encrypt on resource: ${keyBArn} because no resource-based policy allows the kms:Encrypt action`,
      );
      await refusedWith(alice.send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256' })), 'AccessDeniedException', 400);
    }
    // The admin, whom B's policy names, can.
    expect((await kmsAs(ADMIN).send(new EncryptCommand({ KeyId: 'alias/b', Plaintext: plaintext }))).KeyId).toBe(keyBArn);
  });

  it('ReEncrypt moves nothing into or out of key B for Alice', async () => {
    const alice = kmsAs(ALICE);
    const admin = kmsAs(ADMIN);
    const underA = (await alice.send(new EncryptCommand({ KeyId: keyA, Plaintext: new Uint8Array([7]) }))).CiphertextBlob!;
    const underB = (await admin.send(new EncryptCommand({ KeyId: keyB, Plaintext: new Uint8Array([8]) }))).CiphertextBlob!;
    for (const DestinationKeyId of [keyB, 'alias/b', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/b`]) {
      const error = await refusedWith(alice.send(new ReEncryptCommand({ CiphertextBlob: underA, DestinationKeyId })), 'AccessDeniedException', 400);
      expect(error.message).toContain('kms:ReEncryptTo');
    }
    const error = await refusedWith(alice.send(new ReEncryptCommand({ CiphertextBlob: underB, DestinationKeyId: keyA })), 'AccessDeniedException', 400);
    expect(error.message).toContain('kms:ReEncryptFrom');
    await refusedWith(alice.send(new DecryptCommand({ CiphertextBlob: underB })), 'AccessDeniedException', 400);
    // Alice may move her own ciphertext between keys she may use.
    expect((await alice.send(new ReEncryptCommand({ CiphertextBlob: underA, DestinationKeyId: keyA }))).KeyId).toContain(keyA);
  });

  it("a grant token opens only its own key, and only for the grant's operations", async () => {
    const admin = kmsAs(ADMIN);
    const alice = kmsAs(ALICE);
    const onC = await admin.send(new CreateGrantCommand({ KeyId: keyC, GranteePrincipal: ALICE_ARN, Operations: ['Encrypt'] }));
    const onBDecrypt = await admin.send(new CreateGrantCommand({ KeyId: keyB, GranteePrincipal: ALICE_ARN, Operations: ['Decrypt'] }));
    const plaintext = new Uint8Array([9]);
    // The token of C's grant works on C at once...
    expect((await alice.send(new EncryptCommand({ KeyId: keyC, Plaintext: plaintext, GrantTokens: [onC.GrantToken!] }))).KeyId).toContain(keyC);
    // ...and not on B, nor does B's Decrypt grant allow Encrypt.
    await refusedWith(alice.send(new EncryptCommand({ KeyId: keyB, Plaintext: plaintext, GrantTokens: [onC.GrantToken!] })), 'AccessDeniedException', 400);
    await refusedWith(
      alice.send(new EncryptCommand({ KeyId: 'alias/b', Plaintext: plaintext, GrantTokens: [onC.GrantToken!, onBDecrypt.GrantToken!] })),
      'AccessDeniedException',
      400,
    );
    await refusedWith(
      alice.send(new GenerateDataKeyCommand({ KeyId: keyB, KeySpec: 'AES_256', GrantTokens: [onBDecrypt.GrantToken!] })),
      'AccessDeniedException',
      400,
    );
    // Gone again: the S3 tests below count on Alice having no way to key B.
    await admin.send(new RevokeGrantCommand({ KeyId: keyB, GrantId: onBDecrypt.GrantId }));
    await admin.send(new RevokeGrantCommand({ KeyId: keyC, GrantId: onC.GrantId }));
  });
});

describe('S3 acting for Alice cannot use key B, nor read what she may not', () => {
  it('refuses SSE-KMS PUTs under key B (by id, alias, with a bucket key, by bucket default), storing nothing', async () => {
    const alice = s3As(ALICE);
    // The twin: under key A she may.
    await alice.send(new PutObjectCommand({ Bucket: 'alice-bucket', Key: 'under-a', Body: 'a', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyA }));
    const attempts: [string, ConstructorParameters<typeof PutObjectCommand>[0]][] = [
      ['key id', { Bucket: 'alice-bucket', Key: 'b1', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyB }],
      ['alias', { Bucket: 'alice-bucket', Key: 'b2', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/b' }],
      ['alias ARN', { Bucket: 'alice-bucket', Key: 'b3', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/b` }],
      ['bucket key', { Bucket: 'alice-bucket', Key: 'b4', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyB, BucketKeyEnabled: true }],
      ['DSSE', { Bucket: 'alice-bucket', Key: 'b5', Body: 'x', ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: keyB }],
      ['bucket default', { Bucket: 'b-default', Key: 'b6', Body: 'x' }],
    ];
    for (const [what, input] of attempts) {
      const error = await refusedWith(alice.send(new PutObjectCommand(input)), 'AccessDenied', 403);
      expect(error.message, what).toMatch(/kms:GenerateDataKey|Access Denied/);
      await refusedWith(s3As(ADMIN).send(new HeadObjectCommand({ Bucket: input.Bucket, Key: input.Key })), 'NotFound', 404);
    }
    // Multipart too: CreateMultipartUpload under key B is refused before any part.
    await refusedWith(
      alice.send(new CreateMultipartUploadCommand({ Bucket: 'alice-bucket', Key: 'mp', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyB })),
      'AccessDenied',
      403,
    );
  });

  it('refuses GET of an object under key B that the bucket policy lets her read (KMS decides), the admin reads it', async () => {
    await refusedWith(s3As(ALICE).send(new GetObjectCommand({ Bucket: 'admin-bucket', Key: 'under-b.txt' })), 'AccessDenied', 403);
    const object = await s3As(ADMIN).send(new GetObjectCommand({ Bucket: 'admin-bucket', Key: 'under-b.txt' }));
    expect(await object.Body?.transformToString()).toBe('sealed under B');
  });

  it('refuses CopyObject and UploadPartCopy from a source she cannot read, creating nothing', async () => {
    const alice = s3As(ALICE);
    await refusedWith(alice.send(new GetObjectCommand({ Bucket: 'admin-bucket', Key: 'secret.txt' })), 'AccessDenied', 403);
    for (const source of ['admin-bucket/secret.txt', 'admin-bucket/under-b.txt']) {
      await refusedWith(alice.send(new CopyObjectCommand({ Bucket: 'alice-bucket', Key: 'stolen', CopySource: source })), 'AccessDenied', 403);
      await refusedWith(s3As(ADMIN).send(new HeadObjectCommand({ Bucket: 'alice-bucket', Key: 'stolen' })), 'NotFound', 404);
    }
    const upload = await alice.send(new CreateMultipartUploadCommand({ Bucket: 'alice-bucket', Key: 'stolen-parts' }));
    await refusedWith(
      alice.send(
        new UploadPartCopyCommand({
          Bucket: 'alice-bucket',
          Key: 'stolen-parts',
          UploadId: upload.UploadId,
          PartNumber: 1,
          CopySource: 'admin-bucket/secret.txt',
        }),
      ),
      'AccessDenied',
      403,
    );
    // The twin: her own object copies.
    await alice.send(new PutObjectCommand({ Bucket: 'alice-bucket', Key: 'mine', Body: 'mine' }));
    await alice.send(new CopyObjectCommand({ Bucket: 'alice-bucket', Key: 'mine-copy', CopySource: 'alice-bucket/mine' }));
  });
});

describe('the audit trail and the admin API under --strict-auth', () => {
  it('LookupEvents: the admin reads the trail; Alice (no cloudtrail permission) and a principal with none are refused', async () => {
    const trail = (credentials: typeof ADMIN) => {
      const client = new CloudTrailClient({ ...sb.clientConfig, credentials, maxAttempts: 1 });
      clients.push(client);
      return client;
    };
    expect((await trail(ADMIN).send(new LookupEventsCommand({ MaxResults: 5 }))).Events?.length).toBeGreaterThan(0);
    for (const [credentials, arn] of [
      [ALICE, ALICE_ARN],
      [NOBODY, `arn:aws:iam::${ACCOUNT}:user/nobody`],
    ] as const) {
      const error = await refusedWith(trail(credentials).send(new LookupEventsCommand({})), 'AccessDeniedException', 400);
      expect(error.message).toBe(
        `User: ${arn} is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`,
      );
    }
    await refusedWith(trail({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' }).send(new LookupEventsCommand({})), 'UnrecognizedClientException', 400);
  });

  it('a principal without permissions gets nothing from KMS or S3 either', async () => {
    await refusedWith(kmsAs(NOBODY).send(new EncryptCommand({ KeyId: keyA, Plaintext: new Uint8Array([1]) })), 'AccessDeniedException', 400);
    await refusedWith(s3As(NOBODY).send(new GetObjectCommand({ Bucket: 'alice-bucket', Key: 'mine' })), 'AccessDenied', 403);
  });

  it('the admin API refuses the unsigned and signers without the strongbox: action (403 AccessDeniedException), serves one allowed it, and changes nothing', async () => {
    const listener = await sb.listen();
    try {
      for (const method of ['GET', 'PUT']) {
        checked += 1;
        const response = await fetch(`${listener.url}/_strongbox/quotas`, { method, ...(method === 'PUT' ? { body: '"aws"' } : {}) });
        expect(response.status).toBe(403);
      }
      // Signed, by a principal without permissions and by one with every KMS and S3 permission
      // but no strongbox: action: refused too.
      for (const credentials of [NOBODY, ALICE]) {
        for (const [method, path, body] of [
          ['GET', '/_strongbox/quotas', ''],
          ['PUT', '/_strongbox/quotas', '"aws"'],
          ['POST', '/_strongbox/faults', '{"service":"kms","operation":"*","fault":"ThrottlingException","count":1}'],
          ['POST', '/_strongbox/clock', '{"advance":"P1D"}'],
        ] as const) {
          checked += 1;
          const raw = await sign(
            listener.port,
            { method, path, headers: { 'content-type': 'application/json' }, body },
            { ...credentials, service: 'strongbox' },
          );
          const answer = await exchange(listener.port, serialize(raw), 15_000);
          expect(answer.responses[0]?.status, `${method} ${path}`).toBe(403);
          expect(JSON.parse(answer.responses[0]?.body.toString('utf8') ?? '{}'), `${method} ${path}`).toMatchObject({ __type: 'AccessDeniedException' });
        }
      }
      // The twin: a signer whose policy allows strongbox:ReadQuotas reads the quotas, and only that.
      const asReader = async (method: string, body: string) => {
        checked += 1;
        const raw = await sign(
          listener.port,
          { method, path: '/_strongbox/quotas', headers: { 'content-type': 'application/json' }, body },
          { ...READER, service: 'strongbox' },
        );
        return (await exchange(listener.port, serialize(raw), 15_000)).responses[0];
      };
      const read = await asReader('GET', '');
      expect(read?.status).toBe(200);
      expect(JSON.parse(read?.body.toString('utf8') ?? '{}')).toMatchObject({ options: expect.any(Object), usage: expect.any(Array) });
      const configure = await asReader('PUT', '"aws"');
      expect(configure?.status).toBe(403);
      expect(JSON.parse(configure?.body.toString('utf8') ?? '{}')).toMatchObject({ __type: 'AccessDeniedException' });
      expect(sb.kms.quotas.options.enabled).toBe(false);
    } finally {
      await listener.close();
    }
  });
});
