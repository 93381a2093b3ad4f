/**
 * @module
 * What every envelope measurement shares: keys and keyrings, the AWS Encryption SDK client, the
 * raw AES-256-GCM baselines (node:crypto and noble), and the stream plumbing (a source of 64 KiB
 * chunks, a counting sink).
 */

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { gcm } from '@noble/ciphers/aes.js';
import { type Backend, type EncryptionContext, RawAesKeyring } from '@strongbox/envelope';
import { nobleBackend } from '@strongbox/envelope/noble';
import { nodeBackend } from '@strongbox/envelope/node';

export const KiB = 1024;
export const MiB: number = 1024 * KiB;
export const GiB: number = 1024 * MiB;

/** Chunk size of every stream source in the benchmark. */
export const STREAM_CHUNK: number = 64 * KiB;

/** The encryption context every message carries (both libraries). */
export const CONTEXT: EncryptionContext = { purpose: 'strongbox-bench', tenant: 'acme' };

/** Fresh random bytes in an unshared Uint8Array (not a slice of Buffer's pool). */
export function randomData(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65536) {
    out.set(randomBytes(Math.min(65536, length - offset)), offset);
  }
  return out;
}

/** A Buffer view over the same memory (for APIs typed on Buffer). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// --- Strongbox -------------------------------------------------------------------------------

/** A Strongbox configuration: one backend, used by the keyring and by the message alike. */
export interface StrongboxSetup {
  readonly name: 'node' | 'noble';
  readonly backend: Backend;
  readonly keyring: RawAesKeyring;
}

const strongboxWrappingKey = randomData(32);
/** Both keyrings hold the same name and key, so either can open what the other sealed. */
export const strongboxNode: StrongboxSetup = {
  name: 'node',
  backend: nodeBackend,
  keyring: new RawAesKeyring({ name: 'bench', key: strongboxWrappingKey, backend: nodeBackend }),
};
export const strongboxNoble: StrongboxSetup = {
  name: 'noble',
  backend: nobleBackend,
  keyring: new RawAesKeyring({ name: 'bench', key: strongboxWrappingKey, backend: nobleBackend }),
};

// --- AWS Encryption SDK for JavaScript ----------------------------------------------------------

/** The client: commitment required on encrypt and decrypt (the SDK's recommended policy). */
export const esdk: ReturnType<typeof buildClient> = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/** A raw AES keyring with a 256-bit wrapping key: a fresh data key per message, wrapped locally. */
export const esdkKeyring: RawAesKeyringNode = new RawAesKeyringNode({
  keyNamespace: 'strongbox-bench',
  keyName: 'bench',
  unencryptedMasterKey: randomData(32),
  wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
});

/** An ESDK configuration: suite and frame length (undefined = the SDK's default). */
export interface EsdkSetup {
  readonly id: string;
  readonly label: string;
  readonly suiteId?: AlgorithmSuiteIdentifier;
  readonly frameLength?: number;
}

/**
 * The SDK out of the box: default suite for REQUIRE_ENCRYPT_REQUIRE_DECRYPT, which is 0x0578
 * (AES-256-GCM, HKDF-SHA-512, key commitment, ECDSA P-384 signature), default 4 KiB frames.
 */
export const esdkDefault: EsdkSetup = { id: 'esdk', label: 'AWS ESDK (default: 0x0578, 4 KiB frames)' };

/**
 * The SDK configured as close to Strongbox's format as it goes: committing suite without a
 * signature (0x0478) and 64 KiB frames. Informational.
 */
export const esdkUnsigned: EsdkSetup = {
  id: 'esdk-0478-64k',
  label: 'AWS ESDK (0x0478 unsigned, 64 KiB frames) [info]',
  suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  frameLength: 64 * KiB,
};

/** Options for `esdk.encrypt` / `esdk.encryptStream` under a setup. */
export function esdkEncryptOptions(setup: EsdkSetup): {
  encryptionContext: Record<string, string>;
  suiteId?: AlgorithmSuiteIdentifier;
  frameLength?: number;
} {
  return {
    encryptionContext: { ...CONTEXT },
    ...(setup.suiteId === undefined ? {} : { suiteId: setup.suiteId }),
    ...(setup.frameLength === undefined ? {} : { frameLength: setup.frameLength }),
  };
}

// --- Raw AES-256-GCM baselines -----------------------------------------------------------------

/** Key and 96-bit nonce of the raw baselines (reused across calls: fine for a benchmark only). */
export const RAW_KEY: Uint8Array = randomData(32);
export const RAW_NONCE: Uint8Array = randomData(12);

/** node:crypto AES-256-GCM, one shot: ciphertext and tag. */
export function rawNodeEncrypt(plaintext: Uint8Array): { ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv('aes-256-gcm', RAW_KEY, RAW_NONCE);
  const ciphertext = cipher.update(plaintext);
  cipher.final();
  return { ciphertext, tag: cipher.getAuthTag() };
}

/** node:crypto AES-256-GCM decryption; throws if the tag does not verify. */
export function rawNodeDecrypt(ciphertext: Uint8Array, tag: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', RAW_KEY, RAW_NONCE);
  decipher.setAuthTag(tag);
  const plaintext = decipher.update(ciphertext);
  decipher.final();
  return plaintext;
}

/**
 * The floor of any frame-by-frame format on Node's API: node:crypto AES-256-GCM over 64 KiB frames
 * (a fresh cipher per frame, the frame index in the nonce) with every frame's output copied into one
 * new message buffer, because `cipher.update` always returns a buffer of its own. No key
 * management, no header, no commitment: only what framing itself costs.
 */
export function rawNodeFramedEncrypt(plaintext: Uint8Array, frameLength = STREAM_CHUNK): Uint8Array {
  const frames = Math.floor(plaintext.length / frameLength) + 1;
  const out = Buffer.allocUnsafeSlow(plaintext.length + 16 * frames);
  const nonce = Buffer.from(RAW_NONCE);
  let offset = 0;
  for (let index = 0; index < frames; index++) {
    nonce.writeUInt32BE(index, 8);
    const cipher = createCipheriv('aes-256-gcm', RAW_KEY, nonce);
    const ciphertext = cipher.update(plaintext.subarray(index * frameLength, Math.min((index + 1) * frameLength, plaintext.length)));
    cipher.final();
    out.set(ciphertext, offset);
    out.set(cipher.getAuthTag(), offset + ciphertext.length);
    offset += ciphertext.length + 16;
  }
  return out;
}

/** The reverse of `rawNodeFramedEncrypt`, into one new plaintext buffer; throws on a bad tag. */
export function rawNodeFramedDecrypt(sealed: Uint8Array, plaintextLength: number, frameLength = STREAM_CHUNK): Uint8Array {
  const frames = Math.floor(plaintextLength / frameLength) + 1;
  const out = Buffer.allocUnsafeSlow(plaintextLength);
  const nonce = Buffer.from(RAW_NONCE);
  let offset = 0;
  for (let index = 0; index < frames; index++) {
    nonce.writeUInt32BE(index, 8);
    const length = Math.min(frameLength, plaintextLength - index * frameLength);
    const decipher = createDecipheriv('aes-256-gcm', RAW_KEY, nonce);
    decipher.setAuthTag(sealed.subarray(offset + length, offset + length + 16));
    out.set(decipher.update(sealed.subarray(offset, offset + length)), index * frameLength);
    decipher.final();
    offset += length + 16;
  }
  return out;
}

/** node:crypto AES-256-GCM over `count` repetitions of `chunk`, one `update` per chunk. */
export function rawNodeEncryptChunks(chunk: Uint8Array, count: number, keep?: Buffer[]): Buffer {
  const cipher = createCipheriv('aes-256-gcm', RAW_KEY, RAW_NONCE);
  for (let i = 0; i < count; i++) {
    const out = cipher.update(chunk);
    keep?.push(out);
  }
  cipher.final();
  return cipher.getAuthTag();
}

/** node:crypto AES-256-GCM decryption of a chunked ciphertext; throws if the tag does not verify. */
export function rawNodeDecryptChunks(chunks: readonly Uint8Array[], tag: Uint8Array): number {
  const decipher = createDecipheriv('aes-256-gcm', RAW_KEY, RAW_NONCE);
  decipher.setAuthTag(tag);
  let length = 0;
  for (const chunk of chunks) length += decipher.update(chunk).length;
  decipher.final();
  return length;
}

/** noble AES-256-GCM, one shot: ciphertext ‖ tag. */
export function rawNobleEncrypt(plaintext: Uint8Array): Uint8Array {
  return gcm(RAW_KEY, RAW_NONCE).encrypt(plaintext);
}

/** noble AES-256-GCM decryption of ciphertext ‖ tag; throws if the tag does not verify. */
export function rawNobleDecrypt(sealed: Uint8Array): Uint8Array {
  return gcm(RAW_KEY, RAW_NONCE).decrypt(sealed);
}

// --- Streams -----------------------------------------------------------------------------------

/** A web ReadableStream of `count` enqueues of the same (never modified) `chunk`. */
export function repeatedChunkStream(chunk: Uint8Array, count: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < count) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

/** A web ReadableStream over a list of chunks. */
export function chunkListStream(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++]!);
      else controller.close();
    },
  });
}

/** Pipes `stream` into a sink that counts bytes (and keeps the chunks if `keep` is given). */
export async function drainWeb(stream: ReadableStream<Uint8Array>, keep?: Uint8Array[]): Promise<number> {
  let bytes = 0;
  await stream.pipeTo(
    new WritableStream<Uint8Array>({
      write(chunk) {
        bytes += chunk.length;
        keep?.push(chunk);
      },
    }),
  );
  return bytes;
}

/** A Node Readable of `count` repetitions of `chunk` (the same Buffer each time, never modified). */
export function repeatedChunkReadable(chunk: Uint8Array, count: number): Readable {
  const buffer = asBuffer(chunk);
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ < count ? buffer : null);
    },
  });
}

/** Pipes a Node Readable through a Duplex into a counting sink (keeping the chunks if asked). */
export async function drainNode(source: Readable, transform: NodeJS.ReadWriteStream, keep?: Buffer[]): Promise<number> {
  let bytes = 0;
  await pipeline(
    source,
    transform,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        keep?.push(chunk);
        callback();
      },
    }),
  );
  return bytes;
}
