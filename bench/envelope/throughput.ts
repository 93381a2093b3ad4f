/**
 * @module
 * Section 1: throughput of seal and open. One-shot in memory at 1 KiB, 64 KiB, 1 MiB and 16 MiB;
 * web streams for the large message (64 KiB chunks of one reused random buffer). At every size,
 * Strongbox (node and noble backends) runs next to its limits (raw AES-256-GCM from node:crypto
 * and from noble on the same bytes) and next to the AWS Encryption SDK for JavaScript.
 */

import { Readable } from 'node:stream';
import { createOpenStream, createSealStream, type OpenOptions, open, type SealOptions, seal } from '@strongbox/envelope';
import { type Checks, repeat, sameBytes, sha256Hex } from '../lib/checks.ts';
import { type BenchCase, type GroupOptions, type Measurement, measureGroup } from '../lib/harness.ts';
import {
  CONTEXT,
  chunkListStream,
  drainNode,
  drainWeb,
  type EsdkSetup,
  esdk,
  esdkDefault,
  esdkEncryptOptions,
  esdkKeyring,
  esdkUnsigned,
  randomData,
  rawNobleDecrypt,
  rawNobleEncrypt,
  rawNodeDecrypt,
  rawNodeDecryptChunks,
  rawNodeEncrypt,
  rawNodeEncryptChunks,
  rawNodeFramedDecrypt,
  rawNodeFramedEncrypt,
  repeatedChunkReadable,
  repeatedChunkStream,
  STREAM_CHUNK,
  type StrongboxSetup,
  strongboxNoble,
  strongboxNode,
} from './fixtures.ts';

/** What to run. */
export interface ThroughputConfig {
  /** One-shot message sizes. */
  readonly sizes: readonly number[];
  /** Size of the streamed message (a multiple of the 64 KiB chunk). */
  readonly streamBytes: number;
  /** Options for sizes up to 1 MiB. */
  readonly small: GroupOptions;
  /** Options for larger one-shot sizes (noble rows get `slowSamples`). */
  readonly large: GroupOptions;
  /** Options for the streamed message. */
  readonly stream: GroupOptions;
  /** Samples for noble rows at 16 MiB and above (noble is about 10x slower). */
  readonly slowSamples: number;
}

/** The measured rows of one size and direction. */
export interface ThroughputGroup {
  readonly bytes: number;
  readonly mode: 'one-shot' | 'web-stream';
  readonly op: 'seal' | 'open';
  readonly rows: readonly (Measurement & { readonly info: boolean })[];
}

const SLOW_THRESHOLD = 16 * 1024 * 1024;

function sealOptions(setup: StrongboxSetup): SealOptions {
  return { keyring: setup.keyring, context: CONTEXT, backend: setup.backend };
}

function openOptions(setup: StrongboxSetup): OpenOptions {
  return { keyring: setup.keyring, context: CONTEXT, backend: setup.backend };
}

const ESDK_SETUPS: readonly EsdkSetup[] = [esdkDefault, esdkUnsigned];

/** Prepares, validates and returns the peer cases of one one-shot size. */
async function oneShotCases(size: number, checks: Checks, config: ThroughputConfig): Promise<{ seal: BenchCase[]; open: BenchCase[] }> {
  const plaintext = randomData(size);
  const label = `${size} B`;
  const slow = size >= SLOW_THRESHOLD ? { samples: config.slowSamples, warmupOps: 1, minSampleOps: 1 } : {};

  // Strongbox: round trips, both backends, and across backends (one format, byte-identical).
  const sealed = new Map<StrongboxSetup, Uint8Array>();
  for (const setup of [strongboxNode, strongboxNoble]) {
    const message = await seal(plaintext, sealOptions(setup));
    sealed.set(setup, message);
    checks.assert(sameBytes(await open(message, openOptions(setup)), plaintext), `${label}: Strongbox ${setup.name}: open(seal(x)) == x`);
  }
  checks.assert(sameBytes(await open(sealed.get(strongboxNode)!, openOptions(strongboxNoble)), plaintext), `${label}: Strongbox: noble opens what node sealed`);
  checks.assert(sameBytes(await open(sealed.get(strongboxNoble)!, openOptions(strongboxNode)), plaintext), `${label}: Strongbox: node opens what noble sealed`);
  const tampered = sealed.get(strongboxNode)!.slice();
  tampered[tampered.length - 1]! ^= 1;
  await checks.rejects(() => open(tampered, openOptions(strongboxNode)), `${label}: Strongbox: a tampered message is rejected`);

  // Raw AES-256-GCM: node:crypto and noble agree byte for byte, and both decrypt.
  const raw = rawNodeEncrypt(plaintext);
  const rawNoble = rawNobleEncrypt(plaintext);
  checks.assert(
    sameBytes(rawNoble.subarray(0, size), raw.ciphertext) && sameBytes(rawNoble.subarray(size), raw.tag),
    `${label}: raw node:crypto and raw noble GCM produce identical ciphertext and tag`,
  );
  checks.assert(sameBytes(rawNodeDecrypt(raw.ciphertext, raw.tag), plaintext), `${label}: raw node:crypto decrypt(encrypt(x)) == x`);
  checks.assert(sameBytes(rawNobleDecrypt(rawNoble), plaintext), `${label}: raw noble decrypt(encrypt(x)) == x`);
  const framed = rawNodeFramedEncrypt(plaintext);
  checks.assert(sameBytes(rawNodeFramedDecrypt(framed, size), plaintext), `${label}: node:crypto 64 KiB frames + copy: decrypt(encrypt(x)) == x`);

  // AWS Encryption SDK.
  const esdkSealed = new Map<EsdkSetup, Buffer>();
  for (const setup of ESDK_SETUPS) {
    const { result } = await esdk.encrypt(esdkKeyring, plaintext, esdkEncryptOptions(setup));
    esdkSealed.set(setup, result);
    const { plaintext: back } = await esdk.decrypt(esdkKeyring, result);
    checks.assert(sameBytes(back, plaintext), `${label}: ${setup.label}: decrypt(encrypt(x)) == x`);
  }

  const strongboxSeal = (setup: StrongboxSetup): BenchCase => {
    const options = sealOptions(setup);
    return {
      id: `strongbox-${setup.name}`,
      label: `Strongbox (${setup.name})`,
      bytesPerOp: size,
      run: () => seal(plaintext, options),
      ...(setup === strongboxNoble ? slow : {}),
    };
  };
  const strongboxOpen = (setup: StrongboxSetup): BenchCase => {
    const options = openOptions(setup);
    const message = sealed.get(setup)!;
    return {
      id: `strongbox-${setup.name}`,
      label: `Strongbox (${setup.name})`,
      bytesPerOp: size,
      run: () => open(message, options),
      ...(setup === strongboxNoble ? slow : {}),
    };
  };
  const esdkSeal = (setup: EsdkSetup): BenchCase => {
    const options = esdkEncryptOptions(setup);
    return { id: setup.id, label: setup.label, bytesPerOp: size, run: () => esdk.encrypt(esdkKeyring, plaintext, options) };
  };
  const esdkOpen = (setup: EsdkSetup): BenchCase => {
    const message = esdkSealed.get(setup)!;
    return { id: setup.id, label: setup.label, bytesPerOp: size, run: () => esdk.decrypt(esdkKeyring, message) };
  };
  return {
    seal: [
      strongboxSeal(strongboxNode),
      { id: 'raw-node', label: 'raw node:crypto AES-256-GCM', bytesPerOp: size, run: () => rawNodeEncrypt(plaintext) },
      { id: 'framed-node', label: 'node:crypto, 64 KiB frames + copy into one buffer [info]', bytesPerOp: size, run: () => rawNodeFramedEncrypt(plaintext) },
      strongboxSeal(strongboxNoble),
      { id: 'raw-noble', label: 'raw noble gcm', bytesPerOp: size, run: () => rawNobleEncrypt(plaintext), ...slow },
      ...ESDK_SETUPS.map(esdkSeal),
    ],
    open: [
      strongboxOpen(strongboxNode),
      { id: 'raw-node', label: 'raw node:crypto AES-256-GCM', bytesPerOp: size, run: () => rawNodeDecrypt(raw.ciphertext, raw.tag) },
      { id: 'framed-node', label: 'node:crypto, 64 KiB frames + copy into one buffer [info]', bytesPerOp: size, run: () => rawNodeFramedDecrypt(framed, size) },
      strongboxOpen(strongboxNoble),
      { id: 'raw-noble', label: 'raw noble gcm', bytesPerOp: size, run: () => rawNobleDecrypt(rawNoble), ...slow },
      ...ESDK_SETUPS.map(esdkOpen),
    ],
  };
}

/** Prepares, validates and returns the peer cases of the streamed message. */
async function streamCases(bytes: number, checks: Checks, config: ThroughputConfig): Promise<{ seal: BenchCase[]; open: BenchCase[] }> {
  if (bytes % STREAM_CHUNK !== 0) throw new RangeError(`stream size must be a multiple of ${STREAM_CHUNK}`);
  const count = bytes / STREAM_CHUNK;
  const chunk = randomData(STREAM_CHUNK);
  const label = `${bytes} B stream`;
  const expectedDigest = sha256Hex(repeat(chunk, count));
  const slow = { samples: config.slowSamples, warmupOps: 1, minSampleOps: 1 };

  // Strongbox: seal with node, keep the sealed chunks as the open input; verify the round trip.
  const sealedChunks: Uint8Array[] = [];
  const sealedLength = await drainWeb(repeatedChunkStream(chunk, count).pipeThrough(createSealStream(sealOptions(strongboxNode))), sealedChunks);
  const opened: Uint8Array[] = [];
  const openedLength = await drainWeb(chunkListStream(sealedChunks).pipeThrough(createOpenStream(openOptions(strongboxNode))), opened);
  checks.assert(openedLength === bytes && sha256Hex(opened) === expectedDigest, `${label}: Strongbox node: createOpenStream(createSealStream(x)) == x`);
  opened.length = 0;
  // The noble backend on a small stream, both directions across backends (same code path as the large one).
  {
    const few = 8;
    const nobleSealed: Uint8Array[] = [];
    await drainWeb(repeatedChunkStream(chunk, few).pipeThrough(createSealStream(sealOptions(strongboxNoble))), nobleSealed);
    const back: Uint8Array[] = [];
    await drainWeb(chunkListStream(nobleSealed).pipeThrough(createOpenStream(openOptions(strongboxNode))), back);
    checks.assert(sha256Hex(back) === sha256Hex(repeat(chunk, few)), `${few * 64} KiB stream: node opens what noble sealed`);
    // A prefix of node's sealed stream (header and frames, never the final one) is a truncated
    // message: noble must refuse it…
    const prefix = sealedChunks.slice(0, Math.min(1 + few, sealedChunks.length - 1));
    await checks.rejects(
      () => drainWeb(chunkListStream(prefix).pipeThrough(createOpenStream(openOptions(strongboxNoble)))),
      `${label}: Strongbox noble: a truncated sealed stream is rejected`,
    );
    // …and open the whole of it (verified by digest, once, here).
    const whole: Uint8Array[] = [];
    const smallSealed: Uint8Array[] = [];
    await drainWeb(repeatedChunkStream(chunk, few).pipeThrough(createSealStream(sealOptions(strongboxNode))), smallSealed);
    await drainWeb(chunkListStream(smallSealed).pipeThrough(createOpenStream(openOptions(strongboxNoble))), whole);
    checks.assert(sha256Hex(whole) === sha256Hex(repeat(chunk, few)), `${few * 64} KiB stream: noble opens what node sealed`);
  }

  // Raw node:crypto: one GCM message over all chunks (one update per chunk); raw noble: one shot
  // over the same bytes laid out contiguously. Identical ciphertext and tag.
  const rawChunks: Buffer[] = [];
  const rawTag = rawNodeEncryptChunks(chunk, count, rawChunks);
  checks.assert(rawNodeDecryptChunks(rawChunks, rawTag) === bytes, `${label}: raw node:crypto chunked decrypt(encrypt(x)) verifies`);
  const contiguous = new Uint8Array(bytes);
  for (let i = 0; i < count; i++) contiguous.set(chunk, i * STREAM_CHUNK);
  const rawNoble = rawNobleEncrypt(contiguous);
  let identical = rawNoble.length === bytes + 16 && sameBytes(rawNoble.subarray(bytes), rawTag);
  for (let i = 0; identical && i < count; i++) identical = sameBytes(rawNoble.subarray(i * STREAM_CHUNK, (i + 1) * STREAM_CHUNK), rawChunks[i]!);
  checks.assert(identical, `${label}: raw node:crypto (chunked) and raw noble (one shot) produce identical ciphertext and tag`);

  // AWS Encryption SDK, streaming.
  const esdkChunks = new Map<EsdkSetup, Buffer[]>();
  const esdkLengths = new Map<EsdkSetup, number>();
  for (const setup of ESDK_SETUPS) {
    const kept: Buffer[] = [];
    esdkLengths.set(setup, await drainNode(repeatedChunkReadable(chunk, count), esdk.encryptStream(esdkKeyring, esdkEncryptOptions(setup)), kept));
    esdkChunks.set(setup, kept);
    const back: Buffer[] = [];
    await drainNode(Readable.from(kept), esdk.decryptStream(esdkKeyring), back);
    checks.assert(sha256Hex(back) === expectedDigest, `${label}: ${setup.label}: decryptStream(encryptStream(x)) == x`);
  }

  /** Checks a timed run's output length; `slack` absorbs the varying length of a DER ECDSA signature. */
  const expect = (actual: number, expected: number, what: string, slack = 0): void => {
    if (Math.abs(actual - expected) > slack) throw new Error(`${what}: ${actual} bytes, expected ${expected}`);
  };
  const strongboxSeal = (setup: StrongboxSetup): BenchCase => {
    const options = sealOptions(setup);
    return {
      id: `strongbox-${setup.name}`,
      label: `Strongbox (${setup.name}) web streams`,
      bytesPerOp: bytes,
      run: async () => expect(await drainWeb(repeatedChunkStream(chunk, count).pipeThrough(createSealStream(options))), sealedLength, 'seal stream'),
      ...(setup === strongboxNoble ? slow : {}),
    };
  };
  const strongboxOpen = (setup: StrongboxSetup): BenchCase => {
    const options = openOptions(setup);
    return {
      id: `strongbox-${setup.name}`,
      label: `Strongbox (${setup.name}) web streams`,
      bytesPerOp: bytes,
      run: async () => expect(await drainWeb(chunkListStream(sealedChunks).pipeThrough(createOpenStream(options))), bytes, 'open stream'),
      ...(setup === strongboxNoble ? slow : {}),
    };
  };
  const esdkSeal = (setup: EsdkSetup): BenchCase => {
    const options = esdkEncryptOptions(setup);
    return {
      id: setup.id,
      label: `${setup.label} encryptStream`.replace(' [info] encryptStream', ' encryptStream [info]'),
      bytesPerOp: bytes,
      run: async () =>
        expect(
          await drainNode(repeatedChunkReadable(chunk, count), esdk.encryptStream(esdkKeyring, options)),
          esdkLengths.get(setup)!,
          'ESDK encryptStream',
          8,
        ),
    };
  };
  const esdkOpen = (setup: EsdkSetup): BenchCase => {
    const kept = esdkChunks.get(setup)!;
    return {
      id: setup.id,
      label: `${setup.label} decryptStream`.replace(' [info] decryptStream', ' decryptStream [info]'),
      bytesPerOp: bytes,
      run: async () => expect(await drainNode(Readable.from(kept), esdk.decryptStream(esdkKeyring)), bytes, 'ESDK decryptStream'),
    };
  };
  const identity = (source: () => ReadableStream<Uint8Array>): BenchCase => ({
    id: 'web-stream-identity',
    label: 'web streams, identity transform, no crypto [info]',
    bytesPerOp: bytes,
    run: () => drainWeb(source().pipeThrough(new TransformStream())),
  });
  return {
    seal: [
      strongboxSeal(strongboxNode),
      { id: 'raw-node', label: 'raw node:crypto AES-256-GCM (update per chunk)', bytesPerOp: bytes, run: () => rawNodeEncryptChunks(chunk, count) },
      strongboxSeal(strongboxNoble),
      { id: 'raw-noble', label: 'raw noble gcm (one shot, contiguous)', bytesPerOp: bytes, run: () => rawNobleEncrypt(contiguous), ...slow },
      ...ESDK_SETUPS.map(esdkSeal),
      identity(() => repeatedChunkStream(chunk, count)),
    ],
    open: [
      strongboxOpen(strongboxNode),
      { id: 'raw-node', label: 'raw node:crypto AES-256-GCM (update per chunk)', bytesPerOp: bytes, run: () => rawNodeDecryptChunks(rawChunks, rawTag) },
      strongboxOpen(strongboxNoble),
      { id: 'raw-noble', label: 'raw noble gcm (one shot, contiguous)', bytesPerOp: bytes, run: () => rawNobleDecrypt(rawNoble), ...slow },
      ...ESDK_SETUPS.map(esdkOpen),
      identity(() => chunkListStream(sealedChunks)),
    ],
  };
}

const INFO_IDS = new Set([esdkUnsigned.id, 'web-stream-identity', 'framed-node']);

/** Runs section 1. */
export async function runThroughput(config: ThroughputConfig, checks: Checks, progress: (message: string) => void): Promise<ThroughputGroup[]> {
  const groups: ThroughputGroup[] = [];
  const jobs: { bytes: number; mode: ThroughputGroup['mode']; options: GroupOptions }[] = [
    ...config.sizes.map((bytes) => ({ bytes, mode: 'one-shot' as const, options: bytes > 1024 * 1024 ? config.large : config.small })),
    { bytes: config.streamBytes, mode: 'web-stream' as const, options: config.stream },
  ];
  for (const job of jobs) {
    progress(`throughput ${job.bytes} B ${job.mode}: preparing and validating`);
    const cases = job.mode === 'one-shot' ? await oneShotCases(job.bytes, checks, config) : await streamCases(job.bytes, checks, config);
    for (const op of ['seal', 'open'] as const) {
      const measured = await measureGroup(cases[op], job.options, (m) => progress(`throughput ${job.bytes} B ${job.mode} ${op}: ${m}`));
      groups.push({ bytes: job.bytes, mode: job.mode, op, rows: measured.map((m) => ({ ...m, info: INFO_IDS.has(m.id) })) });
    }
  }
  return groups;
}
