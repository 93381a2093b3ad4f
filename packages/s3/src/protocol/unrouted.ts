/**
 * @module
 * What S3 answers a request no served operation takes (`routes.ts`): a write naming a selector with
 * a method that is no operation of it is S3's 405 for that selector (`selector-methods.ts`); a
 * subresource Strongbox does not serve is 501 NotImplemented naming it (S3 subresources no binding
 * claims, `?acl`, `?tagging`, …, are real S3 operations Strongbox does not serve); anything else is
 * S3's 405 MethodNotAllowed for a method the resource does not take, with `Method`, `ResourceType`
 * and `Allow`. At the service root every method but GET is that 405, with or without a subresource
 * (brekkylab/backlot, measured against S3 us-east-1 2026-09-23, `backlot/routers/s3.py` at commit
 * 07bef4332838e4c4ee55118732a8ac1520f70d16, `service_method_refusal`: "real answers `PUT`, `POST`,
 * `DELETE` and `PATCH` there with one 405 naming `SERVICE`, each measured, and the same with a
 * selector on `PATCH`, `POST` and `PUT`. A `HEAD` is the same 405, with or without `?acl` or
 * `?versioning`"; a DELETE with one is UNCONFIRMED, answered so that one rule holds).
 */

import { S3Error } from '../errors.ts';
import type { PathTarget } from './binding.ts';
import { VERSION_ID } from './query-names.ts';
import { selectorMethodRefusal } from './selector-methods.ts';
import { isSubresource } from './subresources.ts';

/**
 * What S3's 405 for a method a resource does not take names in `Allow`: `GET` at the service (a HEAD,
 * PUT, POST, DELETE or PATCH there) and a bucket's own methods, `HEAD, DELETE, POST, GET, PUT`
 * (brekkylab/backlot, same source: "HEAD at the root | 405, `Allow: GET`", "any of the four at the
 * root | 405 ..., `Allow: GET`", `_ALLOW_BUCKET`: "real names its own methods there
 * (`HEAD, DELETE, POST, GET, PUT` on a bucket)"). At a key's path (a PATCH, a bare POST) S3's
 * `Allow` is UNCONFIRMED (no capture states it): none is sent.
 */
const RESOURCE_ALLOW: ReadonlyMap<PathTarget, string> = new Map([
  ['service', 'GET'],
  ['bucket', 'HEAD, DELETE, POST, GET, PUT'],
]);

/**
 * What a refused subresource request names, where the bare `?name (METHOD)` would not say why:
 * PutBucketVersioning, as GetBucketVersioning and ListObjectVersions are served (for buckets
 * never versioned, every bucket here) while versioning itself is not emulated.
 */
const NOT_SERVED: ReadonlyMap<string, string> = new Map([
  ['PUT versioning', 'PutBucketVersioning (versioning is not emulated: every bucket stays unversioned, its objects have the version id null)'],
]);

/** A request as this refusal reads it; `method` is upper case. */
export interface UnroutedRequest {
  readonly method: string;
  readonly target: PathTarget;
  readonly query: ReadonlyMap<string, string>;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/**
 * S3's answer to a request no served operation takes (see the module). `claimed` says whether some
 * operation of the request's method and target takes a subresource.
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { unroutedRefusal } from './src/protocol/unrouted.ts';
 * unroutedRefusal({ method: 'PATCH', target: 'service', query: new Map([['acl', '']]), headers: {} }, () => false).allow; // 'GET'
 * ```
 */
export function unroutedRefusal(request: UnroutedRequest, claimed: (name: string) => boolean): S3Error {
  const { method, target } = request;
  // Only GET is served at the service: a subresource names nothing there for another method.
  if (target !== 'service' || method === 'GET') {
    // A version id is no sub-API: the request is refused for what else it names. Named first is
    // a subresource no operation here serves; else (served ones, not in this combination) all.
    const named = [...request.query.keys()].filter((name) => name !== VERSION_ID && isSubresource(method, name));
    // A method the selector lacks is S3's 405 for the selector (`selector-methods.ts`), served or not.
    const lacking = selectorMethodRefusal(method, target, request.query, named);
    if (lacking !== undefined) return lacking;
    const unserved = named.find((name) => !claimed(name));
    if (unserved !== undefined)
      return new S3Error('NotImplemented', { detail: { value: NOT_SERVED.get(`${method} ${unserved}`) ?? `the ?${unserved} subresource (${method})` } });
    if (named.length > 0) return new S3Error('NotImplemented', { detail: { value: `the ?${named.join('&')} request (${method})` } });
    if (request.headers['x-amz-copy-source'] !== undefined) return new S3Error('NotImplemented', { detail: { value: `${method} with x-amz-copy-source` } });
  }
  const allow = RESOURCE_ALLOW.get(target);
  return new S3Error('MethodNotAllowed', {
    fields: [
      ['Method', method],
      ['ResourceType', target === 'object' ? 'OBJECT' : target === 'bucket' ? 'BUCKET' : 'SERVICE'],
    ],
    ...(allow === undefined ? {} : { allow }),
  });
}

/** The methods S3's 405 answers at each path when no selector is named (backlot's method table). */
const REFUSED_METHODS: Readonly<Record<PathTarget, ReadonlySet<string>>> = {
  service: new Set(['HEAD', 'PUT', 'POST', 'DELETE', 'PATCH']),
  bucket: new Set(['PATCH']),
  object: new Set(['POST', 'PATCH']),
};

/**
 * S3's 405 for a method its resource does not take, when the request names no subresource: a
 * bucket's PATCH, a key's POST and PATCH, every method but GET at the service root (where a
 * subresource names nothing). S3 answers it before the bucket, to an unsigned request as to a
 * signed one, after a signature that is sent and does not verify (brekkylab/backlot, same source,
 * the method table: "An unsigned request gets each method refusal a signed one gets, because real
 * answers the method first: an unsigned `PATCH` on a bucket, on a key and at the root, an unsigned
 * `HEAD` at the root ... answered the same 405 as a signed one. A signature that is sent and does
 * not verify is refused first, ahead of each 405"). `undefined` for any other request.
 * @example resourceMethodRefusal('PATCH', 'bucket', new Map())?.allow // 'HEAD, DELETE, POST, GET, PUT'
 */
export function resourceMethodRefusal(method: string, target: PathTarget, query: ReadonlyMap<string, string>): S3Error | undefined {
  const upper = method.toUpperCase();
  if (!REFUSED_METHODS[target].has(upper)) return undefined;
  if (target !== 'service') for (const name of query.keys()) if (isSubresource(upper, name)) return undefined;
  return unroutedRefusal({ method: upper, target, query, headers: {} }, () => false);
}
