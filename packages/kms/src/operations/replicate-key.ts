/**
 * @module
 * ReplicateKey: creates a replica of a multi-Region primary key in another Region of the same
 * partition (any Region this endpoint serves: a client configured for the replica's Region then
 * reaches it). The replica shares the primary's key id, key material, key spec and usage, origin
 * and automatic rotation, and has its own key policy (default: the default key policy), description
 * and tags (default: none, "ReplicateKey uses different default values for the KeyPolicy and Tags
 * parameters than those used in the KMS console"). Cross-account use: no. The replica counts
 * against the "AWS KMS keys" quota of its own Region ("KMS pricing and quotas for KMS keys apply to
 * each primary key and replica key"), so a Region at the quota refuses it with LimitExceededException.
 */

import { KmsError } from '../errors.ts';
import { partitionOf } from '../model/identifiers.ts';
import { isPrimaryKey, replicated } from '../model/multi-region.ts';
import type { KeyRecord, Tag } from '../model/records.ts';
import { defaultKeyPolicy } from '../policy/default-policy.ts';
import { validateKeyPolicy } from '../policy/validate.ts';
import { boolean, string, structure } from '../protocol/shapes.ts';
import { type KeyMetadata, keyMetadata } from './shared/key-metadata.ts';
import { updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import { parseNewTags, TAG_LIST, type TagInput, tagConditions, toTagInputs } from './shared/tags.ts';
import type { OperationContext, OperationDefinition } from './types.ts';

/** ReplicateKey request. */
export interface ReplicateKeyRequest {
  KeyId: string;
  ReplicaRegion: string;
  Policy?: string;
  BypassPolicyLockoutSafetyCheck?: boolean;
  Description?: string;
  Tags?: TagInput[];
}

/** ReplicateKey response. */
export interface ReplicateKeyResponse {
  ReplicaKeyMetadata: KeyMetadata;
  ReplicaPolicy: string;
  ReplicaTags: TagInput[];
}

/**
 * The KMS model's `RegionType`: 1..32 characters, `^([a-z]+-){2,3}\d+$` (the pattern as Strongbox
 * has it from the model; the Coral text it produces for a malformed Region is generated, not
 * recorded).
 */
const REGION = string({ min: 1, max: 32, pattern: '^([a-z]+-){2,3}\\d+$' });

/** ReplicateKey. */
export const replicateKey: OperationDefinition<'ReplicateKey', ReplicateKeyRequest, ReplicateKeyResponse> = {
  name: 'ReplicateKey',
  // The ReplicateKey request in the primary's Region; the two CreateKey requests it also counts as
  // in the replica's Region are counted by the handler (below).
  quota: { perSecond: 5 },
  readOnly: false,
  // The primary must be usable: a disabled primary answers DisabledException, one scheduled for
  // deletion KMSInvalidStateException ("it cannot be replicated", ScheduleKeyDeletion API).
  keyState: 'usable',
  auditDefaults: { bypassPolicyLockoutSafetyCheck: false },
  input: structure(
    {
      KeyId: KEY_ID,
      ReplicaRegion: REGION,
      Policy: string({ min: 1, max: 131072 }),
      BypassPolicyLockoutSafetyCheck: boolean(),
      Description: string({ min: 0, max: 8192 }),
      Tags: TAG_LIST,
    },
    ['KeyId', 'ReplicaRegion'],
  ),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      const replicaRegion = input.ReplicaRegion;
      // Required permission: kms:ReplicateKey on the primary key, in its key policy
      // (`kms:ReplicaRegion` names the Region, dev guide "AWS KMS condition keys").
      context.authorize('kms:ReplicateKey', key, { conditions: { 'kms:ReplicaRegion': replicaRegion } });
      // The texts of the refusals below are LocalStack's (not AWS-validated): UNCONFIRMED.
      if (key.multiRegion === undefined) throw new KmsError('UnsupportedOperationException', `Unable to replicate a non-MultiRegion key ${key.keyId}`);
      if (!isPrimaryKey(key)) {
        // "It's the only key that can be replicated" (UpdatePrimaryRegion API): the primary.
        throw new KmsError(
          'UnsupportedOperationException',
          `Unable to replicate a multi-Region replica key ${key.keyId}: replicate its primary key in ${key.multiRegion.primaryRegion}`,
        );
      }
      context.requireKeyState(key);
      if (partitionOf(replicaRegion) !== partitionOf(key.region)) {
        // "in a different Region of the same AWS partition"; AWS's answer for another partition is UNCONFIRMED.
        throw new KmsError('UnsupportedOperationException', `Unable to replicate key ${key.keyId} to region ${replicaRegion}, which is in another partition`);
      }
      // "A ReplicateKey operation counts as one ReplicateKey request in the primary key's Region and
      // two CreateKey requests in the replica's Region. One of the CreateKey requests is a dry run
      // to detect potential problems before creating the key." ("Request quotas", ReplicateKey
      // request rate, https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html)
      // Both count for the calling account against CreateKey's own quota in the replica's Region
      // (under the 'aws' profile or an override). The dry run comes first and is counted even when
      // the CreateKey after it is throttled, as two separate requests would be. That they are
      // counted after the primary's checks and before the replica Region's is UNCONFIRMED.
      context.throttle('CreateKey', replicaRegion);
      context.throttle('CreateKey', replicaRegion);
      // "You cannot create more than one replica of a primary key in any Region": the primary's own
      // Region has the primary, and a replica scheduled for deletion still counts.
      if (context.state.key(key.keyId, replicaRegion) !== undefined) {
        throw new KmsError('AlreadyExistsException', `Unable to replicate key ${key.keyId} to region ${replicaRegion}, as the key already exist there`);
      }
      const { account } = context.caller;
      // kms:CreateKey (and kms:TagResource for Tags) in an IAM policy, checked in the replica's Region.
      const tags = parseNewTags(input.Tags);
      const replicaConditions = {
        'kms:KeySpec': key.keySpec,
        'kms:KeyUsage': key.keyUsage,
        'kms:KeyOrigin': key.origin,
        'kms:MultiRegion': true,
        'kms:MultiRegionKeyType': 'REPLICA',
        ...(tags.length === 0 ? {} : tagConditions(tags)),
      };
      context.authorizeIn(replicaRegion, 'kms:CreateKey', undefined, { conditions: replicaConditions });
      if (tags.length > 0) context.authorizeIn(replicaRegion, 'kms:TagResource', undefined, { conditions: tagConditions(tags) });
      const policy = input.Policy ?? defaultKeyPolicy(replicaRegion, account);
      if (input.Policy !== undefined) {
        validateKeyPolicy(input.Policy, {
          caller: context.caller,
          account,
          region: replicaRegion,
          bypassLockoutCheck: input.BypassPolicyLockoutSafetyCheck === true,
        });
      }
      // The replica is a new customer managed key in its Region; this step commits it (updateKey).
      context.requireKeyQuota(account, replicaRegion);
      const { primary, replica } = replicated(key, { region: replicaRegion, now: context.now, description: input.Description ?? '', policy, tags });
      // The replica first: putting the primary then copies the new configuration onto every replica.
      return {
        changes: [
          { type: 'putKey', key: replica },
          { type: 'putKey', key: primary },
        ],
        output: { replica, tags },
      };
    }).then(({ replica, tags }) => replicaCreated(input, context, replica, tags)),

  // The key policy is left out of the record (CreateKey records leave it out too, ct-createkey);
  // dates are written as Java dates by the dispatcher.
  auditResponse: (output) => ({ replicaKeyMetadata: output.ReplicaKeyMetadata }),
};

/** Records the replica-Region CreateKey event (once the replica is durable) and shapes the answer. */
function replicaCreated(input: ReplicateKeyRequest, context: OperationContext, replica: KeyRecord, tags: readonly Tag[]): ReplicateKeyResponse {
  const replicaMetadata = keyMetadata(replica);
  context.recordRelated({
    eventName: 'CreateKey',
    region: replica.region,
    readOnly: false,
    resources: [replica.arn],
    // The replica-Region CreateKey record's parameters and response are UNCONFIRMED: Strongbox
    // writes those of a CreateKey making such a key.
    requestParameters: {
      description: replica.description,
      keyUsage: replica.keyUsage,
      keySpec: replica.keySpec,
      customerMasterKeySpec: replica.keySpec,
      origin: replica.origin,
      multiRegion: true,
      bypassPolicyLockoutSafetyCheck: input.BypassPolicyLockoutSafetyCheck === true,
      ...(tags.length === 0 ? {} : { tags: tags.map((tag) => ({ tagKey: tag.key, tagValue: tag.value })) }),
    },
    responseElements: { keyMetadata: replicaMetadata },
    recipientAccountId: replica.account,
  });
  return { ReplicaKeyMetadata: replicaMetadata, ReplicaPolicy: replica.policy, ReplicaTags: toTagInputs(replica.tags) };
}
