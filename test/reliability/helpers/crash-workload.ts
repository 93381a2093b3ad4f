/**
 * @module
 * The write-heavy mixed workload the endpoint crash test runs against `strongbox serve --data`
 * until the server is killed: objects under every SSE mode (SSE-S3, SSE-KMS with and without a
 * bucket key, DSSE-KMS, SSE-C, the bucket default), deletes, multipart uploads (parts, completions,
 * uploads left open), bucket default encryption and bucket policies, KMS keys, aliases, grants,
 * encryptions, rotations and scheduled deletions. Each lane runs one request at a time and records
 * it in the model (`CrashState`) before sending it and as acknowledged once answered; any failure
 * before the kill is a bug the test reports.
 */

import { createHash, randomBytes } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  type KMSClient,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
  type ServerSideEncryption,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Cell, type ObjectVersion } from './crash-model.ts';

export const BUCKET_A = 'crash-a';
/** The bucket whose default encryption the workload keeps changing. */
export const BUCKET_B = 'crash-b';
export const GRANTEE_ARN = 'arn:aws:iam::000000000000:user/grantee';
const MiB = 1024 * 1024;

/** An object key's cell and how it is written. */
export interface ObjectSlot {
  readonly bucket: string;
  readonly key: string;
  /** The SSE-C key (base64) this object key always uses, if any. */
  readonly sseCustomerKey?: string;
  readonly cell: Cell<ObjectVersion | null>;
  /** Every version ever sent (a listed object must be one of them). */
  readonly sent: Set<string>;
}

/** A multipart upload the workload created. */
export interface UploadRecord {
  readonly slot: ObjectSlot;
  readonly uploadId: string;
  readonly sse: string;
  /** part number → ETag, acknowledged. */
  readonly parts: Map<number, string>;
  /** The upload's life: open, or completed/aborted (acknowledged), or a completion/abort in flight. */
  state: 'open' | 'completing' | 'completed' | 'aborting' | 'aborted';
  readonly version: ObjectVersion;
}

/** A KMS key the workload created (acknowledged). */
export interface KeyRecord {
  readonly keyId: string;
  /** Whether the lifecycle lane owns it (and may schedule its deletion at any moment). */
  readonly lifecycle: boolean;
  rotationEnabled: Cell<boolean>;
  /** Acknowledged on-demand rotations. */
  rotations: number;
  deletion: Cell<boolean>;
  /** Created or written (or being written) since it was last checked. */
  touched: boolean;
}

/** Everything acknowledged so far, and what was in flight. */
export class CrashState {
  objectsKeyId = '';
  readonly slots: ObjectSlot[] = [];
  readonly uploads: UploadRecord[] = [];
  readonly keys = new Map<string, KeyRecord>();
  readonly aliases = new Map<string, Cell<string>>();
  /** Grants and ciphertexts, acknowledged; `checked` once a check after a restart has seen them. */
  readonly grants: { keyId: string; grantId: string; checked?: boolean }[] = [];
  readonly ciphertexts: { keyId: string; plaintext: string; ciphertext: Uint8Array; checked?: boolean }[] = [];
  readonly bucketEncryption = new Cell<string>();
  readonly bucketPolicies = new Map<string, Cell<string>>([
    [BUCKET_A, new Cell<string>()],
    [BUCKET_B, new Cell<string>()],
  ]);
  /** Acknowledged writes, by kind. */
  readonly acknowledged = new Map<string, number>();
  private counter = 0;

  constructor() {
    const add = (bucket: string, prefix: string, count: number, ssec = false): void => {
      for (let i = 0; i < count; i++) {
        this.slots.push({
          bucket,
          key: `${prefix}-${i}`,
          ...(ssec ? { sseCustomerKey: randomBytes(32).toString('base64') } : {}),
          cell: new Cell<ObjectVersion | null>(),
          sent: new Set(),
        });
      }
    };
    add(BUCKET_A, 'sse-s3', 6);
    add(BUCKET_A, 'sse-kms', 6);
    add(BUCKET_A, 'sse-c', 6, true);
    add(BUCKET_B, 'default', 6);
    add(BUCKET_A, 'multipart', 3);
  }

  /** A fresh number for names. */
  next(): number {
    return ++this.counter;
  }

  ack(kind: string): void {
    this.acknowledged.set(kind, (this.acknowledged.get(kind) ?? 0) + 1);
  }

  /** The total of acknowledged writes. */
  totalAcknowledged(): number {
    return [...this.acknowledged.values()].reduce((a, b) => a + b, 0);
  }

  slotsWith(prefix: string): ObjectSlot[] {
    return this.slots.filter((slot) => slot.key.startsWith(`${prefix}-`));
  }
}

/** The clients a lane uses, and when to stop. */
export interface LaneContext {
  readonly s3: S3Client;
  readonly kms: KMSClient;
  readonly state: CrashState;
  /** True once the server is being killed: start nothing new. */
  readonly stopped: () => boolean;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A random body, mostly small, sometimes a few hundred KiB. */
function body(): Uint8Array {
  const size = Math.random() < 0.15 ? 100_000 + Math.floor(Math.random() * 300_000) : Math.floor(Math.random() * 20_000);
  return new Uint8Array(randomBytes(size));
}

/** Puts a new version into `slot` (or deletes it, sometimes), with the slot's SSE mode. */
async function putObject(context: LaneContext, slot: ObjectSlot, headers: { sse: string; fields: Record<string, unknown> }): Promise<void> {
  if (Math.random() < 0.1) {
    await slot.cell.write(null, () => context.s3.send(new DeleteObjectCommand({ Bucket: slot.bucket, Key: slot.key })));
    context.state.ack('DeleteObject');
    return;
  }
  const bytes = body();
  const version: ObjectVersion = { sha256: sha256(bytes), sse: headers.sse };
  slot.sent.add(version.sha256);
  await slot.cell.write(version, () => context.s3.send(new PutObjectCommand({ Bucket: slot.bucket, Key: slot.key, Body: bytes, ...headers.fields })));
  context.state.ack(`PutObject ${headers.sse}`);
}

/** The object lanes: every SSE mode, each on its own keys. */
export async function objectLane(context: LaneContext, prefix: 'sse-s3' | 'sse-kms' | 'sse-c' | 'default'): Promise<void> {
  const slots = context.state.slotsWith(prefix);
  while (!context.stopped()) {
    const slot = pick(slots);
    if (prefix === 'sse-s3') await putObject(context, slot, { sse: 'AES256', fields: { ServerSideEncryption: 'AES256' } });
    else if (prefix === 'default') await putObject(context, slot, { sse: 'default', fields: {} });
    else if (prefix === 'sse-c')
      await putObject(context, slot, { sse: 'SSE-C', fields: { SSECustomerAlgorithm: 'AES256', SSECustomerKey: slot.sseCustomerKey } });
    else {
      const dsse = Math.random() < 0.3;
      const sse = dsse ? 'aws:kms:dsse' : 'aws:kms';
      const fields = {
        ServerSideEncryption: sse as ServerSideEncryption,
        SSEKMSKeyId: context.state.objectsKeyId,
        ...(dsse ? {} : { BucketKeyEnabled: Math.random() < 0.5 }),
      };
      await putObject(context, slot, { sse, fields });
    }
  }
}

/** Multipart: create, parts (one small, or 5 MiB + a tail), then complete, abort, or leave open. */
export async function multipartLane(context: LaneContext): Promise<void> {
  const { s3, state } = context;
  while (!context.stopped()) {
    const slot = pick(state.slotsWith('multipart'));
    const kms = Math.random() < 0.5;
    const sseFields = kms
      ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: state.objectsKeyId, BucketKeyEnabled: Math.random() < 0.5 }
      : { ServerSideEncryption: 'AES256' as const };
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: slot.bucket, Key: slot.key, ...sseFields }));
    state.ack('CreateMultipartUpload');
    const sizes = Math.random() < 0.25 ? [5 * MiB, 1 + Math.floor(Math.random() * 50_000)] : [1 + Math.floor(Math.random() * 200_000)];
    const parts = sizes.map((size) => new Uint8Array(randomBytes(size)));
    const whole = Buffer.concat(parts);
    const upload: UploadRecord = {
      slot,
      uploadId: created.UploadId!,
      sse: sseFields.ServerSideEncryption,
      parts: new Map(),
      state: 'open',
      version: { sha256: sha256(whole), sse: sseFields.ServerSideEncryption },
    };
    state.uploads.push(upload);
    for (const [index, part] of parts.entries()) {
      if (context.stopped()) return;
      const answer = await s3.send(new UploadPartCommand({ Bucket: slot.bucket, Key: slot.key, UploadId: upload.uploadId, PartNumber: index + 1, Body: part }));
      upload.parts.set(index + 1, answer.ETag!);
      state.ack('UploadPart');
    }
    if (context.stopped()) return;
    const ending = Math.random();
    if (ending < 0.15) continue; // left open: its parts must survive
    if (ending < 0.25) {
      upload.state = 'aborting';
      await s3.send(new AbortMultipartUploadCommand({ Bucket: slot.bucket, Key: slot.key, UploadId: upload.uploadId }));
      upload.state = 'aborted';
      state.ack('AbortMultipartUpload');
      continue;
    }
    upload.state = 'completing';
    slot.sent.add(upload.version.sha256);
    await slot.cell.write(upload.version, () =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: slot.bucket,
          Key: slot.key,
          UploadId: upload.uploadId,
          MultipartUpload: { Parts: [...upload.parts].map(([PartNumber, ETag]) => ({ PartNumber, ETag })) },
        }),
      ),
    );
    upload.state = 'completed';
    state.ack('CompleteMultipartUpload');
  }
}

/** The bucket default encryption (SSE-S3, or SSE-KMS with or without a bucket key) and bucket policies. */
export function encryptionDescription(sse: string, keyId: string | undefined, bucketKey: boolean | undefined): string {
  return sse === 'AES256' ? 'AES256' : `${sse} ${keyId} bucketKey=${bucketKey === true}`;
}

export function policyDocument(bucket: string, sid: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: sid, Effect: 'Deny', Principal: { AWS: GRANTEE_ARN }, Action: 's3:DeleteBucket', Resource: `arn:aws:s3:::${bucket}` }],
  });
}

export async function bucketConfigurationLane(context: LaneContext): Promise<void> {
  const { s3, state } = context;
  while (!context.stopped()) {
    if (Math.random() < 0.5) {
      const kms = Math.random() < 0.5;
      const bucketKey = kms ? Math.random() < 0.5 : undefined;
      const description = encryptionDescription(kms ? 'aws:kms' : 'AES256', kms ? state.objectsKeyId : undefined, bucketKey);
      await state.bucketEncryption.write(description, () =>
        s3.send(
          new PutBucketEncryptionCommand({
            Bucket: BUCKET_B,
            ServerSideEncryptionConfiguration: {
              Rules: [
                {
                  ApplyServerSideEncryptionByDefault: kms ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: state.objectsKeyId } : { SSEAlgorithm: 'AES256' },
                  ...(bucketKey === undefined ? {} : { BucketKeyEnabled: bucketKey }),
                },
              ],
            },
          }),
        ),
      );
      state.ack('PutBucketEncryption');
    } else {
      const bucket = pick([BUCKET_A, BUCKET_B]);
      const sid = `v${state.next()}`;
      await state.bucketPolicies.get(bucket)!.write(sid, () => s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policyDocument(bucket, sid) })));
      state.ack('PutBucketPolicy');
    }
  }
}

/**
 * Aliases whose creation was acknowledged and that no write of this lane is moving now: the only
 * ones UpdateAlias may move (their expected target is known). May be empty while every alias has a
 * write in flight, so callers check before they pick.
 */
function idleAliases(state: CrashState): [string, Cell<string>][] {
  return [...state.aliases].filter(([, alias]) => alias.acked !== undefined && alias.pending.length === 0);
}

/** KMS keys, aliases (created and moved), grants to the grantee, and ciphertexts to decrypt later. */
export async function keysLane(context: LaneContext): Promise<void> {
  const { kms, state } = context;
  // Only this lane's keys: the lifecycle lane may schedule the deletion of its own at any moment.
  const keyIds = (): string[] => [...state.keys.values()].filter((key) => !key.lifecycle).map((key) => key.keyId);
  while (!context.stopped()) {
    const choice = Math.random();
    const usable = keyIds();
    if (choice < 0.25 || usable.length === 0) {
      const created = await kms.send(new CreateKeyCommand({ Description: `crash ${state.next()}` }));
      const keyId = created.KeyMetadata!.KeyId!;
      state.keys.set(keyId, { keyId, lifecycle: false, rotationEnabled: new Cell(false), rotations: 0, deletion: new Cell(false), touched: true });
      state.ack('CreateKey');
    } else if (choice < 0.4) {
      const name = `alias/crash-${state.next()}`;
      const cell = new Cell<string>();
      state.aliases.set(name, cell);
      const target = pick(usable);
      await cell.write(target, () => kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: target })));
      state.ack('CreateAlias');
    } else if (choice < 0.5 && idleAliases(state).length > 0) {
      const [name, cell] = pick(idleAliases(state));
      const target = pick(usable);
      await cell.write(target, () => kms.send(new UpdateAliasCommand({ AliasName: name, TargetKeyId: target })));
      state.ack('UpdateAlias');
    } else if (choice < 0.7) {
      const keyId = pick(usable);
      const granted = await kms.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: GRANTEE_ARN, Operations: ['Encrypt', 'Decrypt'] }));
      state.grants.push({ keyId, grantId: granted.GrantId! });
      state.ack('CreateGrant');
    } else {
      const keyId = pick(usable);
      const plaintext = randomBytes(24).toString('hex');
      const answer = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(plaintext) }));
      state.ciphertexts.push({ keyId, plaintext, ciphertext: answer.CiphertextBlob! });
      state.ack('Encrypt');
    }
  }
}

/** A key's life: created, automatic rotation enabled, rotated on demand, deletion scheduled. */
export async function keyLifecycleLane(context: LaneContext): Promise<void> {
  const { kms, state } = context;
  while (!context.stopped()) {
    const created = await kms.send(new CreateKeyCommand({ Description: `lifecycle ${state.next()}` }));
    const keyId = created.KeyMetadata!.KeyId!;
    const key: KeyRecord = { keyId, lifecycle: true, rotationEnabled: new Cell(false), rotations: 0, deletion: new Cell(false), touched: true };
    state.keys.set(keyId, key);
    state.ack('CreateKey');
    if (context.stopped()) return;
    await key.rotationEnabled.write(true, () => kms.send(new EnableKeyRotationCommand({ KeyId: keyId })));
    state.ack('EnableKeyRotation');
    if (context.stopped()) return;
    // A rotation in flight at the kill may have landed: only acknowledged ones are counted.
    key.touched = true;
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    key.rotations++;
    state.ack('RotateKeyOnDemand');
    if (context.stopped() || Math.random() < 0.5) continue;
    await key.deletion.write(true, () => kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 })));
    state.ack('ScheduleKeyDeletion');
  }
}
