/**
 * @module
 * UpdateAlias: points an existing alias at another customer managed key of the same account and
 * Region (key id or key ARN). The new key must have the key type and usage of the current one
 * (always true here: Strongbox keys are all symmetric ENCRYPT_DECRYPT). Needs kms:UpdateAlias on
 * the alias (IAM), the current key and the new key (key policies). The current key may be pending
 * deletion; the new one may not (key-state table, footnote 10). The new key must stay within the
 * 50-aliases-per-key quota, as for CreateAlias.
 */

import { aliasNotFound } from '../errors.ts';
import { aliasArn } from '../model/identifiers.ts';
import { structure } from '../protocol/shapes.ts';
import { ALIAS_NAME, requireAliasQuota, requireCustomerAliasName, requireKeyTarget } from './shared/aliases.ts';
import { aliasResources, keyIdResponse } from './shared/audit.ts';
import { unchanged, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** UpdateAlias request. */
export interface UpdateAliasRequest {
  AliasName: string;
  TargetKeyId: string;
}

/** UpdateAlias. */
export const updateAlias: OperationDefinition<'UpdateAlias', UpdateAliasRequest, void> = {
  name: 'UpdateAlias',
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'notPendingDeletion',
  input: structure({ AliasName: ALIAS_NAME, TargetKeyId: KEY_ID }, ['AliasName', 'TargetKeyId']),

  handler(input, context) {
    const { AliasName: aliasName } = input;
    requireCustomerAliasName(aliasName);
    requireKeyTarget(input.TargetKeyId);
    const { account } = context.caller;
    const { region } = context;
    const arn = aliasArn(region, account, aliasName);
    // A missing alias is refused before the target key is looked at.
    if (context.state.alias(account, region, aliasName) === undefined) throw aliasNotFound(arn);
    // The alias and the target key as they are now, committed in the same step: an alias deleted
    // or retargeted meanwhile is neither brought back nor reverted.
    return updateKey(context, input.TargetKeyId, (target) => {
      const alias = context.state.alias(account, region, aliasName);
      if (alias === undefined) throw aliasNotFound(arn);
      const current = context.state.key(alias.targetKeyId, region);
      // CloudTrail lists the alias (added by the dispatcher), then the new key (ct-updatealias.md).
      context.touch(target);
      // kms:UpdateAlias on the alias (IAM policy), the current key and the new key (key policies).
      // AWS managed keys are refused by their key policy ("You don't have permission to associate an
      // alias with an Amazon Web Services managed key", TargetKeyId doc).
      context.authorize('kms:UpdateAlias', undefined, { resourceArn: arn });
      if (current !== undefined) context.authorize('kms:UpdateAlias', current);
      context.authorize('kms:UpdateAlias', target);
      context.requireKeyState(target);
      if (alias.targetKeyId === target.keyId) return unchanged(undefined);
      // The new key takes one more alias: the 50-aliases-per-key quota holds for retargeting too.
      requireAliasQuota(context.state, target);
      return { changes: [{ type: 'putAlias', alias: { ...alias, targetKeyId: target.keyId, lastUpdatedDate: context.now } }], output: undefined };
    });
  },
  auditResources: (input, touched, scope) => aliasResources('before', input.AliasName, touched, scope),
  // responseElements.keyId: the affected key's ARN (dev guide ct-updatealias, entries since December 2022).
  auditResponse: keyIdResponse,
};
