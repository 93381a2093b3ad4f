/**
 * @module
 * The REST routing table, derived from the operations' bindings (`binding.ts`): a request's
 * method, what its path names (service, bucket or object) and its query and header
 * discriminators select one operation; among several that match, the most specific wins
 * (UploadPart's `partNumber`+`uploadId` over PutObject's none). S3 subresources no binding claims
 * (`?acl`, `?tagging`, …) are real S3 operations Strongbox does not serve: 501 NotImplemented
 * naming the subresource. Anything else no operation answers is 405 MethodNotAllowed, as S3
 * answers a method a resource does not support.
 */

import { S3Error } from '../errors.ts';
import type { PathTarget, RestBinding } from './binding.ts';

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

/**
 * What a refused subresource request names, where the bare `?name (METHOD)` would not say why:
 * PutBucketVersioning, as GetBucketVersioning and ListObjectVersions are served (for buckets
 * never versioned, every bucket here) while versioning itself is not emulated.
 */
const NOT_SERVED: ReadonlyMap<string, string> = new Map([
  ['PUT versioning', 'PutBucketVersioning (versioning is not emulated: every bucket stays unversioned, its objects have the version id null)'],
]);

/** The routing table of a set of operations. */
export class RouteTable<Operation extends RoutedOperation> {
  /** The routes of each method and target (`PUT object`), most specific first. */
  readonly #byMethodAndTarget = new Map<string, readonly Operation[]>();

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
      const key = `${rest.method} ${rest.path}`;
      this.#byMethodAndTarget.set(key, [...(this.#byMethodAndTarget.get(key) ?? []), operation]);
    }
  }

  /**
   * The operation a request names.
   * @throws S3Error NotImplemented for an S3 subresource no operation serves; MethodNotAllowed otherwise.
   */
  resolve(request: RouteQuery): Operation {
    const method = request.method.toUpperCase();
    for (const operation of this.#byMethodAndTarget.get(`${method} ${request.target}`) ?? []) {
      const rest = operation.rest as RestBinding;
      if (matchesQuery(rest, request.query) && matchesHeaders(rest, request.headers) && claimsSubresources(rest, request.query)) return operation;
    }
    for (const name of request.query.keys()) {
      if (SUBRESOURCES.has(name))
        throw new S3Error('NotImplemented', { detail: { value: NOT_SERVED.get(`${method} ${name}`) ?? `the ?${name} subresource (${method})` } });
    }
    if (request.headers['x-amz-copy-source'] !== undefined) throw new S3Error('NotImplemented', { detail: { value: `${method} with x-amz-copy-source` } });
    throw new S3Error('MethodNotAllowed', {
      fields: [
        ['Method', method],
        ['ResourceType', resourceType(request.target)],
      ],
    });
  }
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
 * Whether every subresource the request names is one the binding declares (as a discriminator or
 * a query member): PutObject must not serve `?partNumber&uploadId` while UploadPart is unbound.
 */
function claimsSubresources(rest: RestBinding, query: ReadonlyMap<string, string>): boolean {
  for (const name of query.keys()) {
    if (!SUBRESOURCES.has(name)) continue;
    if ((rest.query ?? []).some((d) => d === name || d.startsWith(`${name}=`))) continue;
    const members = Object.values(rest.request?.members ?? {});
    if (members.some((member) => member.in === 'query' && member.name === name)) continue;
    return false;
  }
  return true;
}

function matchesHeaders(rest: RestBinding, headers: Readonly<Record<string, string | undefined>>): boolean {
  for (const name of rest.headers ?? []) if (headers[name] === undefined) return false;
  return true;
}

function resourceType(target: PathTarget): string {
  return target === 'object' ? 'OBJECT' : target === 'bucket' ? 'BUCKET' : 'SERVICE';
}
