/**
 * @module
 * A keyring on AWS KMS, with no dependency: it takes any client with the shape of KMS's
 * `GenerateDataKey`, `Encrypt` and `Decrypt` (AWS's request and response members). The in-process
 * `Kms` of `@strongbox/kms` fits as it is; `@aws-sdk/client-kms` fits through a three-line adapter
 * (see `KmsClientLike`). SSE-KMS and CSE-KMS are built on it.
 *
 * - Sealing: the first keyring of a seal calls `GenerateDataKey` (as S3 does for SSE-KMS); every
 *   other one calls `Encrypt` on the same data key. The encryption context goes to KMS as its
 *   `EncryptionContext`, which KMS binds to the ciphertext blob as AAD: the wrapped key never
 *   unwraps under another context. The keyring id in the header is `aws-kms:<key ARN>`, the ARN
 *   KMS answered with.
 * - Opening, strict (`keyId`): only wrapped keys whose ARN is this keyring's key (or, for an
 *   alias, whatever KMS resolves it to) are sent to `Decrypt`, with `KeyId` set so that KMS itself
 *   refuses a blob made under another key (IncorrectKeyException).
 * - Opening, discovery (`discovery: true`): every `aws-kms:` wrapped key of the client's Region is
 *   tried, with `KeyId` set to the ARN the header claims, optionally limited to some accounts of
 *   one partition (`discoveryFilter`), like the AWS Encryption SDK's discovery keyrings. Discovery
 *   lets whoever wrote a message make the reader call Decrypt in the writer's account: give a
 *   `discoveryFilter` whenever the accounts are known.
 * In both modes the response's `KeyId` must be the ARN the header names.
 *
 * Failures: `InvalidCiphertextException` (wrong context, tampered blob) and
 * `IncorrectKeyException` mean "not this keyring's key": `unwrapDataKey` returns `undefined`.
 * Everything else (AccessDenied, Disabled, throttling, a network error) is an operational failure
 * and is thrown unchanged; the core then tries the message's other wrapped keys and rethrows it only
 * if none opens.
 */

import { assertObject } from './bytes.ts';
import type { EncryptionContext } from './context.ts';
import type { GeneratedDataKey, Keyring, WrappedDataKey } from './keyring.ts';

/** Keyring ids of KMS-wrapped keys start with this; the rest is the key ARN. */
export const KMS_KEYRING_ID_PREFIX = 'aws-kms:';

/** KMS GenerateDataKey request members this keyring sends. */
export interface KmsGenerateDataKeyInput {
  KeyId: string;
  NumberOfBytes: number;
  EncryptionContext: Record<string, string>;
  GrantTokens?: string[];
}
/** KMS Encrypt request members this keyring sends. */
export interface KmsEncryptInput {
  KeyId: string;
  Plaintext: Uint8Array;
  EncryptionContext: Record<string, string>;
  GrantTokens?: string[];
}
/** KMS Decrypt request members this keyring sends. */
export interface KmsDecryptInput {
  CiphertextBlob: Uint8Array;
  KeyId: string;
  EncryptionContext: Record<string, string>;
  GrantTokens?: string[];
}
/** KMS response members this keyring reads (optional, as the AWS SDK types them). */
export interface KmsDataKeyOutput {
  KeyId?: string | undefined;
  Plaintext?: Uint8Array | undefined;
  CiphertextBlob?: Uint8Array | undefined;
}

/**
 * Any KMS client of this shape. `@strongbox/kms`'s `Kms` is one as it is. For `@aws-sdk/client-kms`:
 *
 * ```ts
 * import { KMSClient, GenerateDataKeyCommand, EncryptCommand, DecryptCommand } from '@aws-sdk/client-kms';
 * const sdk = new KMSClient({});
 * const client: KmsClientLike = {
 *   generateDataKey: (input) => sdk.send(new GenerateDataKeyCommand(input)),
 *   encrypt: (input) => sdk.send(new EncryptCommand(input)),
 *   decrypt: (input) => sdk.send(new DecryptCommand(input)),
 * };
 * ```
 */
export interface KmsClientLike {
  /** The client's Region, when it exposes one as a string (the in-process `Kms` does). */
  readonly region?: unknown;
  generateDataKey(input: KmsGenerateDataKeyInput): Promise<KmsDataKeyOutput>;
  encrypt(input: KmsEncryptInput): Promise<KmsDataKeyOutput>;
  decrypt(input: KmsDecryptInput): Promise<KmsDataKeyOutput>;
}

/** Which accounts a discovery keyring may send wrapped keys to KMS for. */
export interface KmsDiscoveryFilter {
  /** AWS partition of the key ARNs, e.g. `aws`. */
  readonly partition: string;
  /** 12-digit account ids. */
  readonly accountIds: readonly string[];
}

/** Options of a KMS keyring: either `keyId` (seals and opens) or `discovery: true` (opens only). */
export interface KmsKeyringOptions {
  readonly client: KmsClientLike;
  /** Key ARN, key id, alias name (`alias/x`) or alias ARN. */
  readonly keyId?: string;
  /** Open any `aws-kms:` wrapped key (KMS decides by its policies). Cannot seal. */
  readonly discovery?: boolean;
  /** With `discovery`: only keys of these accounts in this partition. */
  readonly discoveryFilter?: KmsDiscoveryFilter;
  /** Passed to every KMS call. */
  readonly grantTokens?: readonly string[];
  /**
   * The Region the client calls (default: `client.region` when it is a string). Discovery skips
   * wrapped keys of other Regions before calling KMS, which could not decrypt them anyway.
   */
  readonly region?: string;
}

const KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/[^/]+$/;
/** KMS's "this blob is not for this key or context" answers: not ours, not an outage. */
const NOT_THIS_KEY = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/**
 * A keyring on AWS KMS (see the module documentation).
 *
 * @example
 * ```ts
 * import { Kms } from '@strongbox/kms';
 * import { KmsKeyring, seal, open } from '@strongbox/envelope';
 * const kms = new Kms();
 * const { KeyMetadata } = await kms.createKey({});
 * const keyring = new KmsKeyring({ client: kms, keyId: KeyMetadata.Arn });
 * const sealed = await seal(data, { keyring, context: { bucket: 'b' } });
 * const back = await open(sealed, { keyring, context: { bucket: 'b' } });
 * ```
 */
export class KmsKeyring implements Keyring {
  readonly #client: KmsClientLike;
  readonly #keyId: string | undefined;
  readonly #filter: KmsDiscoveryFilter | undefined;
  readonly #grantTokens: string[] | undefined;
  readonly #region: string | undefined;

  /**
   * @throws TypeError unless exactly one of `keyId` and `discovery: true` is given, the client has
   *   the three methods, and the filter is well-formed.
   */
  constructor(options: KmsKeyringOptions) {
    assertObject(options, 'options');
    const { client, keyId, discovery, discoveryFilter, grantTokens, region } = options;
    if (
      typeof client !== 'object' ||
      client === null ||
      !['generateDataKey', 'encrypt', 'decrypt'].every((m) => typeof (client as unknown as Record<string, unknown>)[m] === 'function')
    ) {
      throw new TypeError('"client" expected an object with generateDataKey, encrypt and decrypt methods (see KmsClientLike)');
    }
    if ((keyId === undefined) === (discovery !== true)) throw new TypeError('expected exactly one of "keyId" and "discovery: true"');
    if (keyId !== undefined && (typeof keyId !== 'string' || keyId.length === 0 || keyId.length > 2048))
      throw new TypeError('"keyId" expected a key ARN, key id or alias');
    if (discoveryFilter !== undefined) {
      if (discovery !== true) throw new TypeError('"discoveryFilter" applies only with "discovery: true"');
      if (
        typeof discoveryFilter.partition !== 'string' ||
        !Array.isArray(discoveryFilter.accountIds) ||
        discoveryFilter.accountIds.length === 0 ||
        !discoveryFilter.accountIds.every((a) => typeof a === 'string' && /^\d{12}$/.test(a))
      ) {
        throw new TypeError('"discoveryFilter" expected { partition, accountIds: 12-digit account ids (at least one) }');
      }
    }
    if (grantTokens !== undefined && (!Array.isArray(grantTokens) || !grantTokens.every((t) => typeof t === 'string')))
      throw new TypeError('"grantTokens" expected an array of strings');
    this.#client = client;
    this.#keyId = keyId;
    this.#filter =
      discoveryFilter === undefined
        ? undefined
        : Object.freeze({ partition: discoveryFilter.partition, accountIds: Object.freeze([...discoveryFilter.accountIds]) });
    this.#grantTokens = grantTokens === undefined ? undefined : [...grantTokens];
    if (region !== undefined && typeof region !== 'string') throw new TypeError('"region" expected a Region name such as us-east-1');
    this.#region = region ?? (typeof client.region === 'string' ? client.region : undefined);
  }

  /** Calls KMS GenerateDataKey under this keyring's key, bound to `context`. */
  async generateDataKey(length: number, context: EncryptionContext): Promise<GeneratedDataKey> {
    const keyId = this.#sealingKey();
    const response = await this.#client.generateDataKey(
      this.#withTokens<KmsGenerateDataKeyInput>({ KeyId: keyId, NumberOfBytes: length, EncryptionContext: { ...context } }),
    );
    const arn = responseArn(response, 'GenerateDataKey');
    if (!(response.Plaintext instanceof Uint8Array)) throw new Error('KMS GenerateDataKey returned no Plaintext');
    return { dataKey: response.Plaintext, wrapped: { keyringId: KMS_KEYRING_ID_PREFIX + arn, ciphertext: blob(response, 'GenerateDataKey') } };
  }

  /** Calls KMS Encrypt on `dataKey` under this keyring's key, bound to `context`. */
  async wrapDataKey(dataKey: Uint8Array, context: EncryptionContext): Promise<WrappedDataKey> {
    const keyId = this.#sealingKey();
    const response = await this.#client.encrypt(this.#withTokens<KmsEncryptInput>({ KeyId: keyId, Plaintext: dataKey, EncryptionContext: { ...context } }));
    const arn = responseArn(response, 'Encrypt');
    return { keyringId: KMS_KEYRING_ID_PREFIX + arn, ciphertext: blob(response, 'Encrypt') };
  }

  /**
   * Calls KMS Decrypt for a wrapped key this keyring may open; `undefined` for any other, or when
   * KMS answers InvalidCiphertextException or IncorrectKeyException.
   * @throws whatever else the client throws (operational failures), unchanged.
   */
  async unwrapDataKey(wrapped: WrappedDataKey, context: EncryptionContext): Promise<Uint8Array | undefined> {
    if (!wrapped.keyringId.startsWith(KMS_KEYRING_ID_PREFIX)) return undefined;
    const arn = wrapped.keyringId.slice(KMS_KEYRING_ID_PREFIX.length);
    const parts = KEY_ARN.exec(arn);
    if (parts === null) return undefined;
    let keyId: string;
    if (this.#keyId === undefined) {
      if (this.#region !== undefined && parts[2] !== this.#region) return undefined;
      if (this.#filter !== undefined && (parts[1] !== this.#filter.partition || !this.#filter.accountIds.includes(parts[3] ?? ''))) return undefined;
      keyId = arn;
    } else {
      if (!mayName(this.#keyId, arn)) return undefined;
      keyId = this.#keyId;
    }
    let response: KmsDataKeyOutput;
    try {
      response = await this.#client.decrypt(
        this.#withTokens<KmsDecryptInput>({ CiphertextBlob: wrapped.ciphertext, KeyId: keyId, EncryptionContext: { ...context } }),
      );
    } catch (error) {
      if (NOT_THIS_KEY.has(errorName(error))) return undefined;
      throw error;
    }
    // KMS says which key decrypted: it must be the one the header names (a header naming key A
    // over a blob of key B is refused even when the caller may use both).
    if (!(response.Plaintext instanceof Uint8Array)) throw new Error('KMS Decrypt returned no Plaintext');
    if (responseArn(response, 'Decrypt') !== arn) {
      response.Plaintext.fill(0);
      return undefined;
    }
    return response.Plaintext;
  }

  #sealingKey(): string {
    if (this.#keyId === undefined) throw new TypeError('a discovery KmsKeyring cannot seal: give it a keyId');
    return this.#keyId;
  }

  /** `input` with this keyring's grant tokens (a copy per call), if it has any: no object spread per call. */
  #withTokens<T extends { GrantTokens?: string[] }>(input: T): T {
    if (this.#grantTokens !== undefined) input.GrantTokens = [...this.#grantTokens];
    return input;
  }
}

/**
 * One strict KMS keyring per key: pass the array to `seal` (the first key generates the data key,
 * the others encrypt it, so any one of them can open the message) or to `open` (each is tried).
 *
 * @throws TypeError as the `KmsKeyring` constructor, or for an empty `keyIds`.
 * @example
 * ```ts
 * import { kmsKeyrings, seal } from '@strongbox/envelope';
 * const keyring = kmsKeyrings({ client: kms, keyIds: [usEastKeyArn, euWestKeyArn] });
 * const sealed = await seal(data, { keyring });
 * ```
 */
export function kmsKeyrings(
  options: Omit<KmsKeyringOptions, 'keyId' | 'discovery' | 'discoveryFilter'> & { readonly keyIds: readonly string[] },
): KmsKeyring[] {
  assertObject(options, 'options');
  if (!Array.isArray(options.keyIds) || options.keyIds.length === 0) throw new TypeError('"keyIds" expected a non-empty array of key ids');
  return options.keyIds.map(
    (keyId: string) => new KmsKeyring({ client: options.client, keyId, ...(options.grantTokens === undefined ? {} : { grantTokens: options.grantTokens }) }),
  );
}

/**
 * Whether a configured key id may denote `arn` without asking KMS: the ARN itself, its bare key
 * id, or an alias (which only KMS can resolve: Decrypt with the alias as KeyId checks it).
 */
function mayName(configured: string, arn: string): boolean {
  if (configured === arn) return true;
  if (configured.startsWith('alias/') || /^arn:[^:]+:kms:[^:]*:\d{12}:alias\//.test(configured)) return true;
  return !configured.startsWith('arn:') && arn.endsWith(`:key/${configured}`);
}

function responseArn(response: KmsDataKeyOutput, operation: string): string {
  const arn = typeof response === 'object' && response !== null ? response.KeyId : undefined;
  if (typeof arn !== 'string' || !KEY_ARN.test(arn)) throw new Error(`KMS ${operation} returned no key ARN in KeyId`);
  return arn;
}

function blob(response: KmsDataKeyOutput, operation: string): Uint8Array {
  if (!(response.CiphertextBlob instanceof Uint8Array)) throw new Error(`KMS ${operation} returned no CiphertextBlob`);
  return response.CiphertextBlob;
}

function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { name, code } = error as { name?: unknown; code?: unknown };
  return typeof code === 'string' ? code : typeof name === 'string' ? name : '';
}
