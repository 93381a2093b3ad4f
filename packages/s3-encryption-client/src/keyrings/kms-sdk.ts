/**
 * @module
 * Adapts an `@aws-sdk/client-kms` `KMSClient` (pointed at AWS, at Strongbox or anywhere) to the
 * `KmsClientLike` shape the `kms+context` keyring calls. A separate subpath
 * (`@strongbox/s3-encryption-client/kms-sdk`), so only its users need `@aws-sdk/client-kms`.
 */

import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KmsClientLike } from './kms-keyring.ts';

/**
 * Wraps a `KMSClient` as a `KmsClientLike`.
 *
 * @example
 * ```ts
 * import { KMSClient } from '@aws-sdk/client-kms';
 * const keyring = new KmsKeyring({ kms: kmsClientAdapter(new KMSClient({})), kmsKeyId: 'alias/my-key' });
 * ```
 */
export function kmsClientAdapter(client: KMSClient): KmsClientLike {
  return {
    generateDataKey: (input) => client.send(new GenerateDataKeyCommand(input)),
    decrypt: (input) => client.send(new DecryptCommand(input)),
  };
}
