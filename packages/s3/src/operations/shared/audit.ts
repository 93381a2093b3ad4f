/**
 * @module
 * CloudTrail fields of S3 events: `requestParameters` name the bucket as `bucketName`
 * (CloudTrail User Guide, "Amazon S3 information in CloudTrail" examples), and the resources are
 * the bucket's ARN. A listing's `requestParameters` are its query as sent, by query name, with
 * `bucketName` and `Host` (a captured data event of `aws s3 ls`: `{"list-type": "2",
 * "bucketName": …, "encoding-type": "url", "prefix": "", "delimiter": "/", "Host": …}`).
 */

import type { CallScope } from '@strongbox/service-kernel';
import type { RestBinding } from '../../protocol/binding.ts';

/** `requestParameters` of a bucket-level management event. */
export function bucketParameters(input: { readonly Bucket?: unknown }, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { bucketName: input.Bucket, ...extra };
}

/**
 * `requestParameters` as CloudTrail writes them for a request on a bucket's query (the
 * listings): the operation's `name=value` discriminators (`list-type: "2"`), `bucketName`, each
 * query member the request carries as its text on the wire, and the `Host` header when the call
 * came over HTTP. The names are the query's own (`max-keys`, `encoding-type`), never the SDK's.
 *
 * @example
 * ```ts
 * queryParameters(listObjectsV2.rest, { Bucket: 'b', Prefix: 'p/', MaxKeys: 5 }, scope);
 * // { 'list-type': '2', bucketName: 'b', prefix: 'p/', 'max-keys': '5', Host: 'b.s3.localhost:4566' }
 * ```
 */
export function queryParameters(rest: RestBinding, input: { readonly Bucket?: unknown }, scope: CallScope): Record<string, unknown> {
  // Keys come from the operation's own binding, never from the request: a plain object is safe.
  const parameters: Record<string, unknown> = {};
  for (const discriminator of rest.query ?? []) {
    const equals = discriminator.indexOf('=');
    if (equals > 0) parameters[discriminator.slice(0, equals)] = discriminator.slice(equals + 1);
  }
  parameters['bucketName'] = input.Bucket;
  const members = rest.request?.members ?? {};
  for (const member of Object.keys(members)) {
    const binding = members[member];
    const value = (input as Readonly<Record<string, unknown>>)[member];
    if (binding?.in === 'query' && value !== undefined) parameters[binding.name] = String(value);
  }
  // S3's call scope carries the Host header of a call over HTTP (`S3CallScope.host`).
  const host = (scope as { readonly host?: string }).host;
  if (host !== undefined) parameters['Host'] = host;
  return parameters;
}
