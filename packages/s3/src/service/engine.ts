/**
 * @module
 * The S3 engine's start-up: opens its storage and SSE-S3 root keys, makes its encryption
 * providers, and builds the two pipelines (management events, and data events, recorded only when
 * enabled); what it opened itself is what `S3.close` closes.
 */

import { createHash, createHmac } from 'node:crypto';
import type { Kms } from '@strongbox/kms';
import { AuditTrail, Pipeline, type QuotaGate, type Random, systemClock } from '@strongbox/service-kernel';
import { BucketKeyCache, DsseKmsProvider, type S3Kms, SseCProvider, SseKmsProvider, SseS3Provider, SseS3RootKeys } from '../crypto/index.ts';
import type { S3Error } from '../errors.ts';
import type { AtRestCrypto, OperationDefinition, S3Settings } from '../operations/types.ts';
import { openFileSystemObjectStore } from '../storage/filesystem/store.ts';
import { createMemoryObjectStore } from '../storage/memory.ts';
import type { ObjectStore } from '../storage/types.ts';
import { openUpstreamObjectStore } from '../storage/upstream/store.ts';
import { s3Binding } from './binding.ts';
import type { RequestContext } from './context.ts';
import type { S3Options, StorageOptions } from './options.ts';
import type { OwnKms } from './own-kms.ts';
import { type Fence, onError } from './takeover-fence.ts';

type S3Pipeline = Pipeline<OperationDefinition, RequestContext, S3Error>;

/** A started engine: its pipelines, its bucket key cache, and what it opened itself. */
export interface Engine {
  /** What `close` closes: the store, root keys and KMS the engine made itself. */
  readonly owned: { readonly store?: ObjectStore; readonly roots?: SseS3RootKeys; readonly kms?: Kms };
  readonly bucketKeys: BucketKeyCache;
  readonly management: S3Pipeline;
  readonly data: S3Pipeline;
}

/** A trail that keeps nothing: where data events go while data events are not enabled. */
class UnrecordedEvents extends AuditTrail {
  constructor() {
    super({ capacity: 1 });
  }

  override get recording(): boolean {
    return false;
  }

  override record(): void {}
}

const ADMIT_ALL: QuotaGate = { tryAcquire: () => true };

/**
 * Opens the engine's storage and root keys (closing what it opened if a later step fails) and
 * builds its pipelines.
 * @throws the storage's or root keys' opening failure (e.g. a data directory held by another process).
 * @example const engine = await startEngine(options, { account, region }, random, trail, kms, ownKms);
 */
export async function startEngine(
  options: S3Options,
  settings: S3Settings,
  random: Random,
  trail: AuditTrail,
  kms: S3Kms,
  ownKms: OwnKms | undefined,
): Promise<Engine> {
  const kmsOwned = await ownKms?.ready;
  const storage = options.storage;
  const dataDirectory = storage !== undefined && 'directory' in storage ? (storage as StorageOptions) : undefined;
  const directory = dataDirectory?.directory;
  const clock = options.clock ?? systemClock;
  // LastModified and CreationDate come from the engine's clock, like every other time it answers.
  const now = (): number => clock.now();
  const fence: Fence = { lost: undefined };
  let store: ObjectStore;
  try {
    store =
      storage === undefined
        ? await createMemoryObjectStore({ now })
        : dataDirectory !== undefined
          ? dataDirectory.upstream === undefined
            ? await openFileSystemObjectStore({ directory: dataDirectory.directory, now, ...onError(dataDirectory, fence) })
            : await openUpstreamObjectStore({ directory: dataDirectory.directory, upstream: dataDirectory.upstream, now, ...onError(dataDirectory, fence) })
          : (storage as ObjectStore);
  } catch (error) {
    // The engine's own KMS holds `<directory>/kms`: release it with the failed start.
    await kmsOwned?.close();
    throw error;
  }
  let roots: SseS3RootKeys;
  try {
    // Through the lease-fenced io of the store opened on the directory above: a process whose
    // lease lapsed creates no root key file.
    const io = directory === undefined ? undefined : store.dataDirectoryIo;
    roots =
      options.rootKeys ??
      (directory === undefined
        ? await SseS3RootKeys.inMemory({ now })
        : await SseS3RootKeys.openDirectory(directory, { now, ...(io === undefined ? {} : { io }) }));
  } catch (error) {
    if (storage === undefined || directory !== undefined) await store.close();
    await kmsOwned?.close();
    throw error;
  }
  const tokenKey = random.bytes(32);
  const continuationTokenMac = (data: Uint8Array): Uint8Array => new Uint8Array(createHmac('sha256', tokenKey).update(data).digest());
  const bucketKeys = new BucketKeyCache({ clock, ...(options.bucketKeyPeriodMs === undefined ? {} : { periodMs: options.bucketKeyPeriodMs }) });
  const kmsProviders = { kms, bucketKeys, random };
  const crypto: AtRestCrypto = {
    sseS3: new SseS3Provider(roots),
    sseC: new SseCProvider(),
    sseKms: new SseKmsProvider(kmsProviders),
    dsseKms: new DsseKmsProvider(kmsProviders),
    md5,
    random,
    continuationTokenMac,
  };
  const quotas = options.quotas ?? ADMIT_ALL;
  const parts = { clock, quotas, faults: options.faults, fence: dataDirectory === undefined ? undefined : fence, store, crypto, settings };
  const management = new Pipeline(s3Binding(parts, trail));
  const data = new Pipeline(s3Binding(parts, options.dataEvents === true ? trail : new UnrecordedEvents()));
  // A caller-made store and root keys stay the caller's to close; `close` closes what it opened.
  const ownsStore = storage === undefined || directory !== undefined;
  return {
    owned: { ...(ownsStore ? { store } : {}), ...(options.rootKeys === undefined ? { roots } : {}), ...(kmsOwned === undefined ? {} : { kms: kmsOwned }) },
    bucketKeys,
    management,
    data,
  };
}

function md5(chunks: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('md5');
  for (const chunk of chunks) hash.update(chunk);
  return new Uint8Array(hash.digest());
}
