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
 * - **Multipart** (`forUpload`, `forPart`, `forOpeningParts`): CreateMultipartUpload calls
 *   GenerateDataKey once per layer (or takes the requester's bucket key) and stores the KMS blob
 *   as the upload's key; each part's data key is derived from it with the part's context
 *   (`kms-roots.ts`), so UploadPart calls KMS Decrypt as the caller (as S3 requires kms:Decrypt for
 *   UploadPart) and a read of the completed object decrypts it once for all its parts.
 *
 * KMS is called before the body streams (the data keys are obtained, or recovered, in
 * `forSealing` / `forOpening`), so a KMS refusal is S3's error response, never a half-written
 * object or a GET that fails after its headers. KMS errors become S3's (`s3ErrorFromKms`).
 *
 * Stored with the object (non-secret): the key ARN, the caller's context pairs, the bucket-key
 * flag, and each layer's wrapped key (the KMS ciphertext blob of the data key, or of the bucket
 * key or upload key with the derivation's nonce), which is also in the sealed header
 * (`sse-kms-fields.ts`).
 */

import type { Principal, Random } from '@strongbox/service-kernel';
import { kmsEncryptionContext, type StringMap } from '../model/encryption.ts';
import type { StoredFields } from '../storage/types.ts';
import { BUCKET_KEY_KEYRING_PREFIX, BUCKET_KEY_NONCE_LENGTH, type BucketKeyCache, deriveObjectKey, encodeBucketKeyWrapped } from './bucket-keys.ts';
import { type DataKeyProvider, type ObjectIdentity, type ObjectKeys, objectContext } from './data-key-provider.ts';
import {
  type EncryptionContext,
  type GeneratedDataKey,
  type ResolvedKeyring,
  resolvedKeyring,
  type SealLayer,
  secondImplementation,
  type WrappedDataKey,
} from './envelope-adapter.ts';
import { kmsOnBehalf, type OnBehalfClient, type S3Kms } from './kms-client.ts';
import { s3ErrorFromKms } from './kms-errors.ts';
import { KMS_KEYRING_PREFIX, type KmsRoot, layerKey, parseRoot, recoverRoot, sortedPairs, UPLOAD_KEY_KEYRING_PREFIX } from './kms-roots.ts';
import { fieldsOf, storedKmsEncryption, storedWrappedKeys } from './sse-kms-fields.ts';

/** The AWS managed key S3 uses when a request and the bucket name no key (model PutObject `SSEKMSKeyId`). */
export const AWS_MANAGED_S3_KEY = 'alias/aws/s3';

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

/** What the KMS providers share. */
export interface KmsProviderOptions {
  readonly kms: S3Kms;
  readonly bucketKeys: BucketKeyCache;
  readonly random: Random;
}

/** The keys of any part of one object, its KMS keys recovered once (a read of a multipart object). */
export interface PartKeys {
  /** The keys of the object, or of one of its parts (`partNumber`); dispose each when done. */
  keysFor(object: ObjectIdentity): ObjectKeys;
  /** Wipes the recovered KMS keys. */
  dispose(): void;
}

/** SSE-KMS's and DSSE-KMS's provider: `layers` KMS-protected layers. */
export class KmsDataKeyProvider implements DataKeyProvider<KmsRequest> {
  readonly mode: 'SSE-KMS' | 'DSSE-KMS';
  readonly #options: KmsProviderOptions;
  readonly #layers: 1 | 2;

  constructor(mode: 'SSE-KMS' | 'DSSE-KMS', options: KmsProviderOptions) {
    this.mode = mode;
    this.#layers = mode === 'SSE-KMS' ? 1 : 2;
    this.#options = options;
  }

  /**
   * Keys to seal a single PUT (GenerateDataKey per layer, or the requester's bucket key).
   * @throws S3Error KMS.* / AccessDenied / SlowDown as S3 reports KMS's refusals.
   */
  async forSealing(object: ObjectIdentity, request: KmsRequest): Promise<ObjectKeys> {
    // Bucket keys never apply to DSSE-KMS (UG bucket-key).
    if (this.#layers === 1 && request.bucketKey === true) return sealWithBucketKey(this.#options, object, request);
    return sealLayers(this.#options, object, request, this.#layers);
  }

  /**
   * Keys to open a stored object or one of its parts (KMS Decrypt as the reader, now).
   * @throws S3Error KMS.* / AccessDenied / SlowDown as S3 reports KMS's refusals.
   */
  async forOpening(object: ObjectIdentity, request: KmsRequest, stored: StoredFields): Promise<ObjectKeys> {
    const parts = await this.forOpeningParts(object, request, stored);
    try {
      return parts.keysFor(object);
    } finally {
      parts.dispose();
    }
  }

  /**
   * Recovers the object's KMS keys once (KMS Decrypt as the reader, now), then gives the keys of
   * any of its parts without calling KMS again: what a GET of a multipart object needs.
   * @throws S3Error KMS.* / AccessDenied / SlowDown as S3 reports KMS's refusals.
   */
  async forOpeningParts(object: Pick<ObjectIdentity, 'bucket' | 'key'>, request: KmsRequest, stored: StoredFields): Promise<PartKeys> {
    const { context: pairs } = storedKmsEncryption(stored);
    const roots = storedWrappedKeys(stored).map(parseRoot);
    const reader = { kms: this.#options.kms, bucketKeys: this.#options.bucketKeys, caller: request.caller, region: request.region };
    const rootKeys: Uint8Array[] = [];
    try {
      for (const root of roots) rootKeys.push(await recoverRoot(reader, root, pairs, object));
    } catch (error) {
      for (const key of rootKeys) key.fill(0);
      throw error;
    }
    return {
      keysFor: (identity) => keysFromRoots(roots, rootKeys, identity, {}),
      dispose: () => {
        for (const key of rootKeys) key.fill(0);
      },
    };
  }

  /**
   * CreateMultipartUpload: one GenerateDataKey per layer under the object ARN context (or the
   * requester's bucket key), kept as the upload's key; returns the fields to store with the upload
   * (and, once completed, with the object).
   * @throws S3Error KMS.* / AccessDenied / SlowDown as S3 reports KMS's refusals.
   */
  async forUpload(object: Pick<ObjectIdentity, 'bucket' | 'key'>, request: KmsRequest): Promise<StoredFields> {
    const options = this.#options;
    const keyId = request.keyId ?? AWS_MANAGED_S3_KEY;
    const pairs = request.context ?? {};
    if (this.#layers === 1 && request.bucketKey === true) {
      const bucketKey = await sealingBucketKey(options, object, request, (entry) => ({ keyArn: entry.keyArn, blob: entry.blob.slice() }));
      const nonce = options.random.bytes(BUCKET_KEY_NONCE_LENGTH);
      const wrapped = { keyringId: BUCKET_KEY_KEYRING_PREFIX + bucketKey.keyArn, ciphertext: encodeBucketKeyWrapped(bucketKey.blob, nonce) };
      return fieldsOf(bucketKey.keyArn, pairs, true, [wrapped]);
    }
    const client = kmsOnBehalf(options.kms, request.caller, request.region);
    const kmsContext = kmsEncryptionContext(pairs, object.bucket, object.key, false);
    const wrapped: WrappedDataKey[] = [];
    for (let index = 0; index < this.#layers; index++) {
      const generated = await generate(client, keyId, kmsContext);
      // Only the blob is kept: each UploadPart decrypts it, as the caller.
      generated.dataKey.fill(0);
      const nonce = options.random.bytes(BUCKET_KEY_NONCE_LENGTH);
      const keyArn = generated.wrapped.keyringId.slice(KMS_KEYRING_PREFIX.length);
      wrapped.push({ keyringId: UPLOAD_KEY_KEYRING_PREFIX + keyArn, ciphertext: encodeBucketKeyWrapped(generated.wrapped.ciphertext, nonce) });
    }
    return fieldsOf(wrapped[0]?.keyringId.slice(UPLOAD_KEY_KEYRING_PREFIX.length) ?? '', pairs, false, wrapped);
  }

  /**
   * UploadPart: the part's keys, from the upload's fields (KMS Decrypt as the caller, now).
   * @throws S3Error KMS.* / AccessDenied / SlowDown as S3 reports KMS's refusals.
   */
  async forPart(part: ObjectIdentity, request: KmsRequest, uploadFields: StoredFields): Promise<ObjectKeys> {
    return this.forOpening(part, request, uploadFields);
  }
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
export class SseKmsProvider extends KmsDataKeyProvider {
  constructor(options: KmsProviderOptions) {
    super('SSE-KMS', options);
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
export class DsseKmsProvider extends KmsDataKeyProvider {
  constructor(options: KmsProviderOptions) {
    super('DSSE-KMS', options);
  }
}

/** The envelope context of layer `index` of `count`: the object (and part), and the layer for DSSE. */
function layerContext(object: ObjectIdentity, index: number, count: number): EncryptionContext {
  // One layer: the object's context as it is (normalized and remembered for whole objects), so
  // the envelope neither validates nor encodes it again.
  if (count === 1) return objectContext(object);
  return { ...objectContext(object), 'strongbox:layer': String(index + 1) };
}

/** DSSE's outer layer runs on the second AES-GCM implementation. */
function layerOf(keyring: ResolvedKeyring, context: EncryptionContext, index: number): SealLayer {
  return index === 1 ? { keyring, context, backend: secondImplementation } : { keyring, context };
}

async function generate(client: OnBehalfClient, keyId: string, kmsContext: StringMap): Promise<GeneratedDataKey> {
  try {
    // The keyring sends KMS a copy of the context: `kmsContext` is this request's own.
    return await client.keyring(keyId).generateDataKey(32, kmsContext);
  } catch (error) {
    throw s3ErrorFromKms(error, keyId);
  }
}

async function sealLayers(options: KmsProviderOptions, object: ObjectIdentity, request: KmsRequest, count: 1 | 2): Promise<ObjectKeys> {
  const keyId = request.keyId ?? AWS_MANAGED_S3_KEY;
  const pairs = request.context ?? {};
  const kmsContext = kmsEncryptionContext(pairs, object.bucket, object.key, false);
  const client = kmsOnBehalf(options.kms, request.caller, request.region);
  const keyrings: ResolvedKeyring[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const generated = await generate(client, keyId, kmsContext);
      keyrings.push(resolvedKeyring(generated.dataKey, generated.wrapped));
      generated.dataKey.fill(0);
    }
  } catch (error) {
    for (const keyring of keyrings) keyring.dispose();
    throw error;
  }
  const keyArn = (keyrings[0]?.wrapped.keyringId ?? '').slice(KMS_KEYRING_PREFIX.length);
  return keysOf(
    keyrings.map((keyring, index) => layerOf(keyring, layerContext(object, index, count), index)),
    keyrings,
    fieldsOf(
      keyArn,
      pairs,
      false,
      keyrings.map((keyring) => keyring.wrapped),
    ),
  );
}

/** Runs `use` on the requester's live bucket key for this bucket, KMS key and context (made if needed). */
function sealingBucketKey<T>(
  options: KmsProviderOptions,
  object: Pick<ObjectIdentity, 'bucket'>,
  request: KmsRequest,
  use: (entry: { readonly key: Uint8Array; readonly keyArn: string; readonly blob: Uint8Array }) => T,
): Promise<T> {
  const keyId = request.keyId ?? AWS_MANAGED_S3_KEY;
  const pairs = request.context ?? {};
  const kmsContext = kmsEncryptionContext(pairs, object.bucket, '', true);
  // One bucket key per requester, Region, bucket, KMS key (as named) and caller context.
  const scope = JSON.stringify([request.caller.arn, request.region, object.bucket, keyId, sortedPairs(pairs)]);
  return options.bucketKeys.sealing(
    scope,
    async () => {
      const generated = await generate(kmsOnBehalf(options.kms, request.caller, request.region), keyId, kmsContext);
      return { key: generated.dataKey, keyArn: generated.wrapped.keyringId.slice(KMS_KEYRING_PREFIX.length), blob: generated.wrapped.ciphertext };
    },
    use,
  );
}

async function sealWithBucketKey(options: KmsProviderOptions, object: ObjectIdentity, request: KmsRequest): Promise<ObjectKeys> {
  const context = layerContext(object, 0, 1);
  const nonce = options.random.bytes(BUCKET_KEY_NONCE_LENGTH);
  const derived = await sealingBucketKey(options, object, request, (bucketKey) => ({
    key: deriveObjectKey(bucketKey.key, nonce, context),
    wrapped: { keyringId: BUCKET_KEY_KEYRING_PREFIX + bucketKey.keyArn, ciphertext: encodeBucketKeyWrapped(bucketKey.blob, nonce) },
    keyArn: bucketKey.keyArn,
  }));
  const keyring = resolvedKeyring(derived.key, derived.wrapped);
  derived.key.fill(0);
  return keysOf([{ keyring, context }], [keyring], fieldsOf(derived.keyArn, request.context ?? {}, true, [derived.wrapped]));
}

/** The keys of `object` (or a part of it) from recovered roots. */
function keysFromRoots(roots: readonly KmsRoot[], rootKeys: readonly Uint8Array[], object: ObjectIdentity, fields: StoredFields): ObjectKeys {
  const keyrings = roots.map((root, index) => {
    const key = layerKey(root, rootKeys[index] ?? new Uint8Array(0), layerContext(object, index, roots.length));
    const keyring = resolvedKeyring(key, root.wrapped);
    key.fill(0);
    return keyring;
  });
  return keysOf(
    keyrings.map((keyring, index) => layerOf(keyring, layerContext(object, index, roots.length), index)),
    keyrings,
    fields,
  );
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
