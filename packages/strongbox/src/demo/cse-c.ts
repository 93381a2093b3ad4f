/**
 * @module
 * CSE-C: client-side encryption with the caller's own AES key (the S3 Encryption Client's AES
 * keyring, wrapping algorithm `AES/GCM`). The data key is wrapped locally; neither S3 nor KMS ever
 * sees a key, and the trail shows no KMS call. The wrapping key is never printed.
 */

import { AesKeyring } from '@strongbox/s3-encryption-client';
import { clientSideRound } from './client-side.ts';
import type { DemoContext } from './context.ts';
import { kmsEvents, textBytes } from './steps.ts';

/**
 * Puts and gets one object with CSE-C under a fresh random wrapping key.
 * @throws the SDK's or the encryption client's error when a request the demo expects to succeed fails.
 * @example await cseCStep(context)
 */
export async function cseCStep(context: DemoContext): Promise<void> {
  const { printer } = context;
  printer.section('CSE-C', 'client-side encryption with your own key');
  printer.note(
    "The S3 Encryption Client wraps each data key under the caller's AES key, locally. Neither S3\nnor KMS ever sees a key; the wrapping key is never shown here.",
  );
  const keyring = new AesKeyring({ wrappingKey: context.random(32), random: context.random });
  const events = await clientSideRound(context, {
    key: 'cse-c/diary.txt',
    plaintext: textBytes('private diary, encrypted on the client with my own key\n'),
    keyring,
  });
  printer.check('no KMS call: the key never leaves the client', kmsEvents(events).length === 0);
}
