/**
 * @module
 * SSE-KMS and DSSE-KMS: data keys from KMS, obtained through the envelope's KMS keyring, called
 * on the caller's behalf (`kmsOnBehalf`: the caller's principal, invoked by s3.amazonaws.com).
 *
 * - **SSE-KMS**: one layer. Its data key comes from KMS GenerateDataKey under the requested key
 *   (default the AWS managed key `alias/aws/s3`, which KMS creates on first use) with the context
 *   S3 sends: the caller's pairs plus `aws:s3:arn` = the object's ARN (UG `UsingKMSEncryption`).
 *   Reading calls KMS Decrypt with the same context, as the reader.
 * - **SSE-KMS with a bucket key**: the layer's data key is derived from a bucket-level key that
 *   one GenerateDataKey (context: the bucket ARN) yields per period and requester; reading
 *   recovers the bucket key with one Decrypt per period and reader (`bucket-keys.ts`).
 * - **DSSE-KMS** (`aws:kms:dsse`): two independent layers, one sealed inside the other, each with
 *   its own KMS data key (two GenerateDataKey calls on write, two Decrypt calls on read) and each
 *   through a different AES-GCM implementation (the inner layer node:crypto/OpenSSL, the outer
 *   one noble), so that neither a key nor a library alone exposes the plaintext. AWS describes
 *   the two layers as independent (UG `UsingDSSEncryption`); the number of KMS calls it makes and
 *   the libraries it uses are not published (UNCONFIRMED). Bucket keys never apply (§1.5).
 *
 * KMS is called before the body streams (the data keys are obtained, or recovered, in
 * `forSealing` / `forOpening`), so a KMS refusal is S3's error response, never a half-written
 * object or a GET that fails after its headers. KMS errors become S3's (`s3ErrorFromKms`).
 *
 * Stored with the object (non-secret): the key ARN, the caller's context pairs, the bucket-key
 * flag, and each layer's wrapped data key (the KMS ciphertext blob, or the bucket key's blob and
 * the object's nonce), which is also in the sealed header.
 */

import type { Principal, Random } from '@strongbox/service-kernel';
import { kmsEncryptionContext, type StringMap } from '../model/encryption.ts';
import type { StoredFields } from '../storage/types.ts';
import {
  BUCKET_KEY_KEYRING_PREFIX,
  BUCKET_KEY_NONCE_LENGTH,
  type BucketKeyCache,
  decodeBucketKeyWrapped,
  deriveObjectKey,
  encodeBucketKeyWrapped,
} from './bucket-keys.ts';
import { type DataKeyProvider, type ObjectIdentity, type ObjectKeys, objectContext } from './data-key-provider.ts';
import {
  type EncryptionContext,
  kmsKeyring,
  type ResolvedKeyring,
  resolvedKeyring,
  type SealLayer,
  secondImplementation,
  type WrappedDataKey,
} from './envelope-adapter.ts';
import { kmsOnBehalf, type S3Kms } from './kms-client.ts';
import { s3ErrorFromKms } from './kms-errors.ts';

/** The AWS managed key S3 uses when a request and the bucket name no key (model PutObject `SSEKMSKeyId`). */
export const AWS_MANAGED_S3_KEY = 'alias/aws/s3';

/** Stored field names of a KMS-encrypted object. */
export const SSE_KMS_FIELDS: Readonly<{ keyArn: string; context: string; bucketKey: string; wrappedKeys: string }> = Object.freeze({
  keyArn: 'sse-kms-key-arn',
  context: 'sse-kms-context',
  bucketKey: 'sse-kms-bucket-key',
  wrappedKeys: 'sse-kms-wrapped-keys',
});

const KMS_KEYRING_PREFIX = 'aws-kms:';

/** What an SSE-KMS or DSSE-KMS write or read brings. */
export interface KmsRequest {
  /** Who calls S3 (KMS is called on their behalf). */
  readonly caller: Principal;
  /** The bucket's Region (KMS is called there). */
  readonly region: string;
  /** Writes: the key as named by the request or bucket (key id, ARN, alias); undefined: `aws/s3`. */
  readonly keyId?: string | undefined;
  /** Writes: the caller's context pairs (`aws:s3:arn` is added here). */
  readonly context?: StringMap | undefined;
  /** Writes (SSE-KMS only): whether to use a bucket key. */
  readonly bucketKey?: boolean | undefined;
}

/** The KMS facts of a stored object, as responses echo them. */
export interface StoredKmsEncryption {
  readonly keyArn: string;
  readonly bucketKeyEnabled: boolean;
  /** The caller's pairs (without `aws:s3:arn`). */
  readonly context: StringMap;
}

/**
 * Reads the KMS facts of an object's stored fields.
 * @throws Error if the fields lack them (the object is not KMS-encrypted: a bug upstream).
 * @example
 * ```ts
 * import { storedKmsEncryption } from '@strongbox/s3';
 * storedKmsEncryption(record.info.metadata).keyArn; // 'arn:aws:kms:us-east-1:…:key/…'
 * ```
 */
export function storedKmsEncryption(stored: StoredFields): StoredKmsEncryption {
  const keyArn = stored[SSE_KMS_FIELDS.keyArn];
  if (keyArn === undefined) throw new Error('the object has no KMS key');
  const context = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(JSON.parse(stored[SSE_KMS_FIELDS.context] ?? '{}') as Record<string, string>)) context[name] = value;
  return { keyArn, bucketKeyEnabled: stored[SSE_KMS_FIELDS.bucketKey] === 'true', context };
}

/** What the KMS providers share. */
export interface KmsProviderOptions {
  readonly kms: S3Kms;
  readonly bucketKeys: BucketKeyCache;
  readonly random: Random;
}

/**
 * The SSE-KMS data key provider (with or without a bucket key).
 *
 * @example
 * ```ts
 * import { BucketKeyCache, SseKmsProvider } from '@strongbox/s3';
 * const provider = new SseKmsProvider({ kms, bucketKeys: new BucketKeyCache({ clock }), random });
 * const keys = await provider.forSealing({ bucket: 'b', key: 'k' }, { caller, region: 'us-east-1', keyId: 'alias/orders' });
 * ```
 */
export class SseKmsProvider implements DataKeyProvider<KmsRequest> {
  readonly mode = 'SSE-KMS' as const;
  readonly #options: KmsProviderOptions;

  constructor(options: KmsProviderOptions) {
    this.#options = options;
  }

  /** @throws S3Error KMS.* / AccessDenied / SlowDown as S3 reports KMS's refusals. */
  async forSealing(object: ObjectIdentity, request: KmsRequest): Promise<ObjectKeys> {
    if (request.bucketKey === true) return sealWithBucketKey(this.#options, object, request);
    return sealLayers(this.#options, object, request, 1);
  }

  /** @throws S3Error KMS.* / AccessDenied / SlowDown as S3 reports KMS's refusals. */
  async forOpening(object: ObjectIdentity, request: KmsRequest, stored: StoredFields): Promise<ObjectKeys> {
    return openLayers(this.#options, object, request, stored);
  }
}

/**
 * The DSSE-KMS data key provider: two layers, two KMS data keys.
 *
 * @example
 * ```ts
 * import { DsseKmsProvider } from '@strongbox/s3';
 * const keys = await new DsseKmsProvider({ kms, bucketKeys, random }).forSealing({ bucket: 'b', key: 'k' }, { caller, region: 'us-east-1' });
 * keys.layers.length; // 2
 * ```
 */
export class DsseKmsProvider implements DataKeyProvider<KmsRequest> {
  readonly mode = 'DSSE-KMS' as const;
  readonly #options: KmsProviderOptions;

  constructor(options: KmsProviderOptions) {
    this.#options = options;
  }

  /** @throws S3Error KMS.* / AccessDenied / SlowDown as S3 reports KMS's refusals. */
  async forSealing(object: ObjectIdentity, request: KmsRequest): Promise<ObjectKeys> {
    return sealLayers(this.#options, object, request, 2);
  }

  /** @throws S3Error KMS.* / AccessDenied / SlowDown as S3 reports KMS's refusals. */
  async forOpening(object: ObjectIdentity, request: KmsRequest, stored: StoredFields): Promise<ObjectKeys> {
    return openLayers(this.#options, object, request, stored);
  }
}

/** The envelope context of layer `index` of `count`: the object (and part), and the layer for DSSE. */
function layerContext(object: ObjectIdentity, index: number, count: number): EncryptionContext {
  const context = { ...objectContext(object) };
  if (count > 1) context['strongbox:layer'] = String(index + 1);
  return context;
}

/** DSSE's outer layer runs on the second AES-GCM implementation. */
function layerOf(keyring: ResolvedKeyring, object: ObjectIdentity, index: number, count: number): SealLayer {
  const context = layerContext(object, index, count);
  return index === 1 ? { keyring, context, backend: secondImplementation } : { keyring, context };
}

async function sealLayers(options: KmsProviderOptions, object: ObjectIdentity, request: KmsRequest, count: 1 | 2): Promise<ObjectKeys> {
  const keyId = request.keyId ?? AWS_MANAGED_S3_KEY;
  const pairs = request.context ?? {};
  const kmsContext = kmsEncryptionContext(pairs, object.bucket, object.key, false);
  const client = kmsOnBehalf(options.kms, request.caller, request.region);
  const keyrings: ResolvedKeyring[] = [];
  try {
    for (let index = 0; index < count; index++) {
      let generated: Awaited<ReturnType<ReturnType<typeof kmsKeyring>['generateDataKey']>>;
      try {
        generated = await kmsKeyring(client, keyId).generateDataKey(32, { ...kmsContext });
      } catch (error) {
        throw s3ErrorFromKms(error, keyId);
      }
      keyrings.push(resolvedKeyring(generated.dataKey, generated.wrapped));
      generated.dataKey.fill(0);
    }
  } catch (error) {
    for (const keyring of keyrings) keyring.dispose();
    throw error;
  }
  const keyArn = (keyrings[0]?.wrapped.keyringId ?? '').slice(KMS_KEYRING_PREFIX.length);
  return keysOf(
    keyrings.map((keyring, index) => layerOf(keyring, object, index, count)),
    keyrings,
    fieldsOf(keyArn, pairs, false, keyrings),
  );
}

async function sealWithBucketKey(options: KmsProviderOptions, object: ObjectIdentity, request: KmsRequest): Promise<ObjectKeys> {
  const keyId = request.keyId ?? AWS_MANAGED_S3_KEY;
  const pairs = request.context ?? {};
  const kmsContext = kmsEncryptionContext(pairs, object.bucket, object.key, true);
  const context = layerContext(object, 0, 1);
  const nonce = options.random.bytes(BUCKET_KEY_NONCE_LENGTH);
  // One bucket key per requester, Region, bucket, KMS key (as named) and caller context.
  const scope = JSON.stringify([request.caller.arn, request.region, object.bucket, keyId, sortedPairs(pairs)]);
  const derived = await options.bucketKeys.sealing(
    scope,
    async () => {
      try {
        const generated = await kmsKeyring(kmsOnBehalf(options.kms, request.caller, request.region), keyId).generateDataKey(32, { ...kmsContext });
        return { key: generated.dataKey, keyArn: generated.wrapped.keyringId.slice(KMS_KEYRING_PREFIX.length), blob: generated.wrapped.ciphertext };
      } catch (error) {
        throw s3ErrorFromKms(error, keyId);
      }
    },
    (bucketKey) => ({
      key: deriveObjectKey(bucketKey.key, nonce, context),
      wrapped: { keyringId: BUCKET_KEY_KEYRING_PREFIX + bucketKey.keyArn, ciphertext: encodeBucketKeyWrapped(bucketKey.blob, nonce) },
      keyArn: bucketKey.keyArn,
    }),
  );
  const keyring = resolvedKeyring(derived.key, derived.wrapped);
  derived.key.fill(0);
  return keysOf([{ keyring, context }], [keyring], fieldsOf(derived.keyArn, pairs, true, [keyring]));
}

async function openLayers(options: KmsProviderOptions, object: ObjectIdentity, request: KmsRequest, stored: StoredFields): Promise<ObjectKeys> {
  const { keyArn, bucketKeyEnabled, context: pairs } = storedKmsEncryption(stored);
  const wrappedKeys = storedWrappedKeys(stored);
  const kmsContext = kmsEncryptionContext(pairs, object.bucket, object.key, bucketKeyEnabled);
  const client = kmsOnBehalf(options.kms, request.caller, request.region);
  const keyrings: ResolvedKeyring[] = [];
  try {
    for (const wrapped of wrappedKeys) {
      const context = layerContext(object, keyrings.length, wrappedKeys.length);
      let key: Uint8Array;
      if (wrapped.keyringId.startsWith(BUCKET_KEY_KEYRING_PREFIX)) {
        const { blob, nonce } = decodeBucketKeyWrapped(wrapped.ciphertext);
        const scope = JSON.stringify([request.caller.arn, request.region, Buffer.from(blob).toString('base64'), sortedPairs(kmsContext)]);
        key = await options.bucketKeys.opening(
          scope,
          async () => ({ key: await decryptDataKey(client, keyArn, blob, kmsContext), keyArn, blob }),
          (bucketKey) => deriveObjectKey(bucketKey.key, nonce, context),
        );
      } else {
        key = await decryptDataKey(client, keyArn, wrapped.ciphertext, kmsContext);
      }
      keyrings.push(resolvedKeyring(key, wrapped));
      key.fill(0);
    }
  } catch (error) {
    for (const keyring of keyrings) keyring.dispose();
    throw error;
  }
  return keysOf(
    keyrings.map((keyring, index) => layerOf(keyring, object, index, keyrings.length)),
    keyrings,
    {},
  );
}

/** KMS Decrypt of a stored data key (or bucket key), as the reader, through the KMS keyring. */
async function decryptDataKey(client: ReturnType<typeof kmsOnBehalf>, keyArn: string, blob: Uint8Array, context: StringMap): Promise<Uint8Array> {
  let key: Uint8Array | undefined;
  try {
    key = await kmsKeyring(client, keyArn).unwrapDataKey({ keyringId: KMS_KEYRING_PREFIX + keyArn, ciphertext: blob }, { ...context });
  } catch (error) {
    throw s3ErrorFromKms(error, keyArn);
  }
  // KMS answered InvalidCiphertextException or IncorrectKeyException: the stored record and its
  // blob disagree (damage, or a record moved to another key): an internal error, never a guess.
  if (key === undefined) throw new Error(`the stored data key of this object does not decrypt under ${keyArn}`);
  return key;
}

function keysOf(layers: readonly SealLayer[], keyrings: readonly ResolvedKeyring[], fields: StoredFields): ObjectKeys {
  return {
    layers,
    fields,
    dispose: () => {
      for (const keyring of keyrings) keyring.dispose();
    },
  };
}

function fieldsOf(keyArn: string, pairs: StringMap, bucketKey: boolean, keyrings: readonly ResolvedKeyring[]): StoredFields {
  const entries = Object.entries(pairs);
  return {
    [SSE_KMS_FIELDS.keyArn]: keyArn,
    ...(entries.length === 0 ? {} : { [SSE_KMS_FIELDS.context]: JSON.stringify(Object.fromEntries(entries)) }),
    ...(bucketKey ? { [SSE_KMS_FIELDS.bucketKey]: 'true' } : {}),
    [SSE_KMS_FIELDS.wrappedKeys]: JSON.stringify(
      keyrings.map((keyring) => ({ id: keyring.wrapped.keyringId, blob: Buffer.from(keyring.wrapped.ciphertext).toString('base64') })),
    ),
  };
}

function storedWrappedKeys(stored: StoredFields): WrappedDataKey[] {
  const text = stored[SSE_KMS_FIELDS.wrappedKeys];
  if (text === undefined) throw new Error('the object has no KMS data keys');
  const parsed = JSON.parse(text) as { id: string; blob: string }[];
  if (!Array.isArray(parsed) || parsed.length < 1 || parsed.length > 2) throw new Error('the object has a damaged KMS key record');
  return parsed.map((entry) => ({ keyringId: String(entry.id), ciphertext: new Uint8Array(Buffer.from(String(entry.blob), 'base64')) }));
}

function sortedPairs(pairs: StringMap): [string, string][] {
  return Object.entries(pairs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
