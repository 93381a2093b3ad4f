/**
 * @module
 * CloudTrail fields of S3 events.
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
 * - Data events (each definition's `eventCategory`) name the object they act on: their
 *   `resources` list the object, then its bucket (the PutObject capture above); a listing or a
 *   DeleteObjects names its objects by their ARN prefix (`prefixResources`).
 */

import { arnPrefixResource, type CallScope, type TlsConnection } from '@strongbox/service-kernel';
import { isObjectKey } from '../../model/names.ts';
import type { SignatureFacts } from '../../policy/request-context.ts';
import type { RestBinding } from '../../protocol/binding.ts';
import type { OperationDefinition } from '../types.ts';
import { bucketArn } from './buckets.ts';

/** `requestParameters` of a bucket-level management event. */
export function bucketParameters(input: { readonly Bucket?: unknown }, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { bucketName: input.Bucket, ...extra };
}

/** What `queryParameters` logs of an operation's binding, worked out once per binding. */
interface QueryPlan {
  /** The operation's `name=value` discriminators, and bare ones with the empty value. */
  readonly discriminators: readonly (readonly [name: string, value: string])[];
  /** Request members sent in the query: member name, query name. */
  readonly members: readonly (readonly [member: string, name: string])[];
}

const PLANS = new WeakMap<RestBinding, QueryPlan>();

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

/**
 * `requestParameters` as CloudTrail writes them for an S3 request: the operation's discriminators
 * (`list-type: "2"`; a bare one such as `uploads` with the empty value), `bucketName`, `key` for
 * an object, each query member the request carries as its text on the wire, the `Host` header
 * when the call came over HTTP, and the SDK's `x-id` query parameter when it was sent. The names are the query's own (`max-keys`, `partNumber`), never
 * the SDK's. It logs no header (SSE-C keys among them); a copy's event adds its two non-secret
 * ones through `copyParameters`.
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

/**
 * A data event's `resources`: the object the request names, then what the handler touched (its
 * bucket). The object is listed only once its bucket was found (a request refused before that
 * lists nothing, as before), and only for a key S3 takes: a key refused as too long
 * (KeyTooLongError) is no object, and would otherwise reach the trail whole through its ARN.
 */
function objectResources(input: { readonly Bucket?: unknown; readonly Key?: unknown }, touched: readonly string[]): readonly string[] {
  if (typeof input.Key !== 'string' || typeof input.Bucket !== 'string' || touched.length === 0 || !isObjectKey(input.Key)) return touched;
  const bucket = bucketArn(input.Bucket);
  return touched.includes(bucket) ? [`${bucket}/${input.Key}`, ...touched] : touched;
}

/**
 * A data event on many objects names them by the prefix of their ARNs, `ARNPrefix`, before its
 * bucket: the bucket's ARN, `/` and the listing's `prefix` (none: the empty prefix). Captured, with
 * the empty prefix: ListObjects (TryHackMe AoC 2024 day 7 log, `"prefix": ""` and no prefix at all:
 * `"ARNPrefix": "arn:aws:s3:::aoc-cloudtrail-wareville/"`), DeleteObjects (DataDog
 * stratus-red-team, `aws.impact.s3-ransomware-batch-deletion`: `"ARNPrefix":
 * "arn:aws:s3:::target-bucket/"`). UNCONFIRMED: a non-empty prefix appended (the S3 User Guide's
 * "Amazon S3 CloudTrail events" has the listings logged for "a prefix specified in the trail"), and
 * ListObjectVersions's entry (no capture). Listed, like an object, once the bucket was found.
 */
function prefixResources(input: { readonly Bucket?: unknown; readonly Prefix?: unknown }, touched: readonly string[]): readonly string[] {
  if (typeof input.Bucket !== 'string' || touched.length === 0) return touched;
  const bucket = bucketArn(input.Bucket);
  if (!touched.includes(bucket)) return touched;
  const prefix = typeof input.Prefix === 'string' ? input.Prefix : '';
  return [arnPrefixResource(`${bucket}/${prefix}`), ...touched];
}

/** The data events on many objects, which name them by an ARN prefix (`prefixResources`). */
const ON_MANY_OBJECTS: ReadonlySet<string> = new Set(['ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'DeleteObjects']);

/**
 * `definition` with the `resources` CloudTrail lists for it: a data event on an object names the
 * object before its bucket, one on many objects their ARN prefix before it. Other definitions as given.
 * @example withTrailShape(getObject).auditResources !== undefined // true
 */
export function withTrailShape<Definition extends OperationDefinition>(definition: Definition): Definition {
  if (definition.eventCategory !== 'Data' || definition.auditResources !== undefined) return definition;
  return { ...definition, auditResources: ON_MANY_OBJECTS.has(definition.name) ? prefixResources : objectResources };
}

/** What the protocol edge tells a call's scope that `additionalEventData` records (`S3CallScope`). */
interface WireFacts {
  readonly signature?: SignatureFacts;
  readonly hostId?: string;
  readonly tls?: TlsConnection;
}

/** CloudTrail's `SignatureVersion` for the signature's algorithm. */
const SIGNATURE_VERSIONS: Readonly<Record<string, string>> = { 'AWS4-HMAC-SHA256': 'SigV4', AWS: 'SigV2' };
/**
 * CloudTrail's `AuthenticationMethod` for how the request was signed: `AuthHeader` (captured
 * PutObject), `QueryString` (a captured presigned PutObject, TryHackMe AoC 2024 day 7 log).
 * UNCONFIRMED for a browser form's POST: not recorded then.
 */
const AUTHENTICATION_METHODS: Readonly<Record<string, string>> = { 'REST-HEADER': 'AuthHeader', 'REST-QUERY-STRING': 'QueryString' };
/** The operations that write a new object and log its encryption as `SSEApplied`. */
const ENCRYPTING_WRITES: ReadonlySet<string> = new Set(['PutObject', 'CreateMultipartUpload', 'CopyObject', 'PostObject']);

/**
 * `additionalEventData` of an S3 call: what S3 knows of how it was signed and sent, in the order
 * captured records list it (a presigned PutObject data event, TryHackMe AoC 2024 day 7 log:
 * `{"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 83,
 * "SSEApplied": "Default_SSE_S3", "AuthenticationMethod": "QueryString", "x-amz-id-2": …,
 * "bytesTransferredOut": 0}`; the aws-cdk PutObject capture has the same members). Recorded only
 * where known: `SignatureVersion` and `AuthenticationMethod` for a signed request over HTTP,
 * `CipherSuite` over TLS (OpenSSL's name, as the captures show it), `x-amz-id-2` as answered, and
 * `SSEApplied` for a write that encrypted a new object (`sseApplied`); an in-process call records
 * only the last. `bytesTransferredIn` and `bytesTransferredOut` where the engine's answer already
 * says them (`transferredBytes`), in process too. Management
 * events carry the same members, `x-amz-id-2` included (a captured GetBucketAcl management event,
 * bluemountaincyber/building-detections-aws `workbook/docs/exercises/exercise4.md`:
 * `{"SignatureVersion": "SigV4", "CipherSuite": "ECDHE-RSA-AES128-GCM-SHA256",
 * "bytesTransferredIn": 0, "AuthenticationMethod": "AuthHeader", "x-amz-id-2": …,
 * "bytesTransferredOut": 542}`). A definition's own members follow.
 * @example additionalEventData('GetObject', undefined, input, output, true, scope) // { SignatureVersion: 'SigV4', AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': '…' }
 */
export function additionalEventData(
  operation: string,
  own: Record<string, unknown> | undefined,
  input: unknown,
  output: unknown,
  succeeded: boolean,
  scope: CallScope,
): Record<string, unknown> | undefined {
  const facts = scope as WireFacts;
  const signature = facts.signature;
  const data: Record<string, unknown> = {};
  let empty = true;
  const signatureVersion = signature === undefined ? undefined : SIGNATURE_VERSIONS[signature.signatureVersion];
  if (signatureVersion !== undefined) {
    data['SignatureVersion'] = signatureVersion;
    empty = false;
  }
  const cipher = cipherOf(facts.tls);
  if (cipher !== undefined) {
    data['CipherSuite'] = cipher;
    empty = false;
  }
  const bytes = succeeded ? transferredBytes(operation, output) : undefined;
  if (bytes !== undefined) {
    data['bytesTransferredIn'] = bytes[0];
    empty = false;
  }
  const sse = succeeded && ENCRYPTING_WRITES.has(operation) ? sseApplied(input, output) : undefined;
  if (sse !== undefined) {
    data['SSEApplied'] = sse;
    empty = false;
  }
  const method = signature === undefined ? undefined : AUTHENTICATION_METHODS[signature.authType];
  if (method !== undefined) {
    data['AuthenticationMethod'] = method;
    empty = false;
  }
  if (facts.hostId !== undefined) {
    data['x-amz-id-2'] = facts.hostId;
    empty = false;
  }
  if (bytes !== undefined) data['bytesTransferredOut'] = bytes[1];
  if (own !== undefined) {
    for (const name of Object.keys(own)) {
      data[name] = own[name];
      empty = false;
    }
  }
  return empty ? undefined : data;
}

/**
 * The bytes a successful call carried in and out, for the operations whose answer says them before
 * its body is written (the event is recorded then, and no body is buffered or counted for it):
 * PutObject's body in (the plaintext bytes stored, `Size`), GetObject's body out (`ContentLength`:
 * the object, or only the range or part answered), and 0 both ways for HeadObject and DeleteObject,
 * which carry no body. Sources: a captured PutObject data event (`"bytesTransferredIn": 25701.0`,
 * `"bytesTransferredOut": 0.0`, delivered through EventBridge, 2021, in a WhyLabs Druid extension's
 * notes), a captured GetObject (`"bytesTransferredIn": 0, "bytesTransferredOut": 339117`,
 * aidansteele's gist "comparison of s3:GetObject cloudtrail events", 2025) and the S3 User Guide's
 * "CloudTrail log file examples for S3 Tables" (GetObject `0` in, `28441` out).
 * UNCONFIRMED, and not recorded: the counts of an answer whose XML body is encoded after the event
 * (listings, CopyObject, the multipart calls, every management event: the captured GetBucketAcl
 * records `"bytesTransferredOut": 542`), of a refused call (its error body), of UploadPart and a
 * POST form; whether an aws-chunked upload counts its framed or its decoded bytes (here: the
 * object's bytes); and what S3 records for a download the client cuts short (here: the bytes the
 * answer carries).
 * @example transferredBytes('GetObject', { ContentLength: 4 }) // [0, 4]
 */
export function transferredBytes(operation: string, output: unknown): readonly [bytesIn: number, bytesOut: number] | undefined {
  switch (operation) {
    case 'PutObject': {
      const size = (output as { readonly Size?: unknown } | undefined)?.Size;
      return typeof size === 'number' ? [size, 0] : undefined;
    }
    case 'GetObject': {
      const length = (output as { readonly ContentLength?: unknown } | undefined)?.ContentLength;
      return typeof length === 'number' ? [0, length] : undefined;
    }
    case 'HeadObject':
    case 'DeleteObject':
      return NO_BYTES;
    default:
      return undefined;
  }
}

/** A call that carried no body either way. */
const NO_BYTES: readonly [number, number] = Object.freeze([0, 0]) as readonly [number, number];

/** The negotiated cipher's OpenSSL name; undefined without TLS (or once the connection is gone). */
function cipherOf(tls: TlsConnection | undefined): string | undefined {
  if (tls === undefined) return undefined;
  try {
    return tls.getCipher()?.name;
  } catch {
    return undefined;
  }
}

/**
 * CloudTrail's `SSEApplied` for a write: `SSE_C` for a customer key, else the mode the new object
 * was encrypted with, `SSE_S3` or `SSE_KMS` when the request asked for it and `Default_SSE_S3` or
 * `Default_SSE_KMS` when the bucket's default encryption chose it (S3 User Guide, "Monitoring
 * default encryption with CloudTrail and CloudWatch"; "For multipart uploads, this information is
 * included in the InitiateMultipartUpload API requests"). UNCONFIRMED: the value for DSSE-KMS (the
 * guide names none: not recorded), and that CopyObject records it (the guide speaks of PUT and
 * POST requests).
 * @example sseApplied({}, { ServerSideEncryption: 'AES256' }) // 'Default_SSE_S3'
 */
export function sseApplied(input: unknown, output: unknown): string | undefined {
  const request = input as { readonly ServerSideEncryption?: unknown; readonly SSECustomerAlgorithm?: unknown } | undefined;
  if (request?.SSECustomerAlgorithm !== undefined) return 'SSE_C';
  const applied = (output as { readonly ServerSideEncryption?: unknown } | undefined)?.ServerSideEncryption;
  const mode = applied === 'AES256' ? 'SSE_S3' : applied === 'aws:kms' ? 'SSE_KMS' : undefined;
  if (mode === undefined) return undefined;
  return request?.ServerSideEncryption === undefined ? `Default_${mode}` : mode;
}

/**
 * `responseElements` of a write that stores a new object (PutObject, CopyObject): the encryption
 * headers it answered, by their wire names, in the order captures list them; `null` when it
 * answered none. Captured: a PutObject to a bucket whose default is SSE-KMS (delivered through
 * EventBridge, 2021, in a WhyLabs Druid extension's notes): `{"x-amz-server-side-encryption":
 * "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:…:key/…"}`; a CopyObject
 * to an SSE-C destination (DataDog stratus-red-team, `aws.impact.s3-ransomware-client-side-encryption`):
 * `{"x-amz-server-side-encryption-customer-algorithm": "AES256"}`, without the key's MD5, which is
 * never recorded here (only S3 on Outposts' PutObject example in the S3 User Guide, "CloudTrail log
 * file entries for Amazon S3 and S3 on Outposts", shows it; the key itself is never in a response).
 * `x-amz-version-id` follows the key id where a response has a version id (the Outposts example;
 * none here, as the engine keeps no versions). UNCONFIRMED, and not recorded: the answered
 * `x-amz-server-side-encryption-context` and `-bucket-key-enabled` (no capture shows them), the
 * `ETag` (only the Outposts example lists it), and the other writes' elements (UploadPart, the
 * multipart calls, a POST form), which stay null.
 * @example writeResponseElements({ ETag: '"…"', ServerSideEncryption: 'AES256' }) // { 'x-amz-server-side-encryption': 'AES256' }
 */
export function writeResponseElements(output: unknown): Record<string, unknown> | null {
  const answered = output as
    | {
        readonly ServerSideEncryption?: unknown;
        readonly SSEKMSKeyId?: unknown;
        readonly VersionId?: unknown;
        readonly SSECustomerAlgorithm?: unknown;
      }
    | undefined;
  if (answered === undefined) return null;
  const elements: Record<string, unknown> = {};
  let empty = true;
  if (typeof answered.ServerSideEncryption === 'string') {
    elements['x-amz-server-side-encryption'] = answered.ServerSideEncryption;
    empty = false;
  }
  if (typeof answered.SSEKMSKeyId === 'string') {
    elements['x-amz-server-side-encryption-aws-kms-key-id'] = answered.SSEKMSKeyId;
    empty = false;
  }
  if (typeof answered.VersionId === 'string') {
    elements['x-amz-version-id'] = answered.VersionId;
    empty = false;
  }
  if (typeof answered.SSECustomerAlgorithm === 'string') {
    elements['x-amz-server-side-encryption-customer-algorithm'] = answered.SSECustomerAlgorithm;
    empty = false;
  }
  return empty ? null : elements;
}
