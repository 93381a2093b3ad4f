/**
 * @module
 * `Kms`: the in-process emulator. Every AWS KMS operation is a method taking AWS's request shape
 * (PascalCase members, `Uint8Array` blobs, `Date` timestamps) and resolving to AWS's response
 * shape, or rejecting with `KmsError` carrying AWS's code and message. The HTTP handler in
 * `@strongbox/kms/http` serves the same object over the AWS JSON 1.1 protocol.
 *
 * @example
 * ```ts
 * import { Kms } from '@strongbox/kms';
 * const kms = new Kms();
 * const { KeyMetadata } = await kms.createKey({ Description: 'test key' });
 * const { CiphertextBlob, Plaintext } = await kms.generateDataKey({ KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256' });
 * const { Plaintext: again } = await kms.decrypt({ CiphertextBlob });
 * ```
 */

import { defaultBackend, type Backend } from '@strongbox/envelope';
import { Dispatcher } from './dispatch.ts';
import { AuditTrail, type AuditOptions } from './model/audit.ts';
import { systemClock, type Clock, type Random } from './model/environment.ts';
import { principalFromArn, rootPrincipal, type Principal } from './model/principal.ts';
import { RequestQuotas, type QuotaOptions, type QuotaSetting, type QuotaUsage } from './model/quotas.ts';
import { KmsState } from './model/state.ts';
import { isOperationName, type OperationName, type QuotaClass } from './operations/catalog.ts';
import type { OPERATIONS } from './operations/index.ts';
import { MemoryStore, type ChangeStore } from './persistence/store.ts';

/** The request type of an operation. */
export type RequestOf<Name extends OperationName> = (typeof OPERATIONS)[Name] extends { handler(input: infer Input, ...rest: never[]): unknown } ? Input : never;
/** The response type of an operation. */
export type ResponseOf<Name extends OperationName> = Awaited<ReturnType<(typeof OPERATIONS)[Name]['handler']>>;

/** Emulator settings. */
export interface KmsOptions {
  /** Default account (12 digits): the account of callers that name none. Default `000000000000`. */
  readonly account?: string;
  /** Default Region. Default `us-east-1`. */
  readonly region?: string;
  /** Time source (a `ManualClock` in tests). Default: the system clock. */
  readonly clock?: Clock;
  /** Randomness for keys, ids and nonces. Default: the backend's CSPRNG. */
  readonly random?: Random;
  /** AES-GCM backend for ciphertext blobs. Default: node:crypto under Node.js. */
  readonly backend?: Backend;
  /**
   * Request quotas: default, AWS's shared cryptographic quotas only; `'aws'` (or
   * `{ profile: 'aws' }`) adds every operation's own quota (CreateKey 5/s, ...); `false` turns
   * throttling off. Changeable later with `kms.quotas.configure`.
   */
  readonly quotas?: QuotaSetting;
  /** Audit trail settings. */
  readonly audit?: AuditOptions;
  /** Where state changes go (persistence); default in memory. */
  readonly store?: ChangeStore;
  /** How long an on-demand rotation takes to complete, ms. Default 0. */
  readonly onDemandRotationDelayMs?: number;
}

/**
 * A running emulator's request quotas (`kms.quotas`), for tests of throttling.
 * @example
 * ```ts
 * kms.quotas.configure({ profile: 'aws', overrides: { CreateKey: 1 } });
 * kms.quotas.usage(); // [{ account, region, quota: 'CreateKey', limit: 1, lastSecond, admitted, throttled }, ...]
 * ```
 */
export interface KmsQuotas {
  /**
   * Replaces the quota setting (as the `quotas` option takes it); every counter starts afresh.
   * @throws RangeError for a bad setting, which changes nothing.
   */
  configure(setting: QuotaSetting): void;
  /** The setting in force. */
  readonly options: QuotaOptions;
  /** The quota in force for `quota` (`cryptographic` or an operation), requests per second; `Infinity` if none. */
  limitOf(quota: QuotaClass, region?: string): number;
  /** Counters of every quota that has seen a request since the last `configure`. */
  usage(): QuotaUsage[];
}

/** Per-call settings of the in-process API. */
export interface CallOptions {
  /** Who calls: a principal or an IAM/STS ARN. Default: the default account's root. */
  readonly caller?: Principal | string;
  /** The Region the call is made in. Default: the emulator's Region. */
  readonly region?: string;
  /** Request id for the audit trail (default: a random UUID). */
  readonly requestId?: string;
  readonly sourceIpAddress?: string;
  readonly userAgent?: string;
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The KMS emulator (see the module documentation). */
export class Kms {
  /** Every recorded call. */
  readonly auditTrail: AuditTrail;
  /** Request quotas, changeable while the emulator runs, and their counters. */
  readonly quotas: KmsQuotas;
  /** Default account. */
  readonly account: string;
  /** Default Region. */
  readonly region: string;
  readonly #store: ChangeStore;
  readonly #dispatcher: Dispatcher;
  readonly #random: Random;
  readonly #roots = new Map<string, Principal>();

  /**
   * @throws TypeError / RangeError for malformed options (account not 12 digits, bad Region).
   */
  constructor(options: KmsOptions = {}) {
    const account = options.account ?? '000000000000';
    const region = options.region ?? 'us-east-1';
    if (!ACCOUNT.test(account)) throw new RangeError(`"account" expected 12 digits, got ${JSON.stringify(account)}`);
    if (!REGION.test(region)) throw new RangeError(`"region" expected a Region name such as us-east-1, got ${JSON.stringify(region)}`);
    this.account = account;
    this.region = region;
    const backend = options.backend ?? defaultBackend;
    // The node backend pools its CSPRNG output, so small draws (nonces, data keys) stay cheap.
    this.#random = options.random ?? { bytes: (length) => backend.randomBytes(length) };
    this.#store = options.store ?? new MemoryStore(new KmsState());
    this.auditTrail = new AuditTrail(options.audit, this.#random);
    const clock = options.clock ?? systemClock;
    const quotas = new RequestQuotas(options.quotas);
    this.quotas = Object.freeze({
      configure: (setting: QuotaSetting) => quotas.configure(setting),
      get options() {
        return quotas.options;
      },
      limitOf: (quota: QuotaClass, region?: string) => quotas.limitOf(quota, region ?? this.region),
      usage: () => quotas.usage(clock.now()),
    });
    this.#dispatcher = new Dispatcher({
      store: this.#store,
      clock,
      random: this.#random,
      backend,
      quotas,
      audit: this.auditTrail,
      settings: { account, region, onDemandRotationDelayMs: options.onDemandRotationDelayMs ?? 0 },
    });
  }

  /**
   * Calls an operation by its wire name.
   * @throws KmsError with AWS's code and message.
   * @throws TypeError for an unknown operation name or a malformed caller.
   */
  async send<Name extends OperationName>(operation: Name, input: RequestOf<Name>, options: CallOptions = {}): Promise<ResponseOf<Name>> {
    if (!isOperationName(operation)) throw new TypeError(`unknown KMS operation ${JSON.stringify(operation)}`);
    const region = options.region ?? this.region;
    const caller = this.#caller(options.caller, region);
    return (await this.#dispatcher.call(operation, input, {
      caller,
      region,
      ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
      ...(options.sourceIpAddress === undefined ? {} : { sourceIpAddress: options.sourceIpAddress }),
      ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
    })) as ResponseOf<Name>;
  }

  /** Flushes persistence and releases resources. */
  async close(): Promise<void> {
    await this.#store.close();
  }

  #caller(caller: Principal | string | undefined, region: string): Principal {
    if (caller === undefined) {
      // The default caller of every in-process call: one frozen principal per Region, not one per call.
      let root = this.#roots.get(region);
      if (root === undefined) this.#roots.set(region, (root = Object.freeze(rootPrincipal(region, this.account))));
      return root;
    }
    if (typeof caller === 'string') return principalFromArn(caller);
    return caller;
  }

  /** CancelKeyDeletion (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  cancelKeyDeletion(input: RequestOf<'CancelKeyDeletion'>, options?: CallOptions): Promise<ResponseOf<'CancelKeyDeletion'>> {
    return this.send('CancelKeyDeletion', input, options);
  }

  /** CreateAlias (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  createAlias(input: RequestOf<'CreateAlias'>, options?: CallOptions): Promise<ResponseOf<'CreateAlias'>> {
    return this.send('CreateAlias', input, options);
  }

  /** CreateGrant (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  createGrant(input: RequestOf<'CreateGrant'>, options?: CallOptions): Promise<ResponseOf<'CreateGrant'>> {
    return this.send('CreateGrant', input, options);
  }

  /** CreateKey (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  createKey(input: RequestOf<'CreateKey'>, options?: CallOptions): Promise<ResponseOf<'CreateKey'>> {
    return this.send('CreateKey', input, options);
  }

  /** Decrypt (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  decrypt(input: RequestOf<'Decrypt'>, options?: CallOptions): Promise<ResponseOf<'Decrypt'>> {
    return this.send('Decrypt', input, options);
  }

  /** DeleteAlias (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  deleteAlias(input: RequestOf<'DeleteAlias'>, options?: CallOptions): Promise<ResponseOf<'DeleteAlias'>> {
    return this.send('DeleteAlias', input, options);
  }

  /** DeleteImportedKeyMaterial (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  deleteImportedKeyMaterial(input: RequestOf<'DeleteImportedKeyMaterial'>, options?: CallOptions): Promise<ResponseOf<'DeleteImportedKeyMaterial'>> {
    return this.send('DeleteImportedKeyMaterial', input, options);
  }

  /** DescribeKey (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  describeKey(input: RequestOf<'DescribeKey'>, options?: CallOptions): Promise<ResponseOf<'DescribeKey'>> {
    return this.send('DescribeKey', input, options);
  }

  /** DisableKey (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  disableKey(input: RequestOf<'DisableKey'>, options?: CallOptions): Promise<ResponseOf<'DisableKey'>> {
    return this.send('DisableKey', input, options);
  }

  /** DisableKeyRotation (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  disableKeyRotation(input: RequestOf<'DisableKeyRotation'>, options?: CallOptions): Promise<ResponseOf<'DisableKeyRotation'>> {
    return this.send('DisableKeyRotation', input, options);
  }

  /** EnableKey (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  enableKey(input: RequestOf<'EnableKey'>, options?: CallOptions): Promise<ResponseOf<'EnableKey'>> {
    return this.send('EnableKey', input, options);
  }

  /** EnableKeyRotation (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  enableKeyRotation(input: RequestOf<'EnableKeyRotation'>, options?: CallOptions): Promise<ResponseOf<'EnableKeyRotation'>> {
    return this.send('EnableKeyRotation', input, options);
  }

  /** Encrypt (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  encrypt(input: RequestOf<'Encrypt'>, options?: CallOptions): Promise<ResponseOf<'Encrypt'>> {
    return this.send('Encrypt', input, options);
  }

  /** GenerateDataKey (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  generateDataKey(input: RequestOf<'GenerateDataKey'>, options?: CallOptions): Promise<ResponseOf<'GenerateDataKey'>> {
    return this.send('GenerateDataKey', input, options);
  }

  /** GenerateDataKeyWithoutPlaintext (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  generateDataKeyWithoutPlaintext(input: RequestOf<'GenerateDataKeyWithoutPlaintext'>, options?: CallOptions): Promise<ResponseOf<'GenerateDataKeyWithoutPlaintext'>> {
    return this.send('GenerateDataKeyWithoutPlaintext', input, options);
  }

  /** GenerateRandom (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  generateRandom(input: RequestOf<'GenerateRandom'>, options?: CallOptions): Promise<ResponseOf<'GenerateRandom'>> {
    return this.send('GenerateRandom', input, options);
  }

  /** GetKeyPolicy (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  getKeyPolicy(input: RequestOf<'GetKeyPolicy'>, options?: CallOptions): Promise<ResponseOf<'GetKeyPolicy'>> {
    return this.send('GetKeyPolicy', input, options);
  }

  /** GetKeyRotationStatus (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  getKeyRotationStatus(input: RequestOf<'GetKeyRotationStatus'>, options?: CallOptions): Promise<ResponseOf<'GetKeyRotationStatus'>> {
    return this.send('GetKeyRotationStatus', input, options);
  }

  /** GetParametersForImport (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  getParametersForImport(input: RequestOf<'GetParametersForImport'>, options?: CallOptions): Promise<ResponseOf<'GetParametersForImport'>> {
    return this.send('GetParametersForImport', input, options);
  }

  /** ImportKeyMaterial (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  importKeyMaterial(input: RequestOf<'ImportKeyMaterial'>, options?: CallOptions): Promise<ResponseOf<'ImportKeyMaterial'>> {
    return this.send('ImportKeyMaterial', input, options);
  }

  /** ListAliases (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  listAliases(input: RequestOf<'ListAliases'>, options?: CallOptions): Promise<ResponseOf<'ListAliases'>> {
    return this.send('ListAliases', input, options);
  }

  /** ListGrants (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  listGrants(input: RequestOf<'ListGrants'>, options?: CallOptions): Promise<ResponseOf<'ListGrants'>> {
    return this.send('ListGrants', input, options);
  }

  /** ListKeyPolicies (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  listKeyPolicies(input: RequestOf<'ListKeyPolicies'>, options?: CallOptions): Promise<ResponseOf<'ListKeyPolicies'>> {
    return this.send('ListKeyPolicies', input, options);
  }

  /** ListKeyRotations (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  listKeyRotations(input: RequestOf<'ListKeyRotations'>, options?: CallOptions): Promise<ResponseOf<'ListKeyRotations'>> {
    return this.send('ListKeyRotations', input, options);
  }

  /** ListKeys (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  listKeys(input: RequestOf<'ListKeys'>, options?: CallOptions): Promise<ResponseOf<'ListKeys'>> {
    return this.send('ListKeys', input, options);
  }

  /** ListResourceTags (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  listResourceTags(input: RequestOf<'ListResourceTags'>, options?: CallOptions): Promise<ResponseOf<'ListResourceTags'>> {
    return this.send('ListResourceTags', input, options);
  }

  /** ListRetirableGrants (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  listRetirableGrants(input: RequestOf<'ListRetirableGrants'>, options?: CallOptions): Promise<ResponseOf<'ListRetirableGrants'>> {
    return this.send('ListRetirableGrants', input, options);
  }

  /** PutKeyPolicy (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  putKeyPolicy(input: RequestOf<'PutKeyPolicy'>, options?: CallOptions): Promise<ResponseOf<'PutKeyPolicy'>> {
    return this.send('PutKeyPolicy', input, options);
  }

  /** ReEncrypt (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  reEncrypt(input: RequestOf<'ReEncrypt'>, options?: CallOptions): Promise<ResponseOf<'ReEncrypt'>> {
    return this.send('ReEncrypt', input, options);
  }

  /** RetireGrant (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  retireGrant(input: RequestOf<'RetireGrant'>, options?: CallOptions): Promise<ResponseOf<'RetireGrant'>> {
    return this.send('RetireGrant', input, options);
  }

  /** RevokeGrant (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  revokeGrant(input: RequestOf<'RevokeGrant'>, options?: CallOptions): Promise<ResponseOf<'RevokeGrant'>> {
    return this.send('RevokeGrant', input, options);
  }

  /** RotateKeyOnDemand (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  rotateKeyOnDemand(input: RequestOf<'RotateKeyOnDemand'>, options?: CallOptions): Promise<ResponseOf<'RotateKeyOnDemand'>> {
    return this.send('RotateKeyOnDemand', input, options);
  }

  /** ScheduleKeyDeletion (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  scheduleKeyDeletion(input: RequestOf<'ScheduleKeyDeletion'>, options?: CallOptions): Promise<ResponseOf<'ScheduleKeyDeletion'>> {
    return this.send('ScheduleKeyDeletion', input, options);
  }

  /** TagResource (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  tagResource(input: RequestOf<'TagResource'>, options?: CallOptions): Promise<ResponseOf<'TagResource'>> {
    return this.send('TagResource', input, options);
  }

  /** UntagResource (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  untagResource(input: RequestOf<'UntagResource'>, options?: CallOptions): Promise<ResponseOf<'UntagResource'>> {
    return this.send('UntagResource', input, options);
  }

  /** UpdateAlias (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  updateAlias(input: RequestOf<'UpdateAlias'>, options?: CallOptions): Promise<ResponseOf<'UpdateAlias'>> {
    return this.send('UpdateAlias', input, options);
  }

  /** UpdateKeyDescription (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  updateKeyDescription(input: RequestOf<'UpdateKeyDescription'>, options?: CallOptions): Promise<ResponseOf<'UpdateKeyDescription'>> {
    return this.send('UpdateKeyDescription', input, options);
  }

  /** Sign (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  sign(input: RequestOf<'Sign'>, options?: CallOptions): Promise<ResponseOf<'Sign'>> {
    return this.send('Sign', input, options);
  }

  /** Verify (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  verify(input: RequestOf<'Verify'>, options?: CallOptions): Promise<ResponseOf<'Verify'>> {
    return this.send('Verify', input, options);
  }

  /** GetPublicKey (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  getPublicKey(input: RequestOf<'GetPublicKey'>, options?: CallOptions): Promise<ResponseOf<'GetPublicKey'>> {
    return this.send('GetPublicKey', input, options);
  }

  /** GenerateMac (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  generateMac(input: RequestOf<'GenerateMac'>, options?: CallOptions): Promise<ResponseOf<'GenerateMac'>> {
    return this.send('GenerateMac', input, options);
  }

  /** VerifyMac (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  verifyMac(input: RequestOf<'VerifyMac'>, options?: CallOptions): Promise<ResponseOf<'VerifyMac'>> {
    return this.send('VerifyMac', input, options);
  }

  /** DeriveSharedSecret (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  deriveSharedSecret(input: RequestOf<'DeriveSharedSecret'>, options?: CallOptions): Promise<ResponseOf<'DeriveSharedSecret'>> {
    return this.send('DeriveSharedSecret', input, options);
  }

  /** Encapsulate (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  encapsulate(input: RequestOf<'Encapsulate'>, options?: CallOptions): Promise<ResponseOf<'Encapsulate'>> {
    return this.send('Encapsulate', input, options);
  }

  /** Decapsulate (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  decapsulate(input: RequestOf<'Decapsulate'>, options?: CallOptions): Promise<ResponseOf<'Decapsulate'>> {
    return this.send('Decapsulate', input, options);
  }

  /** GenerateDataKeyPair (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  generateDataKeyPair(input: RequestOf<'GenerateDataKeyPair'>, options?: CallOptions): Promise<ResponseOf<'GenerateDataKeyPair'>> {
    return this.send('GenerateDataKeyPair', input, options);
  }

  /** GenerateDataKeyPairWithoutPlaintext (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  generateDataKeyPairWithoutPlaintext(input: RequestOf<'GenerateDataKeyPairWithoutPlaintext'>, options?: CallOptions): Promise<ResponseOf<'GenerateDataKeyPairWithoutPlaintext'>> {
    return this.send('GenerateDataKeyPairWithoutPlaintext', input, options);
  }

  /** GetKeyLastUsage (see the AWS KMS API reference). @throws KmsError with AWS's code and message. */
  getKeyLastUsage(input: RequestOf<'GetKeyLastUsage'>, options?: CallOptions): Promise<ResponseOf<'GetKeyLastUsage'>> {
    return this.send('GetKeyLastUsage', input, options);
  }
}
