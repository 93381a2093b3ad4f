/**
 * @module
 * What goes into an audit event besides the call itself: CloudTrail `requestParameters` (with the
 * defaults KMS fills in, and never plaintext or ciphertext), `responseElements`,
 * `additionalEventData`, `resources`, and which service event a clock-driven change is.
 */

import type { RequestContext } from './context.ts';
import type { ServiceEventName } from './model/audit.ts';
import { readBlobHeader } from './model/ciphertext-blob.ts';
import { javaDateString } from './model/cloudtrail.ts';
import { emptyRecord } from './model/dictionary.ts';
import { grantIdOfToken } from './model/grants.ts';
import { aliasArn } from './model/identifiers.ts';
import type { KeyRecord } from './model/records.ts';
import type { Change, KmsState } from './model/state.ts';
import { isCryptographic, type OperationName } from './operations/catalog.ts';
import { OPERATIONS } from './operations/index.ts';
import type { Shape } from './protocol/shapes.ts';
import type { CallScope } from './dispatch.ts';

/**
 * Which service event a clock-driven change is, judged against the state before it applies:
 * a deleted key is DeleteKey, a key that gained a backing key is RotateKey, a key whose imported
 * material went away is DeleteExpiredKeyMaterial; other bookkeeping changes log nothing.
 */
export function serviceEventOf(change: Change, state: KmsState): [ServiceEventName, KeyRecord][] {
  if (change.type === 'deleteKey') {
    const key = state.key(change.keyId);
    return key === undefined ? [] : [['DeleteKey', key]];
  }
  if (change.type !== 'putKey') return [];
  const before = state.key(change.key.keyId);
  if (before === undefined) return [];
  if (change.key.materials.length > before.materials.length) return [['RotateKey', change.key]];
  if (before.state !== 'PendingImport' && change.key.state === 'PendingImport') return [['DeleteExpiredKeyMaterial', change.key]];
  return [];
}

/**
 * Values KMS fills into `requestParameters` when the caller left them out (KMS Developer Guide
 * CloudTrail examples: ct-decrypt "always includes encryptionAlgorithm", ct-encrypt, ct-reencrypt,
 * ct-createkey, ct-put-key-policy, ct-getkeypolicy).
 */
const PARAMETER_DEFAULTS: Partial<Record<OperationName, Readonly<Record<string, unknown>>>> = {
  Encrypt: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  Decrypt: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  ReEncrypt: { sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  CreateKey: {
    description: '',
    origin: 'AWS_KMS',
    bypassPolicyLockoutSafetyCheck: false,
    customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
  },
  PutKeyPolicy: { policyName: 'default', bypassPolicyLockoutSafetyCheck: false },
  GetKeyPolicy: { policyName: 'default' },
};

/**
 * Logged with `requestParameters: null` (ct-generaterandom; ct-retire-grant, which moves the
 * grant id to `additionalEventData` and so never logs a grant token).
 */
const NO_PARAMETERS: ReadonlySet<OperationName> = new Set<OperationName>(['GenerateRandom', 'RetireGrant']);

/**
 * CloudTrail `requestParameters` as KMS writes them: the members of the operation's input shape in
 * lowerCamelCase (nested structure members too: `tags: [{tagKey, tagValue}]`, ct-tagresource),
 * map keys verbatim (`encryptionContext`), timestamps as Java dates (ct-importkeymaterial
 * `validTo`), KMS's defaults filled in (PARAMETER_DEFAULTS); blobs and sensitive members are
 * left out, so plaintext, ciphertext and key material never reach the audit trail.
 */
export function defaultAuditParameters(operation: OperationName, input: unknown): Record<string, unknown> | null {
  if (NO_PARAMETERS.has(operation)) return null;
  const out = (auditJson(input, OPERATIONS[operation].input) ?? {}) as Record<string, unknown>;
  for (const [name, value] of DEFAULT_ENTRIES.get(operation) ?? NONE) if (out[name] === undefined) out[name] = value;
  for (const _ in out) return out;
  return null;
}

/** `PARAMETER_DEFAULTS` as entry lists, built once: this runs on every call. */
const DEFAULT_ENTRIES: ReadonlyMap<OperationName, readonly (readonly [string, unknown])[]> = new Map(
  Object.entries(PARAMETER_DEFAULTS).map(([operation, defaults]) => [operation as OperationName, Object.entries(defaults ?? {})]),
);
const NONE: readonly (readonly [string, unknown])[] = [];

/**
 * `responseElements` for operations that do not declare `auditResponse`: null, as for every
 * cryptographic and read operation, except CreateGrant's `{grantId}` (ct-creategrant; never the token).
 */
export function defaultAuditResponse(operation: OperationName, output: unknown): Record<string, unknown> | null {
  if (operation === 'CreateGrant' && isRecord(output) && typeof output['GrantId'] === 'string') return { grantId: output['GrantId'] };
  return null;
}

/**
 * `additionalEventData`: `keyMaterialId` of cryptographic calls (ct-generatedatakey, ct-encrypt,
 * 2025), RetireGrant's `grantId`. Encrypt's response has no `KeyMaterialId` member, but its record
 * has the field: it is the material the new blob's header names, looked up in `state`.
 */
export function additionalEventData(operation: OperationName, input: unknown, output: unknown, state?: KmsState): Record<string, unknown> | undefined {
  if (operation === 'RetireGrant') {
    // Retired by token: the grant id the token names (the token itself is never logged).
    const grantId = !isRecord(input) ? undefined : typeof input['GrantId'] === 'string' ? input['GrantId'] : typeof input['GrantToken'] === 'string' ? grantIdOfToken(input['GrantToken']) : undefined;
    return grantId === undefined ? undefined : { grantId };
  }
  if (isCryptographic(operation) && isRecord(output) && typeof output['KeyMaterialId'] === 'string') return { keyMaterialId: output['KeyMaterialId'] };
  if (operation === 'Encrypt' && state !== undefined && isRecord(output) && output['CiphertextBlob'] instanceof Uint8Array) {
    const header = readBlobHeader(output['CiphertextBlob']);
    const material = header === undefined ? undefined : state.key(header.keyId)?.materials.find((m) => m.version === header.version);
    if (material !== undefined) return { keyMaterialId: material.materialId };
  }
  return undefined;
}

/**
 * The record's resources: the keys the handler touched, plus the alias of alias operations, which
 * KMS lists as a resource of type AWS::KMS::Key: key then alias for CreateAlias, alias then key for
 * UpdateAlias and DeleteAlias (ct-createalias, ct-updatealias, ct-deletealias).
 */
export function auditResources(operation: OperationName, input: unknown, context: RequestContext, scope: CallScope): readonly string[] {
  if (operation !== 'CreateAlias' && operation !== 'UpdateAlias' && operation !== 'DeleteAlias') return context.resources;
  const aliasName = isRecord(input) ? input['AliasName'] : undefined;
  if (typeof aliasName !== 'string' || !aliasName.startsWith('alias/')) return context.resources;
  const alias = aliasArn(scope.region, scope.caller.account, aliasName);
  return operation === 'CreateAlias' ? [...context.resources, alias] : [alias, ...context.resources];
}

/**
 * A request or response value in CloudTrail's JSON: structure members lowerCamelCase (without a
 * shape every object is taken for a structure), map keys verbatim, dates as Java dates, blobs,
 * sensitive members and members outside the shape dropped.
 */
export function auditJson(value: unknown, shape?: Shape): unknown {
  if (value === undefined || value instanceof Uint8Array) return undefined;
  if (value instanceof Date) return javaDateString(value.getTime());
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const rendered = auditJson(item, shape?.kind === 'list' ? shape.member : undefined);
      if (rendered !== undefined) items.push(rendered);
    }
    return items;
  }
  if (!isRecord(value)) return value;
  // Map keys are the caller's (`encryptionContext`): no prototype, so `__proto__` is recorded.
  const out = emptyRecord<unknown>();
  const isMap = shape?.kind === 'map';
  const members = shape?.kind === 'structure' ? shape.members : undefined;
  for (const name in value) {
    let memberShape: Shape | undefined;
    if (isMap) {
      memberShape = shape.value;
    } else if (shape !== undefined) {
      memberShape = members?.[name];
      if (memberShape === undefined || (memberShape as { sensitive?: boolean }).sensitive === true) continue;
    }
    const rendered = auditJson(value[name], memberShape);
    if (rendered !== undefined) out[isMap ? name : beanName(name)] = rendered;
  }
  return out;
}

/**
 * A member name as KMS's CloudTrail records spell it: Java's bean-property rule
 * (`java.beans.Introspector.decapitalize`), first letter lowercased unless the first two are both
 * capitals, so `KeyId` → `keyId` but `AWSAccountId` stays `AWSAccountId` (ct-createkey:
 * `responseElements.keyMetadata.AWSAccountId`).
 */
function beanName(name: string): string {
  const second = name.charAt(1);
  if (second !== '' && second !== second.toLowerCase() && name.charAt(0) !== name.charAt(0).toLowerCase()) return name;
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}

/** Audit rendering must never turn a served request into a failure. */
export function safely(render: () => unknown): Record<string, unknown> | null {
  try {
    const value = render();
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}
