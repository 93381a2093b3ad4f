/** Test helpers for SSE-KMS: an S3 engine on a real in-process Kms sharing its trail and clock. */

import { Kms, ManualClock, type Principal, principalFromArn } from '@strongbox/kms';
import { afterEach, beforeEach } from 'vitest';
import { S3, type S3Kms, type S3Options } from '../../src/index.ts';

export const ACCOUNT = '000000000000';
export const OTHER_ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

/** An engine and the KMS it calls, on one manual clock and one trail. */
export interface KmsEngine {
  readonly clock: ManualClock;
  readonly kms: Kms;
  readonly s3: S3;
  /** Every plaintext key KMS handed S3 (data keys and bucket keys), for the at-rest scans. */
  readonly keysSeen: Uint8Array[];
  close(): Promise<void>;
}

/**
 * A fresh `kmsEngine()` for each test of the file, with `buckets` created, handed to `use` before
 * the test and closed after it.
 */
export function useKmsEngine(buckets: readonly string[], use: (engine: KmsEngine) => void): void {
  let current: KmsEngine | undefined;
  beforeEach(async () => {
    current = kmsEngine();
    use(current);
    for (const Bucket of buckets) await current.s3.createBucket({ Bucket });
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
}

/** A Kms and an S3 engine calling it (through a spy that remembers every plaintext key). */
export function kmsEngine(options: Partial<S3Options> = {}): KmsEngine {
  const clock = new ManualClock(Date.UTC(2026, 11, 6));
  const kms = new Kms({ clock });
  const keysSeen: Uint8Array[] = [];
  const remember = <T extends { Plaintext?: Uint8Array | undefined }>(output: T): T => {
    if (output.Plaintext !== undefined) keysSeen.push(output.Plaintext.slice());
    return output;
  };
  const spy: S3Kms = {
    generateDataKey: async (input, call) => remember(await kms.generateDataKey(input, call)),
    decrypt: async (input, call) => remember(await kms.decrypt(input, call)),
    encrypt: (input, call) => kms.encrypt(input, call),
  };
  const s3 = new S3({ kms: spy, auditTrail: kms.auditTrail, clock, ...options });
  return {
    clock,
    kms,
    s3,
    keysSeen,
    close: async () => {
      await s3.close();
      await kms.close();
    },
  };
}

/** A customer managed key (default policy unless one is given) and its ARN and id. */
export async function newKey(kms: Kms, options: { policy?: object; caller?: Principal; alias?: string } = {}): Promise<{ arn: string; id: string }> {
  const { KeyMetadata } = await kms.createKey(
    { ...(options.policy === undefined ? {} : { Policy: JSON.stringify(options.policy), BypassPolicyLockoutSafetyCheck: true }) },
    options.caller === undefined ? {} : { caller: options.caller },
  );
  const arn = KeyMetadata?.Arn ?? '';
  const id = KeyMetadata?.KeyId ?? '';
  if (options.alias !== undefined)
    await kms.createAlias({ AliasName: options.alias, TargetKeyId: id }, options.caller === undefined ? {} : { caller: options.caller });
  return { arn, id };
}

/** The account root's statement of the default key policy. */
export function rootStatement(account: string = ACCOUNT): object {
  return { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' };
}

/** An IAM user of the account whose identity policy allows `actions` (and all of S3). */
export function user(name: string, actions: readonly string[], account: string = ACCOUNT): Principal {
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', ...actions], Resource: '*' }] };
  return principalFromArn(`arn:aws:iam::${account}:user/${name}`, { identityPolicy: JSON.stringify(policy) });
}

/** The root principal of `account`. */
export function root(account: string): Principal {
  return principalFromArn(`arn:aws:iam::${account}:root`);
}

/** How many KMS events named `eventName` the trail holds. */
export function kmsEvents(kms: Kms, eventName: string): number {
  return kms.auditTrail.events().filter((event) => event.eventSource === 'kms.amazonaws.com' && event.eventName === eventName).length;
}
