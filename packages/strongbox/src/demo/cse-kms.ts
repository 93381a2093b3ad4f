/**
 * @module
 * CSE-KMS: the S3 Encryption Client (V3 format, key commitment) asks KMS itself for a data key
 * (GenerateDataKey with the caller's encryption context plus `aws:x-amz-cek-alg`), encrypts the
 * object before sending it, and stores the wrapped data key in the object's metadata. The trail
 * shows the caller calling KMS directly (no `invokedBy`); S3 never sees a key. AWS: "Amazon S3
 * Encryption Client", the `kms+context` wrapping algorithm.
 */

import { KmsKeyring } from '@strongbox/s3-encryption-client';
import { kmsClientAdapter } from '@strongbox/s3-encryption-client/kms-sdk';
import { clientSideRound } from './client-side.ts';
import type { DemoContext, DemoKey } from './context.ts';
import { kmsEvents, textBytes } from './steps.ts';

/**
 * Puts and gets one object with CSE-KMS under the demo's key, with an encryption context.
 * @throws the SDK's or the encryption client's error when a request the demo expects to succeed fails.
 * @example await cseKmsStep(context)
 */
export async function cseKmsStep(context: DemoContext): Promise<void> {
  const { printer } = context;
  const key = context.key as DemoKey;
  printer.section('CSE-KMS', 'client-side encryption with a KMS key');
  printer.note(
    'The S3 Encryption Client asks KMS for a data key itself, encrypts before sending, and puts the\nwrapped data key in the object metadata. S3 receives ciphertext only.',
  );
  const keyring = new KmsKeyring({ kms: kmsClientAdapter(context.kms), kmsKeyId: key.arn });
  const events = await clientSideRound(context, {
    key: 'cse-kms/ledger.txt',
    plaintext: textBytes('general ledger, encrypted on the client with a KMS data key\n'),
    keyring,
    options: { encryptionContext: { department: 'finance' } },
  });
  const generated = kmsEvents(events, 'GenerateDataKey');
  printer.check('one GenerateDataKey, called by the client itself (no invokedBy)', generated.length === 1 && generated[0]?.invokedBy === undefined);
  printer.check(
    "its encryption context is the caller's plus aws:x-amz-cek-alg",
    generated[0]?.encryptionContext?.includes('department=finance') === true && generated[0]?.encryptionContext?.includes('aws:x-amz-cek-alg=') === true,
  );
  printer.check('the GET caused one Decrypt, by the client', kmsEvents(events, 'Decrypt').filter((event) => event.invokedBy === undefined).length === 1);
}
