/**
 * The S3 engine on a `ControlledClock`, with KMS on the same clock, behind the in-process SDK
 * handler: for tests of what happens after a time (restores completing and expiring), which
 * advance the clock instead of waiting.
 */

import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { Kms } from '@strongbox/kms';
import { ControlledClock, ManualClock } from '@strongbox/service-kernel';
import type { S3Options } from '../../src/index.ts';
import { inProcessClient, type WireEngine, wireEngine } from './wire.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** An engine, its KMS and an SDK client, all on one clock. */
export interface ClockedEngine {
  readonly clock: ControlledClock;
  readonly kms: Kms;
  readonly engine: WireEngine;
  readonly client: S3Client;
  /** Destroys the client, then closes the engine and KMS. */
  close(): Promise<void>;
}

/** Engine options a clocked suite may set (the clock, KMS and trail are the fixture's). */
export type ClockedOptions = Omit<S3Options, 'clock' | 'kms' | 'auditTrail'>;

/**
 * A fresh engine (see `wireEngine`) whose clock starts at `start`, with `bucket` created.
 * @example const { clock, client, close } = await clockedEngine('data', Date.UTC(2026, 11, 7)); … await close();
 */
export async function clockedEngine(bucket: string, start: number, options: ClockedOptions = {}): Promise<ClockedEngine> {
  const clock = new ControlledClock(new ManualClock(start));
  const kms = new Kms({ clock });
  const engine = wireEngine({ engine: { ...options, clock, kms, auditTrail: kms.auditTrail } });
  const client = inProcessClient(engine.handler);
  const close = async (): Promise<void> => {
    client.destroy();
    await engine.close();
    await kms.close();
  };
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    await close();
    throw error;
  }
  return { clock, kms, engine, client, close };
}
