/**
 * @module
 * DeleteAlias: removes an alias, whatever the state of its key (key-state table). Needs
 * kms:DeleteAlias on the alias (IAM) and on its key (key policy).
 */

import { aliasNotFound } from '../errors.ts';
import { aliasArn } from '../model/identifiers.ts';
import { structure } from '../protocol/shapes.ts';
import { ALIAS_NAME, requireCustomerAliasName } from './shared/aliases.ts';
import { aliasResources, keyIdResponse } from './shared/audit.ts';
import type { OperationDefinition } from './types.ts';

/** DeleteAlias request. */
export interface DeleteAliasRequest {
  AliasName: string;
}

/** DeleteAlias. */
export const deleteAlias: OperationDefinition<'DeleteAlias', DeleteAliasRequest, void> = {
  name: 'DeleteAlias',
  quota: { perSecond: 15 },
  readOnly: false,
  keyState: 'any',
  input: structure({ AliasName: ALIAS_NAME }, ['AliasName']),

  async handler(input, context) {
    const { AliasName: aliasName } = input;
    requireCustomerAliasName(aliasName);
    const { account } = context.caller;
    const { region } = context;
    const arn = aliasArn(region, account, aliasName);
    const alias = context.state.alias(account, region, aliasName);
    // The AWS text names the alias ARN (moto and LocalStack record the same).
    if (alias === undefined) throw aliasNotFound(arn);
    const key = context.state.key(alias.targetKeyId, region);
    // CloudTrail lists the alias (added by the dispatcher), then the key (ct-deletealias.md).
    // kms:DeleteAlias on the alias (IAM policy) and on the key (key policy).
    context.authorize('kms:DeleteAlias', undefined, { resourceArn: arn });
    if (key !== undefined) {
      context.touch(key);
      context.authorize('kms:DeleteAlias', key);
    }
    await context.commit({ type: 'deleteAlias', account, region, aliasName });
  },
  auditResources: (input, touched, scope) => aliasResources('before', input.AliasName, touched, scope),
  // responseElements.keyId: the affected key's ARN (dev guide ct-deletealias, entries since December 2022).
  auditResponse: keyIdResponse,
};
