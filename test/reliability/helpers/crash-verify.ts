/**
 * @module
 * The checks after each restart of the endpoint crash test: every acknowledged write is there and
 * usable (objects byte-equal after decryption with the right SSE, configurations equal, keys,
 * aliases, grants, rotations and deletion schedules as acknowledged, ciphertexts decrypt), and
 * nothing half-written is visible (every listed object reads whole as a version that was sent,
 * every listed key and alias target describes, every listed upload lists its parts). Returns the
 * problems found (empty when all is well) and how many checks ran.
 *
 * The objects, uploads and bucket configuration are few and checked whole every time. Keys,
 * aliases, grants and ciphertexts accumulate over the cycles (thousands in a 100-cycle run), so a
 * partial check (`scope.full` false) looks at every one written, created or in flight since it was
 * last checked (they alone can be half-written by the last kill), and at a random sample of the
 * older ones (already found intact after an earlier restart, re-read in case a later start or
 * compaction lost them); a full check, every few cycles and at the end, looks at all of them.
 */

import { createHash } from 'node:crypto';
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  ListAliasesCommand,
  type ListAliasesCommandOutput,
  ListGrantsCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  type ListKeysCommandOutput,
} from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { sameVersion } from './crash-model.ts';
import { BUCKET_A, BUCKET_B, type CrashState, encryptionDescription, type ObjectSlot } from './crash-workload.ts';

/** The clients the checks use: the account root, and the grantee (for grants). */
export interface VerifyClients {
  readonly s3: S3Client;
  readonly kms: KMSClient;
  readonly grantee: KMSClient;
}

/** How much of the accumulated state a check looks at (see the module documentation). */
export interface VerifyScope {
  /** Everything, or only what changed since the last check plus a sample of the rest. */
  readonly full: boolean;
  /** How many of the older keys, aliases, grants and ciphertexts each (unchanged since their last check) a partial check samples. */
  readonly sample: number;
}

/** What a verification found. */
export interface Verification {
  readonly problems: string[];
  /** Individual checks made (an object read, a key described, a ciphertext decrypted, ...). */
  checks: number;
}

const same = <T>(a: T | undefined, b: T | undefined): boolean => a === b;

/** Runs `work` over `items`, `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** The error name of a rejected SDK call, or undefined when it resolved. */
async function errorName(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as Error).name;
  }
}

/** Checks every acknowledged write and every listed thing; settles what was in flight. */
export async function verifyCrashState(clients: VerifyClients, state: CrashState, scope: VerifyScope): Promise<Verification> {
  const result: Verification = { problems: [], checks: 0 };
  const problem = (text: string): void => {
    result.problems.push(text);
  };
  await verifyObjects(clients.s3, state, result, problem);
  await verifyUploads(clients.s3, state, result, problem);
  await verifyBucketConfiguration(clients.s3, state, result, problem);
  await verifyKeys(clients, state, scope, result, problem);
  return result;
}

/** What a check looks at: everything when full, otherwise what `changed` says plus `sample` of the rest, at random. */
function inScope<T>(items: readonly T[], changed: (item: T) => boolean, scope: VerifyScope): T[] {
  if (scope.full) return [...items];
  const fresh: T[] = [];
  const older: T[] = [];
  for (const item of items) (changed(item) ? fresh : older).push(item);
  // A partial Fisher-Yates shuffle: the first `sample` of `older` become a uniform sample.
  const count = Math.min(scope.sample, older.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (older.length - i));
    [older[i], older[j]] = [older[j]!, older[i]!];
  }
  return [...fresh, ...older.slice(0, count)];
}

async function readSlot(s3: S3Client, slot: ObjectSlot): Promise<{ sha256: string; sse: string | undefined } | null> {
  try {
    const answer = await s3.send(
      new GetObjectCommand({
        Bucket: slot.bucket,
        Key: slot.key,
        ...(slot.sseCustomerKey === undefined ? {} : { SSECustomerAlgorithm: 'AES256', SSECustomerKey: slot.sseCustomerKey }),
      }),
    );
    const bytes = await answer.Body!.transformToByteArray();
    const sse = answer.SSECustomerAlgorithm !== undefined ? 'SSE-C' : answer.ServerSideEncryption;
    return { sha256: createHash('sha256').update(bytes).digest('hex'), sse };
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return null;
    throw error;
  }
}

async function verifyObjects(s3: S3Client, state: CrashState, result: Verification, problem: (text: string) => void): Promise<void> {
  const present = new Set<string>();
  await eachLimited(state.slots, 6, async (slot) => {
    const found = await readSlot(s3, slot);
    result.checks++;
    const where = `${slot.bucket}/${slot.key}`;
    const foundVersion = found === null ? null : { sha256: found.sha256, sse: found.sse ?? '' };
    const matched = [slot.cell.acked, ...slot.cell.pending].find((version) => sameVersion(version, foundVersion));
    if (!slot.cell.settle(foundVersion, sameVersion)) {
      problem(`${where}: found ${JSON.stringify(found)}, ${slot.cell.describe()}`);
      return;
    }
    if (found === null || matched === undefined || matched === null) return;
    present.add(where);
    // The version read is one acknowledged or in flight: its encryption must be the one asked for.
    const version = matched;
    const expected = version.sse === 'default' ? ['AES256', 'aws:kms'] : [version.sse];
    if (!expected.includes(found.sse ?? '')) problem(`${where}: read back with SSE ${found.sse}, written with ${version.sse}`);
    // Keep what was asked, not what was read, for the next comparison.
    slot.cell.acked = version;
  });
  for (const bucket of [BUCKET_A, BUCKET_B]) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const object of listed.Contents ?? []) {
      result.checks++;
      const slot = state.slots.find((candidate) => candidate.bucket === bucket && candidate.key === object.Key);
      if (slot === undefined || !present.has(`${bucket}/${object.Key}`)) problem(`${bucket}/${object.Key} is listed but was not readable as a whole version`);
    }
    const listedKeys = new Set((listed.Contents ?? []).map((object) => object.Key));
    for (const where of present) {
      const [presentBucket, key] = where.split('/') as [string, string];
      if (presentBucket === bucket && !listedKeys.has(key)) problem(`${where} reads but is not listed`);
    }
  }
}

async function verifyUploads(s3: S3Client, state: CrashState, result: Verification, problem: (text: string) => void): Promise<void> {
  for (const upload of state.uploads) {
    if (upload.state === 'completed' || upload.state === 'aborted') continue;
    const where = `upload ${upload.uploadId} of ${upload.slot.key} (${upload.state})`;
    let parts: Map<number, string> | undefined;
    try {
      const listed = await s3.send(new ListPartsCommand({ Bucket: upload.slot.bucket, Key: upload.slot.key, UploadId: upload.uploadId }));
      parts = new Map((listed.Parts ?? []).map((part) => [part.PartNumber!, part.ETag!]));
    } catch (error) {
      if ((error as Error).name !== 'NoSuchUpload') throw error;
    }
    result.checks++;
    if (parts === undefined) {
      // Gone: fine only for a completion or abort in flight at the kill.
      if (upload.state === 'open') problem(`${where}: acknowledged parts ${upload.parts.size}, but the upload is gone`);
      else upload.state = upload.state === 'completing' ? 'completed' : 'aborted';
      continue;
    }
    for (const [partNumber, etag] of upload.parts) {
      result.checks++;
      if (parts.get(partNumber) !== etag) problem(`${where}: part ${partNumber} acknowledged with ETag ${etag}, listed ${parts.get(partNumber)}`);
    }
    // Still there after a completion or abort in flight: it did not happen, the upload stays open.
    upload.state = 'open';
  }
  for (const bucket of [BUCKET_A, BUCKET_B]) {
    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const upload of listed.Uploads ?? []) {
      result.checks++;
      const failure = await errorName(s3.send(new ListPartsCommand({ Bucket: bucket, Key: upload.Key!, UploadId: upload.UploadId! })));
      if (failure !== undefined) problem(`listed upload ${upload.UploadId} of ${upload.Key}: ListParts failed with ${failure}`);
      const known = state.uploads.find((candidate) => candidate.uploadId === upload.UploadId);
      if (known !== undefined && (known.state === 'completed' || known.state === 'aborted'))
        problem(`${known.state} upload ${upload.UploadId} is listed again`);
    }
  }
}

async function verifyBucketConfiguration(s3: S3Client, state: CrashState, result: Verification, problem: (text: string) => void): Promise<void> {
  const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: BUCKET_B }));
  const rule = encryption.ServerSideEncryptionConfiguration?.Rules?.[0];
  const found = encryptionDescription(
    rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? '',
    rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID,
    rule?.BucketKeyEnabled,
  );
  result.checks++;
  if (!state.bucketEncryption.settle(found, same)) problem(`bucket encryption of ${BUCKET_B}: found ${found}, ${state.bucketEncryption.describe()}`);
  for (const [bucket, cell] of state.bucketPolicies) {
    let sid: string | undefined;
    try {
      const policy = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
      sid = (JSON.parse(policy.Policy!) as { Statement: { Sid: string }[] }).Statement[0]!.Sid;
    } catch (error) {
      if ((error as Error).name !== 'NoSuchBucketPolicy') throw error;
    }
    result.checks++;
    if (!cell.settle(sid, same)) problem(`bucket policy of ${bucket}: found ${sid}, ${cell.describe()}`);
  }
}

async function verifyKeys(clients: VerifyClients, state: CrashState, scope: VerifyScope, result: Verification, problem: (text: string) => void): Promise<void> {
  const { kms } = clients;
  const keys = inScope([...state.keys.values()], (key) => key.touched || key.deletion.dirty || key.rotationEnabled.dirty, scope);
  await eachLimited(keys, 6, async (key) => {
    const described = await kms.send(new DescribeKeyCommand({ KeyId: key.keyId }));
    const scheduled = described.KeyMetadata!.KeyState === 'PendingDeletion';
    result.checks++;
    if (!key.deletion.settle(scheduled, same)) problem(`key ${key.keyId}: state ${described.KeyMetadata!.KeyState}, deletion ${key.deletion.describe()}`);
    key.touched = false;
    if (scheduled) return;
    const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.keyId }));
    result.checks++;
    if (!key.rotationEnabled.settle(rotation.KeyRotationEnabled === true, same)) problem(`key ${key.keyId}: rotation ${key.rotationEnabled.describe()}`);
    if (key.rotations > 0) {
      const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: key.keyId }));
      result.checks++;
      if ((rotations.Rotations ?? []).length < key.rotations)
        problem(`key ${key.keyId}: ${key.rotations} rotations acknowledged, ${rotations.Rotations?.length} listed`);
    }
    // Usable: a round trip under the (possibly rotated) key.
    const sealed = await kms.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: Buffer.from('still usable') }));
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob! }));
    result.checks++;
    if (Buffer.from(opened.Plaintext!).toString() !== 'still usable') problem(`key ${key.keyId}: round trip failed`);
  });
  // Keys checked just now were settled to what the server holds; the others are as last checked.
  const pendingDeletion = (keyId: string): boolean => state.keys.get(keyId)?.deletion.acked === true;
  await eachLimited(
    inScope(state.ciphertexts, (entry) => entry.checked !== true, scope),
    6,
    async (entry) => {
      result.checks++;
      entry.checked = true;
      if (pendingDeletion(entry.keyId)) {
        const failure = await errorName(kms.send(new DecryptCommand({ CiphertextBlob: entry.ciphertext })));
        if (failure !== 'KMSInvalidStateException') problem(`ciphertext of key ${entry.keyId} pending deletion: ${failure ?? 'decrypted'}`);
        return;
      }
      const opened = await kms.send(new DecryptCommand({ CiphertextBlob: entry.ciphertext }));
      if (Buffer.from(opened.Plaintext!).toString() !== entry.plaintext || !opened.KeyId!.endsWith(entry.keyId))
        problem(`ciphertext of key ${entry.keyId} decrypted wrongly`);
    },
  );
  await eachLimited(
    inScope(state.grants, (grant) => grant.checked !== true, scope),
    6,
    async (grant) => {
      const listed = await kms.send(new ListGrantsCommand({ KeyId: grant.keyId, GrantId: grant.grantId }));
      result.checks++;
      grant.checked = true;
      if ((listed.Grants ?? []).length !== 1) problem(`grant ${grant.grantId} on ${grant.keyId} is not listed`);
      if (pendingDeletion(grant.keyId)) return;
      // The grantee has no permission of its own: only the grant lets it encrypt.
      const failure = await errorName(clients.grantee.send(new EncryptCommand({ KeyId: grant.keyId, Plaintext: Buffer.from('granted') })));
      if (failure !== undefined) problem(`grant ${grant.grantId} on ${grant.keyId}: the grantee's Encrypt failed with ${failure}`);
    },
  );
  const aliases = new Map<string, string | undefined>();
  let marker: string | undefined;
  do {
    const page: ListAliasesCommandOutput = await kms.send(new ListAliasesCommand({ Limit: 1000, ...(marker === undefined ? {} : { Marker: marker }) }));
    for (const alias of page.Aliases ?? []) aliases.set(alias.AliasName!, alias.TargetKeyId);
    marker = page.Truncated === true ? page.NextMarker : undefined;
  } while (marker !== undefined);
  for (const [name, cell] of inScope([...state.aliases], ([, cell]) => cell.dirty, scope)) {
    result.checks++;
    if (!cell.settle(aliases.get(name), same)) problem(`alias ${name}: targets ${aliases.get(name)}, ${cell.describe()}`);
  }
  // Nothing half-made: every listed key and alias target describes.
  const listedKeys: string[] = [];
  marker = undefined;
  do {
    const page: ListKeysCommandOutput = await kms.send(new ListKeysCommand({ Limit: 1000, ...(marker === undefined ? {} : { Marker: marker }) }));
    listedKeys.push(...(page.Keys ?? []).map((key) => key.KeyId!));
    marker = page.Truncated === true ? page.NextMarker : undefined;
  } while (marker !== undefined);
  const targets = [...aliases.values()].filter((target): target is string => target !== undefined);
  // A partial check describes the keys it has not checked above and knows nothing of (created by a
  // request in flight at the kill, or not at all: half-made); a full one describes every key.
  const unknown = [...new Set([...listedKeys, ...targets])].filter((keyId) => scope.full || !state.keys.has(keyId));
  await eachLimited(unknown, 6, async (keyId) => {
    result.checks++;
    const failure = await errorName(kms.send(new DescribeKeyCommand({ KeyId: keyId })));
    if (failure !== undefined) problem(`listed key ${keyId}: DescribeKey failed with ${failure}`);
  });
}
