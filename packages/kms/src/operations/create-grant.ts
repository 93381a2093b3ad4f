/**
 * @module
 * CreateGrant (API reference; dev guide "Grants in AWS KMS"): adds a grant to a key (key id or
 * ARN), returning its id and a grant token. Rules enforced here:
 *
 * - operations from the GrantOperation enum that a symmetric encryption key supports (Sign,
 *   Verify, GetPublicKey, GenerateMac, VerifyMac and DeriveSharedSecret are refused with
 *   `ValidationError`, the name the API reference documents; older SDK documentation says
 *   `ValidationException`, and no wire capture settles it: UNCONFIRMED);
 * - not CreateGrant alone: ValidationException "Grants must not contain only the CreateGrant
 *   operation." (captured from AWS, ansible/ansible#31960, 2019);
 * - encryption-context constraints of at most 8 pairs and 384-character values;
 * - Name idempotency per key: the same name with the same parameters returns the original GrantId
 *   (and a new token); different parameters make a new grant, since the grant "does not exist"
 *   (API reference, Name) and KMS has no conflict error for CreateGrant;
 * - 50,000 grants per customer managed key (LimitExceededException; "This quota does not apply
 *   to AWS managed keys", dev guide "Resource quotas");
 * - authorization by kms:CreateGrant with the kms:GrantOperations, kms:GranteePrincipal,
 *   kms:RetiringPrincipal, kms:GrantConstraintType and kms:GrantIsForAWSResource condition keys;
 *   a grantee creating a grant through its own grant can only pass on a subset of its operations
 *   under constraints at least as strict (policy/authorize.ts).
 *
 * Known difference: grants for service principals (GranteeServicePrincipal,
 * RetiringServicePrincipal, the SourceArn constraint; KMS model 2025) are not modelled.
 */

import { dryRunSucceeded, KmsError } from '../errors.ts';
import {
  GRANT_OPERATIONS,
  MAX_CONSTRAINT_PAIRS,
  MAX_CONSTRAINT_VALUE_LENGTH,
  MAX_GRANTS_PER_KEY,
  newGrantId,
  newGrantToken,
  sameGrantParameters,
} from '../model/grants.ts';
import { accountRootArn } from '../model/identifiers.ts';
import type { GrantConstraints, GrantOperation, GrantRecord, KeyRecord } from '../model/records.ts';
import { constraintFailure, enumOf, list, string, structure, validationError } from '../protocol/shapes.ts';
import { grantOperationsFor } from './shared/grant-operations.ts';
import { type GrantConstraintsShape, PRINCIPAL_ID, SERVICE_PRINCIPAL } from './shared/grants.ts';
import { unchanged, updateKey } from './shared/key-update.ts';
import { DRY_RUN, ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** CreateGrant request. */
export interface CreateGrantRequest {
  KeyId: string;
  GranteePrincipal?: string;
  RetiringPrincipal?: string;
  Operations: string[];
  Constraints?: GrantConstraintsShape;
  GrantTokens?: string[];
  Name?: string;
  DryRun?: boolean;
  GranteeServicePrincipal?: string;
  RetiringServicePrincipal?: string;
}

/** CreateGrant response. */
export interface CreateGrantResponse {
  GrantToken: string;
  GrantId: string;
}

/** CreateGrant. */
export const createGrant: OperationDefinition<'CreateGrant', CreateGrantRequest, CreateGrantResponse> = {
  name: 'CreateGrant',
  quota: { perSecond: 50 },
  readOnly: false,
  keyState: 'usable',
  input: structure(
    {
      KeyId: KEY_ID,
      GranteePrincipal: PRINCIPAL_ID,
      RetiringPrincipal: PRINCIPAL_ID,
      Operations: list(enumOf(GRANT_OPERATIONS)),
      Constraints: structure({
        EncryptionContextSubset: ENCRYPTION_CONTEXT,
        EncryptionContextEquals: ENCRYPTION_CONTEXT,
        SourceArn: string({ min: 20, max: 512, pattern: '^arn:aws[a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$' }),
      }),
      GrantTokens: GRANT_TOKENS,
      Name: string({ min: 1, max: 256, pattern: '^[a-zA-Z0-9:/_-]+$' }),
      DryRun: DRY_RUN,
      GranteeServicePrincipal: SERVICE_PRINCIPAL,
      RetiringServicePrincipal: SERVICE_PRINCIPAL,
    },
    ['KeyId', 'Operations'],
  ),

  // On the key's current record, with the grant committed in the same step: a key deleted
  // meanwhile gets no grant, and two identical named grants made at once are one (idempotence).
  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      const granteePrincipal = requireGrantee(input);
      const operations = [...new Set(input.Operations as GrantOperation[])];
      const constraints = grantConstraints(input.Constraints);
      checkOperationList(operations);
      const grantTokens = input.GrantTokens ? { grantTokens: input.GrantTokens } : {};
      const conditions = {
        'kms:GrantOperations': operations,
        'kms:GranteePrincipal': granteePrincipal,
        ...(input.RetiringPrincipal === undefined ? {} : { 'kms:RetiringPrincipal': input.RetiringPrincipal }),
        ...(constraints === undefined ? {} : { 'kms:GrantConstraintType': Object.keys(input.Constraints!).filter((k) => k.startsWith('EncryptionContext')) }),
        'kms:GrantIsForAWSResource': context.caller.invokedBy !== undefined,
      };
      context.authorize(
        'kms:CreateGrant',
        key,
        { ...grantTokens, conditions },
        { childGrant: { operations, ...(constraints === undefined ? {} : { constraints }) } },
      );
      context.requireKeyState(key);
      // The checks that depend on the key's type come after authorization and the key state, as
      // Sign's and Encrypt's key-usage checks do, so a caller who may not create grants on the key
      // cannot learn its type from the error (AWS's order here is UNCONFIRMED).
      checkOperationsFor(operations, key, constraints !== undefined);
      if (input.DryRun === true) throw dryRunSucceeded();

      const wanted = {
        keyId: key.keyId,
        region: key.region,
        name: input.Name ?? '',
        granteePrincipal,
        ...(input.RetiringPrincipal === undefined ? {} : { retiringPrincipal: input.RetiringPrincipal }),
        operations,
        ...(constraints === undefined ? {} : { constraints }),
      };
      const existing = context.state.grantsOf(key.keyId, key.region);
      const same = input.Name === undefined ? undefined : existing.find((grant) => sameGrantParameters(grant, wanted));
      if (same !== undefined) return unchanged({ GrantToken: newGrantToken(context.random, same.grantId), GrantId: same.grantId });
      // "Resource quotas" lists "Grants per KMS key | 50,000 | Applies to: Customer managed keys"
      // (key policy size, by contrast, applies to "Customer managed keys, AWS managed keys"), and
      // "Some resource quotas apply only to resources that you create, but not to resources that
      // AWS services create for you" (resource-limits.html): services such as EBS may hold any
      // number of grants on alias/aws/ebs.
      if (key.keyManager === 'CUSTOMER' && existing.length >= MAX_GRANTS_PER_KEY) {
        // Text UNCONFIRMED: the quota is documented (50,000 grants per key), the message is not.
        throw new KmsError('LimitExceededException', `The grant quota of ${MAX_GRANTS_PER_KEY} grants for key ${key.arn} has been reached.`);
      }
      const grant: GrantRecord = {
        ...wanted,
        grantId: newGrantId(context.random),
        creationDate: context.now,
        issuingAccount: accountRootArn(context.region, context.caller.account),
      };
      return { changes: [{ type: 'putGrant', grant }], output: { GrantToken: newGrantToken(context.random, grant.grantId), GrantId: grant.grantId } };
    }),

  auditParameters: (input) => ({
    keyId: input.KeyId,
    ...(input.GranteePrincipal === undefined ? {} : { granteePrincipal: input.GranteePrincipal }),
    ...(input.RetiringPrincipal === undefined ? {} : { retiringPrincipal: input.RetiringPrincipal }),
    operations: input.Operations,
    ...(input.Constraints === undefined ? {} : { constraints: lowerCamelConstraints(input.Constraints) }),
    ...(input.Name === undefined ? {} : { name: input.Name }),
  }),
  // responseElements: `{grantId}`, never the token (ct-creategrant).
  auditResponse: (output) => ({ grantId: output.GrantId }),
};

function requireGrantee(input: CreateGrantRequest): string {
  if (input.GranteeServicePrincipal !== undefined || input.RetiringServicePrincipal !== undefined || input.Constraints?.SourceArn !== undefined) {
    throw new KmsError(
      'UnsupportedOperationException',
      'Strongbox does not model grants for service principals (GranteeServicePrincipal, RetiringServicePrincipal, SourceArn).',
    );
  }
  // The 2025 model made GranteePrincipal optional (GranteeServicePrincipal is the alternative);
  // without either, answer as the service did while it was required.
  if (input.GranteePrincipal === undefined) throw validationError([constraintFailure('granteePrincipal', undefined, 'Member must not be null')]);
  return input.GranteePrincipal;
}

/**
 * Checks the operation list on its own (not against the key, so it reveals nothing about it).
 * @throws KmsError ValidationException (texts UNCONFIRMED but for CreateGrant alone).
 */
function checkOperationList(operations: readonly GrantOperation[]): void {
  if (operations.length === 0) {
    // Text UNCONFIRMED: KMS requires at least one operation; the model states no minimum.
    throw validationError([constraintFailure('operations', [], 'Member must have length greater than or equal to 1')]);
  }
  // Captured from AWS (ansible/ansible#31960). Its order among the other checks is UNCONFIRMED.
  if (operations.every((op) => op === 'CreateGrant')) throw new KmsError('ValidationException', 'Grants must not contain only the CreateGrant operation.');
}

/** Checks the operations (and constraints) against the key type. @throws KmsError ValidationError (texts UNCONFIRMED). */
function checkOperationsFor(operations: readonly GrantOperation[], key: KeyRecord, constrained: boolean): void {
  const keySpec = key.keySpec;
  const allowed = grantOperationsFor(key);
  const refused = operations.filter((op) => !allowed.has(op));
  if (constrained && keySpec !== 'SYMMETRIC_DEFAULT')
    throw new KmsError('ValidationError', `Grant constraints are not valid for a KMS key with key spec ${keySpec}.`);
  if (refused.length > 0) throw new KmsError('ValidationError', `Grant operations ${refused.join(', ')} are not valid for a KMS key with key spec ${keySpec}.`);
}

/** The record form of `Constraints`, checked against the quotas. @throws KmsError ValidationException (text UNCONFIRMED). */
function grantConstraints(shape: GrantConstraintsShape | undefined): GrantConstraints | undefined {
  if (shape === undefined || (shape.EncryptionContextEquals === undefined && shape.EncryptionContextSubset === undefined)) return undefined;
  for (const context of [shape.EncryptionContextEquals, shape.EncryptionContextSubset]) {
    if (context === undefined) continue;
    const entries = Object.entries(context);
    if (entries.length > MAX_CONSTRAINT_PAIRS)
      throw new KmsError('ValidationException', `An encryption context grant constraint can have at most ${MAX_CONSTRAINT_PAIRS} key-value pairs.`);
    if (entries.some(([, value]) => value.length > MAX_CONSTRAINT_VALUE_LENGTH)) {
      throw new KmsError('ValidationException', `An encryption context grant constraint value can have at most ${MAX_CONSTRAINT_VALUE_LENGTH} characters.`);
    }
  }
  return {
    ...(shape.EncryptionContextEquals === undefined ? {} : { encryptionContextEquals: { ...shape.EncryptionContextEquals } }),
    ...(shape.EncryptionContextSubset === undefined ? {} : { encryptionContextSubset: { ...shape.EncryptionContextSubset } }),
  };
}

function lowerCamelConstraints(constraints: GrantConstraintsShape): Record<string, unknown> {
  return Object.fromEntries(Object.entries(constraints).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]));
}
