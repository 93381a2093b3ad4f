/**
 * A client whose clock is off by more than S3's 15-minute window: S3 refuses the first attempt
 * with 403 RequestTimeTooSkewed, the SDK corrects its clock offset from the answer's `Date` and
 * retries a byte body. The encryption client streams an in-memory plaintext's ciphertext (which
 * the SDK never retries) and retries it itself: it must retry this refusal too, as the SDK would.
 * The endpoint's clock is moved an hour ahead with `controls.clock`, which is what a client clock
 * an hour behind looks like to S3.
 */

import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AesKeyring, S3EncryptionClient } from '@strongbox/s3-encryption-client';
import { createStrongbox, type Strongbox } from 'strongbox';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const HOUR = 3_600_000;
const keyring = new AesKeyring({ wrappingKey: new Uint8Array(32).fill(7) });

let sb: Strongbox | undefined;
let clients: S3Client[] = [];

afterEach(async () => {
  for (const client of clients) client.destroy();
  clients = [];
  await sb?.close();
  sb = undefined;
});

/** A fresh endpoint with bucket `skew`, then its clock an hour ahead of the client's; a fresh S3 client. */
async function skewedEndpoint(): Promise<S3Client> {
  sb = await createStrongbox();
  const setup = new S3Client(sb.clientConfig);
  await setup.send(new CreateBucketCommand({ Bucket: 'skew' }));
  setup.destroy();
  sb.controls.clock.advance(HOUR);
  const s3 = new S3Client(sb.clientConfig);
  clients.push(s3);
  return s3;
}

describe('an upload from a client whose clock is an hour off', () => {
  it('the SDK retries a byte body after correcting its clock (the behaviour to match)', async () => {
    const s3 = await skewedEndpoint();
    const output = await s3.send(new PutObjectCommand({ Bucket: 'skew', Key: 'plain', Body: 'hello' }));
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 2 });
  });

  it('the encryption client retries its streamed in-memory PUT after the correction, and the object reads back', async () => {
    const s3 = await skewedEndpoint();
    const cse = new S3EncryptionClient({ s3, keyring });
    await cse.putObject({ Bucket: 'skew', Key: 'sealed', Body: 'hello' });
    const read = await cse.getObject({ Bucket: 'skew', Key: 'sealed' });
    expect(await read.Body?.transformToString()).toBe('hello');
    // What S3 stored is ciphertext, not the plaintext.
    const raw = await s3.send(new GetObjectCommand({ Bucket: 'skew', Key: 'sealed' }));
    expect(await raw.Body?.transformToString()).not.toBe('hello');
  });
});
