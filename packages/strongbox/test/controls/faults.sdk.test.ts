/**
 * Injected faults, through the official SDKs, in process and over a real socket: the SDK sees
 * exactly what AWS sends (code, status), so its retry logic behaves as against AWS.
 */

import { CreateKeyCommand, DescribeKeyCommand, GenerateDataKeyCommand, type KMSServiceException } from '@aws-sdk/client-kms';
import { CreateBucketCommand, HeadBucketCommand, PutBucketEncryptionCommand, PutObjectCommand, type S3ServiceException } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, MODES, openHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function failure(promise: Promise<unknown>): Promise<KMSServiceException & S3ServiceException> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error === undefined) throw new Error('expected the call to fail');
  return error as KMSServiceException & S3ServiceException;
}

describe.each(MODES)('faults, %s', (mode) => {
  it('shows an injected ThrottlingException to a client that does not retry, and the default retries ride it out', async () => {
    harness = await openHarness(mode);
    const KeyId = (await harness.kms().send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    await harness.addFault({ service: 'kms', operation: 'GenerateDataKey', fault: 'ThrottlingException', count: 1 });
    const once = harness.kms({ maxAttempts: 1 });
    const error = await failure(once.send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256' })));
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe('You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.');
    // Other operations are untouched.
    await once.send(new DescribeKeyCommand({ KeyId }));
    await harness.addFault({ service: 'kms', operation: 'GenerateDataKey', fault: 'ThrottlingException', count: 2 });
    const retried = await harness.kms().send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256' }));
    expect(retried.$metadata.attempts).toBe(3);
    expect(retried.Plaintext).toHaveLength(32);
    expect((await harness.faults()).faults).toEqual([]);
  });

  it('answers KMSInternalException (500) and DependencyTimeoutException (503) when KMS is unavailable', async () => {
    harness = await openHarness(mode);
    const kms = harness.kms({ maxAttempts: 1 });
    await harness.addFault({ service: 'kms', operation: '*', fault: 'KMSInternalException', count: 1 });
    await harness.addFault({ service: 'kms', operation: '*', fault: 'DependencyTimeoutException', count: 1 });
    const internal = await failure(kms.send(new CreateKeyCommand({})));
    expect([internal.name, internal.$metadata.httpStatusCode, internal.$fault]).toEqual(['KMSInternalException', 500, 'server']);
    const timeout = await failure(kms.send(new CreateKeyCommand({})));
    expect([timeout.name, timeout.$metadata.httpStatusCode]).toEqual(['DependencyTimeoutException', 503]);
    expect((await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Enabled).toBe(true);
  });

  it('answers SlowDown (503) and InternalError (500) from S3', async () => {
    harness = await openHarness(mode);
    const s3 = harness.s3({ maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'busy' }));
    await harness.addFault({ service: 's3', operation: 'PutObject', fault: 'SlowDown', count: 1 });
    const slow = await failure(s3.send(new PutObjectCommand({ Bucket: 'busy', Key: 'k', Body: 'v' })));
    expect([slow.name, slow.$metadata.httpStatusCode, slow.message]).toEqual(['SlowDown', 503, 'Please reduce your request rate.']);
    await harness.addFault({ service: 's3', operation: '*', fault: 'InternalError', count: 1 });
    const internal = await failure(s3.send(new HeadBucketCommand({ Bucket: 'busy' })));
    expect(internal.$metadata.httpStatusCode).toBe(500);
    const retried = await harness.s3().send(new PutObjectCommand({ Bucket: 'busy', Key: 'k', Body: 'v' }));
    expect(retried.$metadata.attempts).toBe(1);
  });

  it('makes S3 answer SlowDown with the KMS text when KMS throttles an SSE-KMS PUT on the caller behalf', async () => {
    harness = await openHarness(mode);
    const s3 = harness.s3({ maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'sealed' }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'sealed',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      }),
    );
    await harness.addFault({ service: 'kms', operation: 'GenerateDataKey', fault: 'ThrottlingException', count: 1 });
    const error = await failure(s3.send(new PutObjectCommand({ Bucket: 'sealed', Key: 'k', Body: 'v' })));
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'SlowDown',
      503,
      'Please reduce your request rate for operations involving AWS KMS.',
    ]);
    await harness.addFault({ service: 'kms', operation: 'GenerateDataKey', fault: 'KMSInternalException', count: 1 });
    const internal = await failure(s3.send(new PutObjectCommand({ Bucket: 'sealed', Key: 'k', Body: 'v' })));
    expect([internal.name, internal.$metadata.httpStatusCode]).toEqual(['InternalError', 500]);
    expect((await s3.send(new PutObjectCommand({ Bucket: 'sealed', Key: 'k', Body: 'v' }))).ServerSideEncryption).toBe('aws:kms');
  });

  it('strikes the same calls of a fraction again for the same seed', async () => {
    harness = await openHarness(mode, { faultSeed: 'steady' });
    const kms = harness.kms({ maxAttempts: 1 });
    const KeyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    const run = async (): Promise<string[]> => {
      await harness?.addFault({ service: 'kms', operation: 'DescribeKey', fault: 'ThrottlingException', fraction: 0.5, seed: 'steady' });
      const outcomes: string[] = [];
      for (let call = 0; call < 24; call += 1) {
        outcomes.push(
          await kms.send(new DescribeKeyCommand({ KeyId })).then(
            () => 'ok',
            (error: Error) => error.name,
          ),
        );
      }
      return outcomes;
    };
    const first = await run();
    expect(first).toContain('ok');
    expect(first).toContain('ThrottlingException');
    await harness.reset();
    const again = harness.kms({ maxAttempts: 1 });
    const KeyId2 = (await again.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    await harness.addFault({ service: 'kms', operation: 'DescribeKey', fault: 'ThrottlingException', fraction: 0.5, seed: 'steady' });
    const second: string[] = [];
    for (let call = 0; call < 24; call += 1) {
      second.push(
        await again.send(new DescribeKeyCommand({ KeyId: KeyId2 })).then(
          () => 'ok',
          (error: Error) => error.name,
        ),
      );
    }
    expect(second).toEqual(first);
    expect((await harness.faults()).seed).toBe('steady');
  });

  it('delays calls with a latency fault and serves them', async () => {
    harness = await openHarness(mode);
    await harness.addFault({ service: 'kms', operation: 'CreateKey', fault: 'latency', latencyMs: 50, count: 1 });
    const created = await harness.kms({ maxAttempts: 1 }).send(new CreateKeyCommand({}));
    expect(created.KeyMetadata?.Enabled).toBe(true);
    expect((await harness.faults()).faults).toEqual([]);
  });
});
