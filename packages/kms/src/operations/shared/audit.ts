/**
 * @module
 * Audit fields several operations share: the `keyMaterialId` KMS logs for cryptographic calls,
 * the affected key's ARN KMS logs as `responseElements.keyId` for operations without output, and
 * the alias ARN the alias operations list among their resources.
 */

import { type CallScope, immutableAuditField } from '@strongbox/service-kernel';
import { readBlobHeader } from '../../model/ciphertext-blob.ts';
import { aliasArn } from '../../model/identifiers.ts';
import type { OperationContext } from '../types.ts';

/**
 * `additionalEventData.keyMaterialId` of a cryptographic call that answered with one
 * (ct-generatedatakey, 2025).
 * @example keyMaterialIdOf({}, { KeyMaterialId: 'ab…' }) // { keyMaterialId: 'ab…' }
 */
export function keyMaterialIdOf(_input: unknown, output: unknown): Record<string, unknown> | undefined {
  const id = typeof output === 'object' && output !== null ? (output as { readonly KeyMaterialId?: unknown }).KeyMaterialId : undefined;
  return typeof id === 'string' ? materialIdField(id) : undefined;
}

/**
 * One frozen `{ keyMaterialId }` per backing key, registered with the trail as immutable: every
 * call under that material records the same object, so the trail keeps no new object per call
 * and measures it once. Its JSON is what a fresh object's would be. Bounded: past the bound, the
 * table starts afresh (an id not in it gets a new frozen object, as before).
 */
function materialIdField(id: string): Record<string, unknown> {
  if (id === lastMaterialId && lastMaterialField !== undefined) return lastMaterialField;
  let field = MATERIAL_ID_FIELDS.get(id);
  if (field === undefined) {
    if (MATERIAL_ID_FIELDS.size >= MAX_MATERIAL_ID_FIELDS) MATERIAL_ID_FIELDS.clear();
    field = immutableAuditField({ keyMaterialId: id });
    MATERIAL_ID_FIELDS.set(id, field);
  }
  lastMaterialId = id;
  lastMaterialField = field;
  return field;
}

const MATERIAL_ID_FIELDS = new Map<string, Record<string, unknown>>();
const MAX_MATERIAL_ID_FIELDS = 10_000;
// The field handed out last: a run of calls under one backing key finds it without the lookup.
let lastMaterialId: string | undefined;
let lastMaterialField: Record<string, unknown> | undefined;

/**
 * Encrypt's `additionalEventData.keyMaterialId` (ct-encrypt, 2025): its response has no
 * `KeyMaterialId` member, but its record has the field: the material the new blob's header
 * names, looked up in the state.
 * @example encryptedMaterialIdOf({}, { CiphertextBlob }, context) // { keyMaterialId: '…' }
 */
export function encryptedMaterialIdOf(_input: unknown, output: unknown, context: OperationContext): Record<string, unknown> | undefined {
  const blob = typeof output === 'object' && output !== null ? (output as { readonly CiphertextBlob?: unknown }).CiphertextBlob : undefined;
  if (!(blob instanceof Uint8Array)) return undefined;
  const header = readBlobHeader(blob);
  const material = header === undefined ? undefined : context.state.key(header.keyId, context.region)?.materials.find((m) => m.version === header.version);
  return material === undefined ? undefined : materialIdField(material.materialId);
}

/**
 * The resources of an alias operation: the keys it touched and the alias, which KMS lists as a
 * resource of type AWS::KMS::Key: key then alias for CreateAlias, alias then key for UpdateAlias
 * and DeleteAlias (ct-createalias, ct-updatealias, ct-deletealias).
 * @example aliasResources('after', 'alias/orders', [keyArn], scope) // [keyArn, aliasArn]
 */
export function aliasResources(order: 'after' | 'before', aliasName: unknown, touched: readonly string[], scope: CallScope): readonly string[] {
  if (typeof aliasName !== 'string' || !aliasName.startsWith('alias/')) return touched;
  const alias = aliasArn(scope.region, scope.caller.account, aliasName);
  return order === 'after' ? [...touched, alias] : [alias, ...touched];
}

/**
 * `responseElements` of an operation that returns nothing but whose CloudTrail entries carry the
 * affected key's ARN: "CloudTrail log entries for this operation recorded on or after December
 * 2022 include the key ARN of the affected KMS key in the `responseElements.keyId` value, even
 * though this operation does not return the key ARN" (dev guide ct-enablekey, ct-disablekey,
 * ct-enablekeyrotation, ct-createalias, ct-deletealias, ct-updatealias,
 * ct-update-primary-region). The affected key is the first one the handler touched (the alias
 * operations touch their target key only); null when it touched none.
 * @example keyIdResponse(undefined, input, context) // { keyId: 'arn:aws:kms:us-east-1:111122223333:key/…' }
 */
export function keyIdResponse(_output: unknown, _input: unknown, context: OperationContext): Record<string, unknown> | null {
  const arn = context.resources[0];
  return arn === undefined ? null : { keyId: arn };
}
