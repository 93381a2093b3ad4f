/**
 * @module
 * `requestParameters` of S3 events.
 *
 * - `requestParameters` name the bucket as `bucketName` (CloudTrail User Guide, "Amazon S3
 *   information in CloudTrail" examples). A request's query is logged as sent, by query name, with
 *   `bucketName` and `Host` (a captured data event of `aws s3 ls`: `{"list-type": "2",
 *   "bucketName": …, "encoding-type": "url", "prefix": "", "delimiter": "/", "Host": …}`), and an
 *   object's key as `key` (a captured PutObject data event, aws-cdk
 *   `packages/aws-cdk-lib/aws-cloudtrail/SAMPLE-EVENTS.md`: `{"bucketName": "BUCKETNAME", "Host":
 *   "BUCKETNAME.s3.eu-west-1.amazonaws.com", "key": "OBJECTKEY"}`, `"responseElements": null`).
 *   Headers are not logged here, but for a copy's source and its SSE-C algorithm's name
 *   (`copyParameters`), so an SSE-C key never reaches the trail.
 *
 * The event's other S3 fields have their own modules: `resources` (`audit-resources.ts`),
 * `additionalEventData` (`audit-event-data.ts`, with the byte counts of `transferred-bytes.ts`) and
 * `responseElements` (`response-elements.ts`).
 */

import type { CallScope } from '@strongbox/service-kernel';
import type { RestBinding } from '../../protocol/binding.ts';

/** Each binding's `QueryPlan`, worked out on its first call. */
const PLANS: WeakMap<RestBinding, QueryPlan> = new WeakMap();

/** What `queryParameters` logs of an operation's binding, worked out once per binding. */
interface QueryPlan {
  /** The operation's `name=value` discriminators, and bare ones with the empty value. */
  readonly discriminators: readonly (readonly [name: string, value: string])[];
  /** Request members sent in the query: member name, query name. */
  readonly members: readonly (readonly [member: string, name: string])[];
}

/**
 * `requestParameters` of a bucket-level management event.
 * @example bucketParameters({ Bucket: 'b' }, { acl: '' }) // { bucketName: 'b', acl: '' }
 */
export function bucketParameters(input: { readonly Bucket?: unknown }, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { bucketName: input.Bucket, ...extra };
}

/**
 * `requestParameters` as CloudTrail writes them for an S3 request: the operation's discriminators
 * (`list-type: "2"`; a bare one such as `uploads` with the empty value), `bucketName`, `key` for
 * an object, each query member the request carries as its text on the wire, the `Host` header
 * when the call came over HTTP, and the SDK's `x-id` query parameter when it was sent. The names
 * are the query's own (`max-keys`, `partNumber`), never the SDK's. It logs no header (SSE-C keys
 * among them); a copy's event adds its two non-secret ones through `copyParameters`.
 *
 * @example
 * ```ts
 * queryParameters(listObjectsV2.rest, { Bucket: 'b', Prefix: 'p/', MaxKeys: 5 }, scope);
 * // { 'list-type': '2', bucketName: 'b', prefix: 'p/', 'max-keys': '5', Host: 'b.s3.localhost:4566' }
 * ```
 */
export function queryParameters(rest: RestBinding, input: { readonly Bucket?: unknown; readonly Key?: unknown }, scope: CallScope): Record<string, unknown> {
  const plan = planOf(rest);
  // Keys come from the operation's own binding, never from the request: a plain object is safe.
  const parameters: Record<string, unknown> = {};
  for (const [name, value] of plan.discriminators) parameters[name] = value;
  parameters['bucketName'] = input.Bucket;
  if (typeof input.Key === 'string') parameters['key'] = input.Key;
  for (const [member, name] of plan.members) {
    const value = (input as Readonly<Record<string, unknown>>)[member];
    if (value !== undefined) parameters[name] = String(value);
  }
  // S3's call scope carries the Host header of a call over HTTP (`S3CallScope.host`).
  const host = scope.host;
  if (host !== undefined) parameters['Host'] = host;
  // The SDK for JavaScript's `x-id` query parameter, logged as sent and last: a captured CopyObject
  // data event ends `"key": "target file.txt", "x-id": "CopyObject"}` (DataDog stratus-red-team,
  // `aws.impact.s3-ransomware-client-side-encryption`). UNCONFIRMED: its place among the other
  // operations' parameters (no other capture shows one).
  const xId = (scope as { readonly xId?: string }).xId;
  if (xId !== undefined) parameters['x-id'] = xId;
  return parameters;
}

/**
 * `requestParameters` of a copy (CopyObject, UploadPartCopy), in the order of a captured CopyObject
 * data event (DataDog stratus-red-team `aws.impact.s3-ransomware-client-side-encryption`:
 * `{"bucketName": …, "Host": …, "x-amz-server-side-encryption-customer-algorithm": "AES256",
 * "x-amz-copy-source": "target bucket/target file.txt", "key": …, "x-id": "CopyObject"}`): two
 * headers are logged, the destination's SSE-C algorithm (its name only: the key and its MD5 are
 * other headers, never logged) and the copy's source as sent; the query's members
 * (`queryParameters`) follow `key`. UNCONFIRMED: whether CloudTrail logs the source
 * percent-decoded (the capture's names carry no escapes; here it is logged as sent), where an
 * UploadPartCopy's `partNumber` and `uploadId` fall, and whether the copy source's own SSE-C
 * algorithm is logged (the capture's source had none; not logged).
 * @example copyParameters(copyObject.rest, { Bucket: 'b', Key: 'k', CopySource: 'src/a' }, scope)['x-amz-copy-source'] // 'src/a'
 */
export function copyParameters(
  rest: RestBinding,
  input: { readonly Bucket?: unknown; readonly Key?: unknown; readonly CopySource?: unknown; readonly SSECustomerAlgorithm?: unknown },
  scope: CallScope,
): Record<string, unknown> {
  const query = queryParameters(rest, input, scope);
  const parameters: Record<string, unknown> = { bucketName: query['bucketName'] };
  if (query['Host'] !== undefined) parameters['Host'] = query['Host'];
  if (typeof input.SSECustomerAlgorithm === 'string') parameters['x-amz-server-side-encryption-customer-algorithm'] = input.SSECustomerAlgorithm;
  if (typeof input.CopySource === 'string') parameters['x-amz-copy-source'] = input.CopySource;
  if (query['key'] !== undefined) parameters['key'] = query['key'];
  for (const name of Object.keys(query)) if (parameters[name] === undefined) parameters[name] = query[name];
  return parameters;
}

/** What `queryParameters` logs of `rest`, worked out once per binding. */
function planOf(rest: RestBinding): QueryPlan {
  let plan = PLANS.get(rest);
  if (plan === undefined) {
    const discriminators: (readonly [string, string])[] = [];
    for (const discriminator of rest.query ?? []) {
      const equals = discriminator.indexOf('=');
      discriminators.push(equals < 0 ? [discriminator, ''] : [discriminator.slice(0, equals), discriminator.slice(equals + 1)]);
    }
    const members: (readonly [string, string])[] = [];
    const bindings = rest.request?.members ?? {};
    for (const member of Object.keys(bindings)) {
      const binding = bindings[member];
      if (binding?.in === 'query') members.push([member, binding.name]);
    }
    plan = { discriminators, members };
    PLANS.set(rest, plan);
  }
  return plan;
}
