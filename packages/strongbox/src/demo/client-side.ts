/**
 * @module
 * What CSE-KMS and CSE-C share: the S3 Encryption Client encrypts before the request leaves the
 * client, so S3 receives ciphertext and an envelope in the object's metadata (`x-amz-meta-x-amz-*`:
 * the wrapped data key, the wrapping algorithm, the IV, the key commitment), and stores that,
 * sealed once more at rest by its default SSE-S3 encryption. Reading the object with a plain S3
 * client shows what S3 holds; reading it with the encryption client gives the plaintext back.
 */

import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Keyring, RequestOptions } from '@strongbox/s3-encryption-client';
import { S3EncryptionClient } from '@strongbox/s3-encryption-client';
import type { DemoContext } from './context.ts';
import { sameBytes, showAudit, showReceived, showSent, showStored } from './steps.ts';
import type { AuditEvent } from './trail.ts';

/** One client-side step. */
export interface ClientSideSpec {
  readonly key: string;
  readonly plaintext: Uint8Array;
  readonly keyring: Keyring;
  readonly options?: RequestOptions;
}

/**
 * Puts `spec.plaintext` through the S3 Encryption Client, shows what S3 received and stored, reads
 * it back both ways, and returns the audit events it caused.
 * @throws the SDK's or the encryption client's error when a request the demo expects to succeed fails.
 * @example const events = await clientSideRound(context, { key, plaintext, keyring });
 */
export async function clientSideRound(context: DemoContext, spec: ClientSideSpec): Promise<AuditEvent[]> {
  const { printer, s3, wire } = context;
  const bucket = context.names.bucket;
  const client = new S3EncryptionClient({ s3, keyring: spec.keyring, random: context.random });
  await client.putObject({ Bucket: bucket, Key: spec.key, Body: spec.plaintext }, spec.options);
  showSent(context, `PutObject ${spec.key} (${spec.plaintext.length} plaintext bytes, encrypted by the client)`, wire.last());
  showReceived(context, wire.last());
  const raw = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: spec.key }));
  const ciphertext = (await raw.Body?.transformToByteArray()) ?? new Uint8Array(0);
  printer.row('S3 received', [
    `${ciphertext.length} bytes (a plain GetObject, no encryption client): ${Buffer.from(ciphertext.subarray(0, 16)).toString('hex')}...`,
    ...Object.entries(raw.Metadata ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => `x-amz-meta-${name}: ${value}`),
  ]);
  printer.check('S3 never received the plaintext', !Buffer.from(ciphertext).includes(Buffer.from(spec.plaintext)));
  await showStored(context, bucket, spec.key, spec.plaintext);
  const got = await client.getObject({ Bucket: bucket, Key: spec.key }, spec.options);
  const body = await got.Body?.transformToByteArray();
  printer.check(
    `the encryption client's GetObject returns the plaintext (${spec.plaintext.length} bytes, equal)`,
    body !== undefined && sameBytes(body, spec.plaintext),
  );
  return showAudit(context);
}
