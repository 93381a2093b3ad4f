/**
 * @module
 * Section 2: the small-message rate. Every `seal` draws a fresh 256-bit data key, wraps it with the
 * RawAesKeyring (AES-256-GCM under the wrapping key), derives the frame key and commitment and
 * authenticates the header: that per-message fixed cost is what a 1 KiB message measures. The AWS
 * Encryption SDK does the same per message (fresh data key, raw AES keyring), plus, in its default
 * suite, an ECDSA P-384 signature. Both carry the same two-pair encryption context; an
 * informational row shows Strongbox without one.
 */

import { type EncryptionContext, type GeneratedDataKey, type Keyring, type OpenOptions, open, type SealOptions, seal } from '@strongbox/envelope';
import { type Checks, sameBytes } from '../lib/checks.ts';
import { type BenchCase, type GroupOptions, type Measurement, measureGroup } from '../lib/harness.ts';
import {
  CONTEXT,
  type EsdkSetup,
  esdk,
  esdkDefault,
  esdkEncryptOptions,
  esdkKeyring,
  esdkUnsigned,
  KiB,
  randomData,
  type StrongboxSetup,
  strongboxNoble,
  strongboxNode,
} from './fixtures.ts';

/** The measured rows of one direction. */
export interface SmallMessageGroup {
  readonly bytes: number;
  readonly op: 'seal' | 'open';
  readonly rows: readonly (Measurement & { readonly info: boolean })[];
}

export const SMALL_MESSAGE_BYTES: number = 1 * KiB;

/** `keyring`, also copying into `keys` every data key a seal hands it (or it generates). */
function recordingKeyring(keyring: Keyring, keys: Uint8Array[]): Keyring {
  const generate = keyring.generateDataKey?.bind(keyring);
  return {
    // The data key is borrowed (the core wipes it after sealing): keep a copy.
    wrapDataKey: (dataKey, context) => {
      keys.push(dataKey.slice());
      return keyring.wrapDataKey(dataKey, context);
    },
    unwrapDataKey: (wrapped, context) => keyring.unwrapDataKey(wrapped, context),
    ...(generate === undefined
      ? {}
      : {
          generateDataKey: async (length: number, context: EncryptionContext): Promise<GeneratedDataKey> => {
            const generated = await generate(length, context);
            keys.push(generated.dataKey.slice());
            return generated;
          },
        }),
  };
}

/** Runs section 2. */
export async function runSmallMessages(options: GroupOptions, checks: Checks, progress: (message: string) => void): Promise<SmallMessageGroup[]> {
  const bytes = SMALL_MESSAGE_BYTES;
  const plaintext = randomData(bytes);
  progress('small messages: preparing and validating');

  const strongbox: { setup: StrongboxSetup; seal: SealOptions; open: OpenOptions; sealed: Uint8Array }[] = [];
  for (const setup of [strongboxNode, strongboxNoble]) {
    const sealOpts: SealOptions = { keyring: setup.keyring, context: CONTEXT, backend: setup.backend };
    const openOpts: OpenOptions = { keyring: setup.keyring, context: CONTEXT, backend: setup.backend };
    const sealed = await seal(plaintext, sealOpts);
    checks.assert(sameBytes(await open(sealed, openOpts), plaintext), `1 KiB: Strongbox ${setup.name}: open(seal(x)) == x`);
    // The per-message cost includes a fresh data key: two seals of the same bytes use different
    // ones (the message id alone would make the sealed bytes differ, so compare the keys).
    const dataKeys: Uint8Array[] = [];
    const recording: SealOptions = { ...sealOpts, keyring: recordingKeyring(setup.keyring, dataKeys) };
    await seal(plaintext, recording);
    await seal(plaintext, recording);
    checks.assert(
      dataKeys.length === 2 && dataKeys[0]!.length === 32 && !sameBytes(dataKeys[0]!, dataKeys[1]!),
      `1 KiB: Strongbox ${setup.name}: two seals use two different 256-bit data keys`,
    );
    strongbox.push({ setup, seal: sealOpts, open: openOpts, sealed });
  }
  // The same without an encryption context: what the context's canonicalisation costs per message.
  const bare: SealOptions & OpenOptions = { keyring: strongboxNode.keyring, backend: strongboxNode.backend };
  const bareSealed = await seal(plaintext, bare);
  checks.assert(sameBytes(await open(bareSealed, bare), plaintext), `1 KiB: Strongbox node, no context: open(seal(x)) == x`);

  const esdkRuns: { setup: EsdkSetup; sealed: Buffer }[] = [];
  for (const setup of [esdkDefault, esdkUnsigned]) {
    const { result } = await esdk.encrypt(esdkKeyring, plaintext, esdkEncryptOptions(setup));
    const { plaintext: back } = await esdk.decrypt(esdkKeyring, result);
    checks.assert(sameBytes(back, plaintext), `1 KiB: ${setup.label}: decrypt(encrypt(x)) == x`);
    esdkRuns.push({ setup, sealed: result });
  }

  const info = (id: string): boolean => id === 'strongbox-noble' || id === 'strongbox-node-no-context' || id === esdkUnsigned.id;
  const bareLabel = 'Strongbox (node), no encryption context';
  const sealCases: BenchCase[] = [
    ...strongbox.map(({ setup, seal: o }) => ({
      id: `strongbox-${setup.name}`,
      label: `Strongbox (${setup.name})`,
      bytesPerOp: bytes,
      run: () => seal(plaintext, o),
    })),
    { id: 'strongbox-node-no-context', label: bareLabel, bytesPerOp: bytes, run: () => seal(plaintext, bare) },
    ...esdkRuns.map(({ setup }) => {
      const o = esdkEncryptOptions(setup);
      return { id: setup.id, label: setup.label, bytesPerOp: bytes, run: () => esdk.encrypt(esdkKeyring, plaintext, o) };
    }),
  ];
  const openCases: BenchCase[] = [
    ...strongbox.map(({ setup, open: o, sealed }) => ({
      id: `strongbox-${setup.name}`,
      label: `Strongbox (${setup.name})`,
      bytesPerOp: bytes,
      run: () => open(sealed, o),
    })),
    { id: 'strongbox-node-no-context', label: bareLabel, bytesPerOp: bytes, run: () => open(bareSealed, bare) },
    ...esdkRuns.map(({ setup, sealed }) => ({ id: setup.id, label: setup.label, bytesPerOp: bytes, run: () => esdk.decrypt(esdkKeyring, sealed) })),
  ];
  const groups: SmallMessageGroup[] = [];
  for (const [op, cases] of [
    ['seal', sealCases],
    ['open', openCases],
  ] as const) {
    const measured = await measureGroup(cases, options, (m) => progress(`small messages ${op}: ${m}`));
    groups.push({
      bytes,
      op,
      rows: measured.map((m) => ({ ...m, label: info(m.id) && !m.label.endsWith('[info]') ? `${m.label} [info]` : m.label, info: info(m.id) })),
    });
  }
  return groups;
}
