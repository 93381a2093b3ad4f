/**
 * @module
 * The REST routing table, derived from the operations' bindings (`binding.ts`): a request's
 * method, what its path names (service, bucket or object) and its query and header
 * discriminators select one operation; among several that match, the most specific wins
 * (UploadPart's `partNumber`+`uploadId` over PutObject's none). A `versionId` is taken only by
 * an operation whose binding declares it (GetObject, DeleteObject, the tagging calls, …): on a
 * request another operation would serve without it, S3 answers 400 InvalidArgument "This
 * operation does not accept a version-id." (captured against S3, us-east-1, 2026: UploadPart,
 * ListObjectVersions, GetBucketVersioning, ListMultipartUploads, ListObjectsV2, DeleteBucket,
 * `null` and empty included; PutObject and the multipart writes as scality/cloudserver's
 * `checkQueryVersionId`), before the bucket is looked up and before the credential
 * (`refuseVersionId`, which the handler calls ahead of authentication: measured against S3 by
 * brekkylab/backlot for requests at a bucket's path, 2026-09-29/30; at a key's path UNCONFIRMED,
 * refused there the same way so that one rule holds), but after a malformed 32-bit integer
 * argument of the same operation (`max-keys=abc&versionId=x` and `max-uploads=abc&versionId=x`
 * are refused for the integer, same capture). At a bucket's path S3 refuses it for the bucket
 * operations Strongbox does not serve too (`PUT ?versioning&versionId=x`, `GET ?tagging&…`), not
 * with their 501. S3 subresources no binding claims
 * (`?acl`, `?tagging`, …) are real S3 operations Strongbox does not serve: 501 NotImplemented
 * naming the subresource. Anything else no operation answers is 405 MethodNotAllowed, as S3
 * answers a method a resource does not support.
 */

import { S3Error } from '../errors.ts';
import type { PathTarget, RestBinding } from './binding.ts';
import { refuseMalformedIntegers } from './message.ts';

/** What the router needs of an operation. */
export interface RoutedOperation {
  readonly name: string;
  readonly rest?: RestBinding;
}

/** A request as the router sees it. */
export interface RouteQuery {
  readonly method: string;
  readonly target: PathTarget;
  readonly query: ReadonlyMap<string, string>;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/**
 * S3's subresources (query parameters that name a sub-API of a bucket or object, S3 API
 * reference); a request naming one that no served operation binds is refused as not implemented
 * rather than served as the plain bucket or object operation.
 */
const SUBRESOURCES: ReadonlySet<string> = new Set([
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'delete',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metadataTable',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'partNumber',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'renameObject',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'session',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versioning',
  'versionId',
  'versions',
  'website',
  'list-type',
]);

const NO_ROUTES: readonly never[] = Object.freeze([]);

/**
 * What a refused subresource request names, where the bare `?name (METHOD)` would not say why:
 * PutBucketVersioning, as GetBucketVersioning and ListObjectVersions are served (for buckets
 * never versioned, every bucket here) while versioning itself is not emulated.
 */
const NOT_SERVED: ReadonlyMap<string, string> = new Map([
  ['PUT versioning', 'PutBucketVersioning (versioning is not emulated: every bucket stays unversioned, its objects have the version id null)'],
]);

/** The query parameter naming a version, which only the operations that declare it take. */
const VERSION_ID = 'versionId';

/**
 * The subresources of an object, not of a bucket: at a bucket's path S3 refuses them for what they
 * are (`?partNumber=1&versionId=x` is "Object must have a valid key name.", captured), so a
 * `versionId` beside one is not refused for itself.
 */
const OBJECT_SUBRESOURCES: ReadonlySet<string> = new Set([
  'attributes',
  'legal-hold',
  'partNumber',
  'renameObject',
  'restore',
  'retention',
  'select',
  'torrent',
  'uploadId',
]);

/** The methods at a bucket's path on which S3 refuses any `versionId` (captured: GET, HEAD, PUT, DELETE). */
const VERSIONLESS_BUCKET_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** The routing table of a set of operations. */
export class RouteTable<Operation extends RoutedOperation> {
  /** The routes of each method, then target (`PUT`, `object`), most specific first. */
  readonly #byMethodAndTarget = new Map<string, Map<string, readonly Operation[]>>();
  /** The subresources some operation of a method and target claims (`GET bucket versions`). */
  readonly #claimed = new Set<string>();

  /** @throws TypeError when two operations declare the same method, path and discriminators. */
  constructor(operations: Iterable<Operation>) {
    const routes = [...operations].filter((operation) => operation.rest !== undefined);
    const seen = new Set<string>();
    for (const operation of routes) {
      const rest = operation.rest as RestBinding;
      const signature = `${rest.method} ${rest.path} ?${[...(rest.query ?? [])].sort().join('&')} ${[...(rest.headers ?? [])].sort().join(',')}`;
      if (seen.has(signature)) throw new TypeError(`two S3 operations bind ${signature}`);
      seen.add(signature);
    }
    // Most specific first: the first full match is the one.
    routes.sort((a, b) => specificity(b.rest as RestBinding) - specificity(a.rest as RestBinding));
    for (const operation of routes) {
      const rest = operation.rest as RestBinding;
      let byTarget = this.#byMethodAndTarget.get(rest.method);
      if (byTarget === undefined) this.#byMethodAndTarget.set(rest.method, (byTarget = new Map()));
      byTarget.set(rest.path, [...(byTarget.get(rest.path) ?? []), operation]);
      for (const name of SUBRESOURCES) if (claims(rest, name)) this.#claimed.add(`${rest.method} ${rest.path} ${name}`);
    }
  }

  /**
   * Refuses a `versionId` the request's operation does not take, with S3's 400 "This operation does
   * not accept a version-id." naming the value as sent: the operation the request would name
   * without it takes none, or, at a bucket's path, it names one bucket subresource Strongbox does
   * not serve (`PUT ?versioning`; S3 answers `GET ?acl&versionId=x` otherwise, which stays 501).
   * A 32-bit integer argument of that operation that is malformed is refused first, with its own
   * error (captured: `?max-keys=abc&versionId=x`). The handler calls this before authenticating
   * the request, as S3 checks it before the credential (see the module).
   * @throws S3Error VersionIdNotAccepted, or the integer argument's own error.
   * @example routes.refuseVersionId({ method: 'PUT', target: 'bucket', query: new Map([['versioning', ''], ['versionId', 'x']]), headers: {} }) // throws
   */
  refuseVersionId(request: RouteQuery): void {
    const versionId = request.query.get(VERSION_ID);
    if (versionId === undefined) return;
    const method = request.method.toUpperCase();
    const routes = this.#byMethodAndTarget.get(method)?.get(request.target) ?? NO_ROUTES;
    let without: Operation | undefined;
    for (const operation of routes) {
      const rest = operation.rest as RestBinding;
      if (!matchesQuery(rest, request.query) || !matchesHeaders(rest, request.headers)) continue;
      // The operation takes the version id: nothing to refuse.
      if (claimsSubresources(rest, request.query)) return;
      if (without === undefined && claimsSubresources(rest, request.query, VERSION_ID)) without = operation;
    }
    if (without === undefined && !(request.target === 'bucket' && refusedAtBucket(method, request.query))) return;
    if (without !== undefined) refuseMalformedIntegers(without.rest as RestBinding, request.query);
    throw new S3Error('VersionIdNotAccepted', { fields: [['ArgumentValue', versionId]] });
  }

  /**
   * The operation a request names.
   * @throws S3Error VersionIdNotAccepted for a `versionId` on an operation that takes none;
   *   NotImplemented for an S3 subresource no operation serves; MethodNotAllowed otherwise.
   */
  resolve(request: RouteQuery): Operation {
    const method = request.method.toUpperCase();
    // Two lookups of names the table holds, rather than a `METHOD target` string made per request.
    const routes = this.#byMethodAndTarget.get(method)?.get(request.target) ?? NO_ROUTES;
    for (const operation of routes) {
      const rest = operation.rest as RestBinding;
      if (matchesQuery(rest, request.query) && matchesHeaders(rest, request.headers) && claimsSubresources(rest, request.query)) return operation;
    }
    this.refuseVersionId(request);
    // A version id is no sub-API: the request is refused for what else it names. Named first is
    // a subresource no operation here serves; else (served ones, not in this combination) all.
    const named = [...request.query.keys()].filter((name) => name !== VERSION_ID && SUBRESOURCES.has(name));
    const unserved = named.find((name) => !this.#claimed.has(`${method} ${request.target} ${name}`));
    if (unserved !== undefined) {
      throw new S3Error('NotImplemented', { detail: { value: NOT_SERVED.get(`${method} ${unserved}`) ?? `the ?${unserved} subresource (${method})` } });
    }
    if (named.length > 0) throw new S3Error('NotImplemented', { detail: { value: `the ?${named.join('&')} request (${method})` } });
    if (request.headers['x-amz-copy-source'] !== undefined) throw new S3Error('NotImplemented', { detail: { value: `${method} with x-amz-copy-source` } });
    throw new S3Error('MethodNotAllowed', {
      fields: [
        ['Method', method],
        ['ResourceType', resourceType(request.target)],
      ],
    });
  }
}

/**
 * Whether S3 refuses a `versionId` at a bucket's path for itself when no served operation matches:
 * on GET, HEAD, PUT and DELETE naming one bucket subresource other than `?acl`; two are S3's
 * conflict, refused first. `?acl` is not: a GET's or HEAD's S3 words "Invalid version id
 * specified" (captured), and a PUT's S3 reads after the credential and the bucket
 * (brekkylab/backlot, 2026-09-30: `NoSuchBucket` for a name nobody owns, then "Invalid version id
 * specified"), so here it is PutBucketAcl's 501 after authentication.
 */
function refusedAtBucket(method: string, query: ReadonlyMap<string, string>): boolean {
  if (!VERSIONLESS_BUCKET_METHODS.has(method)) return false;
  const named = [...query.keys()].filter((name) => name !== VERSION_ID && SUBRESOURCES.has(name));
  if (named.length !== 1) return false;
  const [name] = named as [string];
  return !OBJECT_SUBRESOURCES.has(name) && name !== 'acl';
}

function specificity(rest: RestBinding): number {
  return (rest.query?.length ?? 0) + (rest.headers?.length ?? 0);
}

function matchesQuery(rest: RestBinding, query: ReadonlyMap<string, string>): boolean {
  for (const discriminator of rest.query ?? []) {
    const equals = discriminator.indexOf('=');
    if (equals < 0) {
      if (!query.has(discriminator)) return false;
    } else if (query.get(discriminator.slice(0, equals)) !== discriminator.slice(equals + 1)) return false;
  }
  return true;
}

/**
 * Whether every subresource the request names is one the binding declares (as a discriminator, a
 * query member or a claim): PutObject must not serve `?partNumber&uploadId` while UploadPart is unbound.
 */
function claimsSubresources(rest: RestBinding, query: ReadonlyMap<string, string>, ignored?: string): boolean {
  for (const name of query.keys()) {
    if (!SUBRESOURCES.has(name) || name === ignored || claims(rest, name)) continue;
    return false;
  }
  return true;
}

/** Whether a binding declares a subresource, as a discriminator or as a query member. */
function claims(rest: RestBinding, name: string): boolean {
  if ((rest.query ?? []).some((d) => d === name || d.startsWith(`${name}=`))) return true;
  if (rest.claims?.includes(name)) return true;
  return Object.values(rest.request?.members ?? {}).some((member) => member.in === 'query' && member.name === name);
}

function matchesHeaders(rest: RestBinding, headers: Readonly<Record<string, string | undefined>>): boolean {
  for (const name of rest.headers ?? []) if (headers[name] === undefined) return false;
  return true;
}

function resourceType(target: PathTarget): string {
  return target === 'object' ? 'OBJECT' : target === 'bucket' ? 'BUCKET' : 'SERVICE';
}
