/**
 * @module
 * KMS section 3: the asymmetric and HMAC key types. Sign and Verify with RSA_2048
 * (RSASSA_PKCS1_V1_5_SHA_256) and ECC_NIST_P256 (ECDSA_SHA_256), and GenerateMac with HMAC_256
 * (HMAC_SHA_256), of one 256-byte RAW message, each call awaited before the next:
 *
 * - `kms`: in process, `new Kms({ quotas: false })` with its default audit trail (every call is
 *   recorded, as in the product);
 * - `raw-node`: node:crypto doing the same cryptography with a key object made once
 *   (`crypto.sign('sha256', m, key)`, `crypto.verify(...)`, `createHmac('sha256', key)` with a
 *   `createSecretKey` key object): what
 *   one call must at least cost;
 * - `http`: the official `@aws-sdk/client-kms` against the KMS JSON 1.1 handler with
 *   `Kms({ quotas: false })` in its own child process (`server.ts handler-unthrottled`; AWS's
 *   asymmetric quotas, 1,000/s, would otherwise cap the figure).
 *
 * GenerateMac is measured twice: with the 256-byte message of every row (the target) and, as an
 * [info] group beside it, with the largest message KMS takes (4096 bytes).
 *
 * After each operation's samples, its in-process calls run again under the CPU profiler and the
 * time is charged stage by stage (`breakdown.ts`): where the time beyond the cryptography goes.
 *
 * Before timing, every row's output is checked against the others: the emulator's signatures
 * verify with node:crypto and node:crypto's with the emulator, and the MACs are equal.
 */

import { createHmac, createPublicKey, createSecretKey, type KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { CreateKeyCommand, GenerateMacCommand, GetPublicKeyCommand, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { Kms } from '@strongbox/kms';
import { type Checks, sameBytes } from '../lib/checks.ts';
import { type BenchCase, type GroupOptions, type Measurement, measureGroup } from '../lib/harness.ts';
import { type Breakdown, profileStages } from './breakdown.ts';
import { kmsClient, ServerProcess } from './fixtures.ts';

/** The operations measured. */
export type KeyTypeOp =
  | 'Sign RSA_2048'
  | 'Verify RSA_2048'
  | 'Sign ECC_NIST_P256'
  | 'Verify ECC_NIST_P256'
  | 'GenerateMac HMAC_256'
  | 'GenerateMac HMAC_256, 4096 B [info]';

/** The measured rows of one operation, and where its in-process time goes. */
export interface KeyTypeGroup {
  readonly op: KeyTypeOp;
  readonly rows: readonly Measurement[];
  /** The in-process calls under the CPU profiler, charged stage by stage (see breakdown.ts). */
  readonly breakdown: Breakdown;
}

const MESSAGE = new Uint8Array(256).map((_, i) => (i * 31 + 7) % 251);
/** The largest message GenerateMac takes (4096 bytes), for the extra GenerateMac row. */
const LARGEST_MAC_MESSAGE = new Uint8Array(4096).map((_, i) => (i * 31 + 7) % 251);

interface Subject {
  readonly op: KeyTypeOp;
  readonly kms: () => Promise<unknown>;
  readonly raw: () => unknown;
  readonly http: () => Promise<unknown>;
  /** Calls profiled for the breakdown: about a second's worth at full size. */
  readonly profileCalls: number;
}

/** Runs section 3. */
export async function runKeyTypes(
  options: GroupOptions,
  httpOptions: GroupOptions,
  checks: Checks,
  progress: (message: string) => void,
  quick = false,
): Promise<KeyTypeGroup[]> {
  progress('kms key types: preparing and validating');
  const kms = new Kms({ quotas: false });
  const server = await ServerProcess.start('handler-unthrottled');
  const { client } = kmsClient(server.url);
  try {
    const subjects = [
      ...(await signing(kms, client, 'RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_256', checks)),
      ...(await signing(kms, client, 'ECC_NIST_P256', 'ECDSA_SHA_256', checks)),
      ...(await mac(kms, client, checks)),
    ];
    const groups: KeyTypeGroup[] = [];
    for (const subject of subjects) {
      const cases: BenchCase[] = [
        { id: 'kms', label: 'Kms({ quotas: false }), in process', bytesPerOp: 0, run: subject.kms },
        { id: 'raw-node', label: 'raw node:crypto, key object made once', bytesPerOp: 0, run: subject.raw },
        { id: 'http', label: '@aws-sdk/client-kms → JSON 1.1 handler (child process) [info]', bytesPerOp: 0, run: subject.http, ...httpOptions },
      ];
      const measured = await measureGroup(cases, options, (m) => progress(`kms key types ${subject.op}: ${m}`));
      progress(`kms key types ${subject.op}: profiling the in-process calls`);
      const calls = quick ? Math.max(10, Math.round(subject.profileCalls / 100)) : subject.profileCalls;
      const breakdown = await profileStages(subject.kms, calls, Math.max(10, Math.round(calls / 10)));
      groups.push({ op: subject.op, rows: measured, breakdown });
    }
    return groups;
  } finally {
    client.destroy();
    await server.stop();
  }
}

async function signing(
  kms: Kms,
  client: ReturnType<typeof kmsClient>['client'],
  spec: 'RSA_2048' | 'ECC_NIST_P256',
  algorithm: 'RSASSA_PKCS1_V1_5_SHA_256' | 'ECDSA_SHA_256',
  checks: Checks,
): Promise<Subject[]> {
  const { KeyMetadata } = await kms.createKey({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' });
  const keyId = KeyMetadata.KeyId;
  const publicKey = createPublicKey({ key: Buffer.from((await kms.getPublicKey({ KeyId: keyId })).PublicKey), format: 'der', type: 'spki' });
  const remote = (await client.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
  const remotePublic = createPublicKey({
    key: Buffer.from((await client.send(new GetPublicKeyCommand({ KeyId: remote }))).PublicKey!),
    format: 'der',
    type: 'spki',
  });
  // The raw peer signs with its own key of the same spec (node:crypto cannot see the emulator's).
  const { generateKeyPairSync } = await import('node:crypto');
  const own: { privateKey: KeyObject; publicKey: KeyObject } =
    spec === 'RSA_2048' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const options = (key: KeyObject): { key: KeyObject; dsaEncoding?: 'der' } => (spec === 'RSA_2048' ? { key } : { key, dsaEncoding: 'der' });

  const signature = (await kms.sign({ KeyId: keyId, Message: MESSAGE, SigningAlgorithm: algorithm })).Signature;
  checks.assert(nodeVerify('sha256', MESSAGE, options(publicKey), signature), `${spec}: an in-process Sign verifies with crypto.verify`);
  const remoteSignature = (await client.send(new SignCommand({ KeyId: remote, Message: MESSAGE, SigningAlgorithm: algorithm }))).Signature!;
  checks.assert(nodeVerify('sha256', MESSAGE, options(remotePublic), remoteSignature), `${spec}: a Sign over HTTP verifies with crypto.verify`);
  const ownSignature = nodeSign('sha256', MESSAGE, options(own.privateKey));
  checks.assert(nodeVerify('sha256', MESSAGE, options(own.publicKey), ownSignature), `${spec}: the raw peer's signature verifies`);
  const verified = await kms.verify({ KeyId: keyId, Message: MESSAGE, Signature: signature, SigningAlgorithm: algorithm });
  checks.assert(verified.SignatureValid === true, `${spec}: Verify accepts the in-process signature`);

  return [
    {
      op: `Sign ${spec}`,
      kms: () => kms.sign({ KeyId: keyId, Message: MESSAGE, SigningAlgorithm: algorithm }),
      raw: () => nodeSign('sha256', MESSAGE, options(own.privateKey)),
      http: () => client.send(new SignCommand({ KeyId: remote, Message: MESSAGE, SigningAlgorithm: algorithm })),
      profileCalls: spec === 'RSA_2048' ? 1_000 : 30_000,
    },
    {
      op: `Verify ${spec}`,
      kms: () => kms.verify({ KeyId: keyId, Message: MESSAGE, Signature: signature, SigningAlgorithm: algorithm }),
      raw: () => nodeVerify('sha256', MESSAGE, options(own.publicKey), ownSignature),
      http: () => client.send(new VerifyCommand({ KeyId: remote, Message: MESSAGE, Signature: remoteSignature, SigningAlgorithm: algorithm })),
      profileCalls: spec === 'RSA_2048' ? 30_000 : 10_000,
    },
  ];
}

async function mac(kms: Kms, client: ReturnType<typeof kmsClient>['client'], checks: Checks): Promise<Subject[]> {
  const { KeyMetadata } = await kms.createKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  const keyId = KeyMetadata.KeyId;
  const remote = (await client.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!.KeyId!;
  const key = createSecretKey(new Uint8Array(32).fill(7));
  const first = (await kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })).Mac;
  const second = (await kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })).Mac;
  checks.assert(first.length === 32 && sameBytes(first, second), 'HMAC_256: GenerateMac returns the same 32-byte MAC for the same message');
  const remoteMac = (await client.send(new GenerateMacCommand({ KeyId: remote, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }))).Mac!;
  checks.assert(remoteMac.length === 32, 'HMAC_256: GenerateMac over HTTP returns 32 bytes');
  const largest = (await kms.generateMac({ KeyId: keyId, Message: LARGEST_MAC_MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })).Mac;
  checks.assert(
    largest.length === 32 && !sameBytes(largest, first),
    'HMAC_256: GenerateMac of a 4096-byte message (the largest KMS takes) returns another 32-byte MAC',
  );
  return [
    {
      op: 'GenerateMac HMAC_256',
      kms: () => kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }),
      raw: () => createHmac('sha256', key).update(MESSAGE).digest(),
      http: () => client.send(new GenerateMacCommand({ KeyId: remote, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })),
      profileCalls: 150_000,
    },
    {
      op: 'GenerateMac HMAC_256, 4096 B [info]',
      kms: () => kms.generateMac({ KeyId: keyId, Message: LARGEST_MAC_MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }),
      raw: () => createHmac('sha256', key).update(LARGEST_MAC_MESSAGE).digest(),
      http: () => client.send(new GenerateMacCommand({ KeyId: remote, Message: LARGEST_MAC_MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })),
      profileCalls: 80_000,
    },
  ];
}
