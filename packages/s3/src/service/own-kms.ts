/**
 * @module
 * The engine's own KMS, made when the `kms` option is absent: a `@strongbox/kms` `Kms` in the
 * engine's account, Region and clock, kept in the data directory when there is one.
 */

import { join } from 'node:path';
import { Kms, openDirectoryStore } from '@strongbox/kms';
import type { AuditTrail } from '@strongbox/service-kernel';
import type { S3Kms } from '../crypto/index.ts';
import type { S3Options } from './options.ts';

/** The engine's own KMS (made when the `kms` option is absent). */
export interface OwnKms {
  /** What the providers call. */
  readonly kms: S3Kms;
  /** Its trail, when known at once (in memory); the engine shares it. */
  readonly trail: AuditTrail | undefined;
  /** Settles once the KMS is ready (its data directory open). */
  readonly ready: Promise<Kms>;
}

/**
 * A `Kms` in the engine's account, Region and clock. With a data directory its state (keys, the
 * AWS managed `aws/s3` key included, and its own trail) lives in `<directory>/kms`, so SSE-KMS
 * objects stay readable after a restart; that store opens asynchronously, so the providers call
 * it through a forwarder, and its trail is its own (pass a `Kms` for one trail).
 */
export function ownKmsOf(options: S3Options, account: string, region: string): OwnKms {
  const storage = options.storage;
  const directory = storage !== undefined && 'directory' in storage ? storage.directory : undefined;
  const common = { account, region, ...(options.clock === undefined ? {} : { clock: options.clock }) };
  if (directory === undefined) {
    const kms = new Kms(common);
    return { kms, trail: kms.auditTrail, ready: Promise.resolve(kms) };
  }
  const ready = openDirectoryStore({ directory: join(directory, 'kms') }).then((store) => new Kms({ ...common, store }));
  ready.catch(() => undefined);
  const forward: S3Kms = {
    generateDataKey: async (input, callOptions) => (await ready).generateDataKey(input, callOptions),
    decrypt: async (input, callOptions) => (await ready).decrypt(input, callOptions),
    encrypt: async (input, callOptions) => (await ready).encrypt(input, callOptions),
  };
  return { kms: forward, trail: undefined, ready };
}
