/**
 * @module
 * The `ServerSideEncryptionConfiguration` shape of Put/GetBucketEncryption (the SDK's member
 * names) to and from the model's `BucketEncryption`.
 */

import { S3Error } from '../../errors.ts';
import type { BucketEncryption, BucketEncryptionRuleInput } from '../../model/bucket-encryption.ts';
import { flattened, struct, type XmlStructure } from '../../protocol/binding.ts';

/** One rule, as the SDK names its members. */
export interface ServerSideEncryptionRule {
  ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string };
  BucketKeyEnabled?: boolean;
  BlockedEncryptionTypes?: { EncryptionType?: string[] };
}

/** A bucket's encryption configuration, as the SDK names its members. */
export interface ServerSideEncryptionConfiguration {
  Rules: ServerSideEncryptionRule[];
}

/**
 * The rules of a request, for the model to check.
 * @throws S3Error MalformedXML when the configuration is not a list of rules.
 */
export function rulesOf(configuration: unknown): BucketEncryptionRuleInput[] {
  const rules = (configuration as { Rules?: unknown } | undefined)?.Rules;
  if (!Array.isArray(rules)) throw new S3Error('MalformedXML');
  return rules.map((rule: ServerSideEncryptionRule | undefined) => ({
    algorithm: rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    kmsMasterKeyId: rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID,
    bucketKeyEnabled: rule?.BucketKeyEnabled,
    blockedEncryptionTypes: rule?.BlockedEncryptionTypes?.EncryptionType,
  }));
}

/** A stored configuration as GetBucketEncryption returns it (the element omitted when the list is empty). */
export function configurationOf(encryption: BucketEncryption): ServerSideEncryptionConfiguration {
  return {
    Rules: [
      {
        ApplyServerSideEncryptionByDefault: {
          SSEAlgorithm: encryption.algorithm,
          ...(encryption.kmsMasterKeyId === undefined ? {} : { KMSMasterKeyID: encryption.kmsMasterKeyId }),
        },
        BucketKeyEnabled: encryption.bucketKeyEnabled,
        ...(encryption.blockedEncryptionTypes.length === 0 ? {} : { BlockedEncryptionTypes: { EncryptionType: [...encryption.blockedEncryptionTypes] } }),
      },
    ],
  };
}

/**
 * The XML shape of `ServerSideEncryptionConfiguration` (model PutBucketEncryption; the flattened
 * `Rule` and `EncryptionType` lists as s3-sse.md §3.1 shows them).
 */
export const SERVER_SIDE_ENCRYPTION_CONFIGURATION: XmlStructure = struct({
  Rules: flattened(
    struct({
      ApplyServerSideEncryptionByDefault: struct({ SSEAlgorithm: 'string', KMSMasterKeyID: 'string' }),
      BucketKeyEnabled: 'boolean',
      BlockedEncryptionTypes: struct({ EncryptionType: flattened('string') }),
    }),
    'Rule',
  ),
});
