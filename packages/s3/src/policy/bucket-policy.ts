/**
 * @module
 * Bucket policy validation for PutBucketPolicy, with S3's `MalformedPolicy` answers (reference
 * §2.4; the texts and their sources are in `errors.ts`). S3 checks a bucket policy more strictly
 * than IAM's grammar alone:
 *
 * - at most 20 KB (UG add-bucket-policy: "Bucket policies are limited to 20 KB in size"), counted
 *   in UTF-8 bytes of the text as sent;
 * - JSON whose first byte is `{` (leading whitespace is tolerated, as JSON allows);
 * - a `Statement` (one object or a non-empty list); each statement with `Effect`, a principal
 *   (`Principal` or `NotPrincipal`: a bucket policy is a resource policy), an action and a
 *   resource element;
 * - principals well formed (`"*"`, `{"AWS": "*"}`, account ids, IAM/STS principal ARNs, service
 *   names, canonical user ids): "Invalid principal in policy";
 * - only S3 actions (`s3:` names S3 has, wildcards allowed; `*` alone): "Policy has invalid action";
 * - only resources of this bucket (`arn:aws:s3:::<bucket>` and `arn:aws:s3:::<bucket>/<key pattern>`,
 *   the bucket part a wildcard pattern that matches this bucket's name, or `*`): "Policy has
 *   invalid resource";
 * - each action applying to one of the statement's resources (an object action needs an object
 *   resource, a bucket action the bucket): "Action does not apply to any resource(s) in statement";
 * - condition keys of the `aws:` or `s3:` families: "Policy has an invalid condition key".
 *
 * What passes is then parsed by the kernel's IAM grammar (`parsePolicy`), the one evaluator that
 * authorization uses, so a stored policy always compiles. Known difference: S3 also refuses
 * principals that do not exist in IAM; Strongbox cannot know every account's users, so it checks
 * their form only.
 */

import { globToRegExp, isConditionOperator, isServiceError, isWellFormedPrincipal, parsePolicy } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import { type ActionResourceType, actionResourceTypes } from './actions.ts';

/** Bucket policy size limit, bytes (UG add-bucket-policy: 20 KB). */
export const MAX_BUCKET_POLICY_BYTES = 20_480;

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_KINDS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const S3_RESOURCE = /^arn:(aws|aws-cn|aws-us-gov):s3:::([^/]*)(\/.*)?$/s;

/**
 * Validates a bucket policy for `bucket`.
 * @throws S3Error PolicyTooLarge, MalformedPolicyJson, MalformedPolicyMissingField,
 *   MalformedPolicyEmptyStatement, MalformedPolicyUnknownField, MalformedPolicyInvalidEffect,
 *   MalformedPolicyInvalidVersion, MalformedPolicyInvalidPrincipal, MalformedPolicyInvalidAction,
 *   MalformedPolicyInvalidResource, MalformedPolicyActionResourceMismatch,
 *   MalformedPolicyInvalidConditionKey, MalformedPolicySyntax.
 * @example validateBucketPolicy('{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}', 'b')
 */
export function validateBucketPolicy(policy: string, bucket: string): void {
  if (Buffer.byteLength(policy, 'utf8') > MAX_BUCKET_POLICY_BYTES) throw new S3Error('PolicyTooLarge');
  const document = parseJson(policy);
  for (const name of Object.keys(document)) if (!TOP_LEVEL.has(name)) throw unknownField(name);
  const version = document['Version'];
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') throw new S3Error('MalformedPolicyInvalidVersion');
  const raw = document['Statement'];
  if (raw === undefined) throw missing('Statement');
  const statements = Array.isArray(raw) ? raw : [raw];
  if (statements.length === 0) throw new S3Error('MalformedPolicyEmptyStatement');
  for (const statement of statements) checkStatement(statement, bucket);
  try {
    parsePolicy(policy);
  } catch (error) {
    if (isServiceError(error, 'POLICY_SYNTAX')) throw new S3Error('MalformedPolicySyntax');
    if (isServiceError(error, 'POLICY_INVALID_PRINCIPAL')) throw new S3Error('MalformedPolicyInvalidPrincipal');
    throw error;
  }
}

function parseJson(policy: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(policy);
  } catch {
    throw new S3Error('MalformedPolicyJson');
  }
  if (!isRecord(value)) throw new S3Error('MalformedPolicyJson');
  return value;
}

function checkStatement(statement: unknown, bucket: string): void {
  if (!isRecord(statement)) throw new S3Error('MalformedPolicySyntax');
  for (const name of Object.keys(statement)) if (!STATEMENT_ELEMENTS.has(name)) throw unknownField(name);
  const effect = statement['Effect'];
  if (effect === undefined) throw missing('Effect');
  if (effect !== 'Allow' && effect !== 'Deny') throw new S3Error('MalformedPolicyInvalidEffect', { detail: { value: String(effect) } });
  const principal = statement['Principal'] ?? statement['NotPrincipal'];
  if (principal === undefined) throw missing('Principal');
  checkPrincipal(principal);
  const actions = statement['Action'] ?? statement['NotAction'];
  if (actions === undefined) throw missing('Action');
  const resources = statement['Resource'] ?? statement['NotResource'];
  if (resources === undefined) throw missing('Resource');
  const actionTypes = strings(actions).map((action) => {
    const types = actionResourceTypes(action);
    if (types.size === 0) throw new S3Error('MalformedPolicyInvalidAction');
    return types;
  });
  const resourceTypes = new Set<ActionResourceType>();
  for (const resource of strings(resources)) for (const type of resourceTypesOf(resource, bucket)) resourceTypes.add(type);
  // NotAction / NotResource statements apply to everything else; only the positive forms can name
  // an action that applies to none of the statement's resources.
  if (statement['Action'] !== undefined && statement['Resource'] !== undefined) {
    for (const types of actionTypes) if (![...types].some((type) => resourceTypes.has(type))) throw new S3Error('MalformedPolicyActionResourceMismatch');
  }
  checkConditions(statement['Condition']);
}

function checkPrincipal(principal: unknown): void {
  if (principal === '*') return;
  if (!isRecord(principal)) throw new S3Error('MalformedPolicyInvalidPrincipal');
  const kinds = Object.keys(principal);
  if (kinds.length === 0) throw new S3Error('MalformedPolicyInvalidPrincipal');
  for (const kind of kinds) {
    if (!PRINCIPAL_KINDS.has(kind)) throw new S3Error('MalformedPolicyInvalidPrincipal');
    const values = principal[kind];
    const list = Array.isArray(values) ? values : [values];
    if (list.length === 0) throw new S3Error('MalformedPolicyInvalidPrincipal');
    for (const value of list) {
      if (typeof value !== 'string') throw new S3Error('MalformedPolicyInvalidPrincipal');
      if (kind === 'AWS' && value === '*') continue;
      if (!isWellFormedPrincipal(kind as 'AWS' | 'Service' | 'Federated' | 'CanonicalUser', value)) throw new S3Error('MalformedPolicyInvalidPrincipal');
    }
  }
}

/**
 * The resource types a `Resource` entry covers in `bucket`: the bucket itself, its objects, or
 * both (`*`, or a bucket pattern ending in a wildcard that can run on past the name).
 * @throws S3Error MalformedPolicyInvalidResource for anything outside the bucket.
 */
function resourceTypesOf(resource: string, bucket: string): ActionResourceType[] {
  if (resource === '*') return ['bucket', 'object'];
  const match = S3_RESOURCE.exec(resource);
  const bucketPart = match?.[2];
  if (bucketPart === undefined || bucketPart === '') throw new S3Error('MalformedPolicyInvalidResource');
  const keyPart = match?.[3];
  if (keyPart !== undefined) {
    if (!globToRegExp(bucketPart).test(bucket)) throw new S3Error('MalformedPolicyInvalidResource');
    return ['object'];
  }
  // `arn:aws:s3:::b*` matches the bucket `b` and, its `*` running over the `/`, its objects too.
  const asBucket = globToRegExp(bucketPart).test(bucket);
  const asObjects = bucketPart.includes('*') && globToRegExp(bucketPart).test(`${bucket}/x`);
  if (!asBucket && !asObjects) throw new S3Error('MalformedPolicyInvalidResource');
  return [...(asBucket ? (['bucket'] as const) : []), ...(asObjects ? (['object'] as const) : [])];
}

function checkConditions(conditions: unknown): void {
  if (conditions === undefined) return;
  if (!isRecord(conditions)) throw new S3Error('MalformedPolicySyntax');
  for (const [operator, block] of Object.entries(conditions)) {
    if (!isConditionOperator(operator) || !isRecord(block)) throw new S3Error('MalformedPolicySyntax');
    for (const key of Object.keys(block)) {
      if (!/^(aws|s3):[^\s]+$/i.test(key)) throw new S3Error('MalformedPolicyInvalidConditionKey');
    }
  }
}

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item): item is string => typeof item === 'string')) throw new S3Error('MalformedPolicySyntax');
  return list;
}

function missing(field: string): S3Error {
  return new S3Error('MalformedPolicyMissingField', { detail: { value: field } });
}

function unknownField(name: string): S3Error {
  return new S3Error('MalformedPolicyUnknownField', { detail: { value: name } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
