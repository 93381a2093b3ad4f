/**
 * @module
 * CreateAlias: a new `alias/...` name in the caller's account and Region for a customer managed
 * key (key id or key ARN, not an alias). Needs kms:CreateAlias on the alias (IAM) and on the key
 * (key policy). Names must be unique; at most 50 aliases per key; refused for a key pending
 * deletion. Alias rules and their AWS texts: shared/aliases.ts.
 */

import { KmsError } from '../errors.ts';
import { aliasArn } from '../model/identifiers.ts';
import { structure } from '../protocol/shapes.ts';
import { ALIAS_NAME, requireAliasCharacters, requireAliasQuota, requireCustomerAliasName, requireKeyTarget } from './shared/aliases.ts';
import { aliasResources, keyIdResponse } from './shared/audit.ts';
import { updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** CreateAlias request. */
export interface CreateAliasRequest {
  AliasName: string;
  TargetKeyId: string;
}

/** CreateAlias. */
export const createAlias: OperationDefinition<'CreateAlias', CreateAliasRequest, void> = {
  name: 'CreateAlias',
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'notPendingDeletion',
  input: structure({ AliasName: ALIAS_NAME, TargetKeyId: KEY_ID }, ['AliasName', 'TargetKeyId']),

  handler(input, context) {
    const { AliasName: aliasName } = input;
    requireCustomerAliasName(aliasName);
    requireAliasCharacters(aliasName);
    requireKeyTarget(input.TargetKeyId);
    // On the target key's current record, committed in the same step: no alias names a key
    // deleted meanwhile, and of two creations of one alias the second finds the first.
    return updateKey(context, input.TargetKeyId, (key) => {
      const { account } = context.caller;
      const arn = aliasArn(context.region, account, aliasName);
      // CloudTrail lists the key, then the alias (added by the dispatcher; ct-createalias.md).
      context.touch(key);
      // "kms:CreateAlias on the alias (IAM policy). kms:CreateAlias on the KMS key (key policy)."
      context.authorize('kms:CreateAlias', undefined, { resourceArn: arn });
      context.authorize('kms:CreateAlias', key);
      context.requireKeyState(key);
      if (context.state.alias(account, context.region, aliasName) !== undefined) {
        // Real AWS text, with the alias ARN and no final period (giantswarm/aws-operator#239, crossplane-contrib/provider-aws#1741).
        throw new KmsError('AlreadyExistsException', `An alias with the name ${arn} already exists`);
      }
      requireAliasQuota(context.state, key);
      const now = context.now;
      const alias = { account, region: context.region, aliasName, targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now };
      return { changes: [{ type: 'putAlias', alias }], output: undefined };
    });
  },
  auditResources: (input, touched, scope) => aliasResources('after', input.AliasName, touched, scope),
  // responseElements.keyId: the affected key's ARN (dev guide ct-createalias, entries since December 2022).
  auditResponse: keyIdResponse,
};
