/**
 * The controlled clock, through the official SDKs, in process and over a real socket: every
 * time-dependent behaviour follows it at once, and the SDK's own clock-skew correction (from the
 * `Date` header) keeps clients working after a jump, as against AWS.
 */

import {
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  NotFoundException,
  ReplicateKeyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutBucketEncryptionCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, type Harness, MODES, openHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe.each(MODES)('the clock, %s', (mode) => {
  it('rotates a key with automatic rotation once 365 days have passed', async () => {
    harness = await openHarness(mode);
    const kms = harness.kms();
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const KeyId = KeyMetadata?.KeyId ?? '';
    await kms.send(new EnableKeyRotationCommand({ KeyId }));
    const before = await kms.send(new GetKeyRotationStatusCommand({ KeyId }));
    expect((await kms.send(new ListKeyRotationsCommand({ KeyId }))).Rotations).toEqual([]);
    await harness.advance(365 * DAY_MS + 60_000);
    const rotations = (await kms.send(new ListKeyRotationsCommand({ KeyId }))).Rotations ?? [];
    expect(rotations).toHaveLength(1);
    expect(rotations[0]?.RotationType).toBe('AUTOMATIC');
    const after = await kms.send(new GetKeyRotationStatusCommand({ KeyId }));
    expect(after.NextRotationDate?.getTime()).toBeGreaterThan((before.NextRotationDate?.getTime() ?? 0) + 364 * DAY_MS);
  });

  it('deletes a key once its 7-day deletion window has passed', async () => {
    harness = await openHarness(mode);
    const kms = harness.kms();
    const KeyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: 7 }));
    await harness.advance(6 * DAY_MS);
    expect((await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata?.KeyState).toBe('PendingDeletion');
    await harness.advance(DAY_MS + 1000);
    const error = await kms.send(new DescribeKeyCommand({ KeyId })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundException);
    expect((error as Error).message).toMatch(/does not exist/);
  });

  it('deletes a multi-Region replica once its deletion window has passed', async () => {
    harness = await openHarness(mode);
    const kms = harness.kms();
    const west = harness.kms({ region: 'us-west-2' });
    const primary = (await kms.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata;
    await kms.send(new ReplicateKeyCommand({ KeyId: primary?.KeyId, ReplicaRegion: 'us-west-2' }));
    await west.send(new ScheduleKeyDeletionCommand({ KeyId: primary?.KeyId, PendingWindowInDays: 7 }));
    expect((await west.send(new DescribeKeyCommand({ KeyId: primary?.KeyId }))).KeyMetadata?.KeyState).toBe('PendingDeletion');
    await harness.advance(7 * DAY_MS + 1000);
    const error = await west.send(new DescribeKeyCommand({ KeyId: primary?.KeyId })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundException);
    const described = await kms.send(new DescribeKeyCommand({ KeyId: primary?.KeyId }));
    expect(described.KeyMetadata?.MultiRegionConfiguration?.ReplicaKeys ?? []).toEqual([]);
  });

  it('asks KMS for a new bucket key once the bucket key period has passed', async () => {
    harness = await openHarness(mode);
    const s3 = harness.s3();
    const KeyId = (await harness.kms().send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? '';
    await s3.send(new CreateBucketCommand({ Bucket: 'ledger' }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'ledger',
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KeyId }, BucketKeyEnabled: true }],
        },
      }),
    );
    const sb = harness.sb;
    const generated = (): number => sb.kms.auditTrail.events().filter((event) => event.eventName === 'GenerateDataKey').length;
    await s3.send(new PutObjectCommand({ Bucket: 'ledger', Key: 'a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: 'ledger', Key: 'b', Body: 'b' }));
    expect(generated()).toBe(1);
    await harness.advance(11 * 60_000);
    await s3.send(new PutObjectCommand({ Bucket: 'ledger', Key: 'c', Body: 'c' }));
    expect(generated()).toBe(2);
    // LastModified follows the moved clock too.
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'ledger', Key: 'c' }));
    expect(head.LastModified?.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'ledger', Key: 'a' }));
    expect(await got.Body?.transformToString()).toBe('a');
  });

  it('refuses a presigned URL once it has expired, and records events at the moved time', async () => {
    harness = await openHarness(mode);
    const listener = await harness.sb.listen();
    const s3 = harness.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'shared' }));
    await s3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'note.txt', Body: 'hello' }));
    const presigner = new (await import('@aws-sdk/client-s3')).S3Client({
      endpoint: listener.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      forcePathStyle: true,
    });
    const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: 'shared', Key: 'note.txt' }), { expiresIn: 60 });
    presigner.destroy();
    expect(await (await fetch(url)).text()).toBe('hello');
    await harness.advance(61_000);
    const refused = await fetch(url);
    expect(refused.status).toBe(403);
    const body = await refused.text();
    expect(body).toContain('<Code>AccessDenied</Code>');
    expect(body).toContain('<Message>Request has expired</Message>');
    const moved = harness.sb.controls.clock.now();
    await harness.kms().send(new CreateKeyCommand({}));
    const created = harness.sb.kms.auditTrail.events().filter((event) => event.eventName === 'CreateKey');
    expect(created.at(-1)?.eventTime).toBeGreaterThanOrEqual(moved);
    expect(created.at(-1)?.eventTime).toBeGreaterThanOrEqual(Date.now() + 60_000);
    await listener.close();
  });

  it('refuses a request signed by the client clock after a jump, which the SDK then corrects from the Date header', async () => {
    harness = await openHarness(mode);
    const kms = harness.kms({ maxAttempts: 1 });
    await kms.send(new CreateKeyCommand({}));
    await harness.advance(DAY_MS);
    const refused = await kms.send(new CreateKeyCommand({})).catch((caught: unknown) => caught as Error & { $response?: { headers: Record<string, string> } });
    expect(refused).toMatchObject({ name: 'InvalidSignatureException' });
    expect((refused as Error).message).toMatch(/^Signature expired/);
    // The SDK took the server's time from the answer's Date header: its next request is current.
    expect(kms.config.systemClockOffset).toBeGreaterThan(DAY_MS - 60_000);
    expect((await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyState).toBe('Enabled');
  });

  it('refuses to move backwards, and says why', async () => {
    harness = await openHarness(mode);
    const now = harness.sb.controls.clock.now();
    expect(() => harness?.sb.controls.clock.set(now - DAY_MS)).toThrow(/only moves forward/);
    expect(harness.sb.controls.clock.now()).toBeGreaterThanOrEqual(now);
  });
});
