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
 * (`refuseBeforeCredential`, which the handler calls ahead of authentication: measured against S3
 * by brekkylab/backlot, 2026-09-29/30, for requests at a bucket's path and for a GET or a HEAD at
 * a key's; for a write at a key's path UNCONFIRMED, refused there the same way so that one rule
 * holds), but after a malformed 32-bit integer argument of the same operation
 * (`max-keys=abc&versionId=x` and `max-uploads=abc&versionId=x` are refused for the integer, same
 * capture), which S3 refuses before the credential too, with or without a version id, as it does
 * ListObjectVersions' markers' shape (backlot `backlot/routers/s3.py` at commit
 * 07bef4332838e4c4ee55118732a8ac1520f70d16, same dates; its fetchable snapshot lacks these notes).
 * That order is measured at a bucket's path only: at a key's, ListParts'
 * `?uploadId=x&max-parts=abc&versionId=v` is refused here for the integer, UNCONFIRMED (backlot's
 * code refuses the version id first there, without saying it sent such a request), so that one
 * order holds. A presigned URL's malformed argument is refused the same way, before its expiry or
 * signature is judged, UNCONFIRMED (backlot measured header-signed and unsigned requests only).
 * S3 refuses a version id beside subresources Strongbox does not serve too
 * (`PUT ?versioning&versionId=x`, `GET ?tagging&…`, a key's `GET ?uploads&…`), not with their 501;
 * where S3 reads it after the credential (a bucket's `PUT ?acl`, a key's `GET ?acl`) the request
 * goes on to its 501 (`version-id-refusals.ts`). Ahead of all of these, a method S3 serves
 * nothing with (an OPTIONS, a TRACE) is refused for itself (`method-refusals.ts`). A request no
 * operation answers is 501 for a subresource Strongbox does not serve, else 405
 * (`unrouted.ts`); which query names are subresources is `subresources.ts`.
 */

import { S3Error } from '../errors.ts';
import { int32Argument } from '../model/int32.ts';
import type { Int32Type, PathTarget, RestBinding } from './binding.ts';
import { methodRefusal } from './method-refusals.ts';
import { VERSION_ID } from './query-names.ts';
import { conflictingSelectorsRefusal } from './selector-methods.ts';
import { claims, claimsSubresources, SUBRESOURCES } from './subresources.ts';
import { unroutedRefusal } from './unrouted.ts';
import { unservedVersionIdRefusal } from './version-id-refusals.ts';

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

const NO_ROUTES: readonly never[] = Object.freeze([]);

/** The routing table of a set of operations. */
export class RouteTable<Operation extends RoutedOperation> {
  /** The routes of each method, then target (`PUT`, `object`), most specific first. */
  readonly #byMethodAndTarget = new Map<string, Map<string, readonly Operation[]>>();
  /** The subresources some operation of a method and target claims (`GET bucket versions`). */
  readonly #claimed = new Set<string>();
  /**
   * Of each method, then target, the query parameters whose presence has some operation there
   * refuse something before the credential (its 32-bit integer members, its `refusedFirst` names):
   * a request with none of them and no `versionId` has nothing to refuse.
   */
  readonly #readFirst = new Map<string, Map<string, readonly string[]>>();
  /** Of each operation with some, its 32-bit integer query members (parameter name, type), in binding order. */
  readonly #integers = new Map<RestBinding, readonly (readonly [string, Int32Type])[]>();

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
      const integers = integerMembers(rest);
      if (integers.length > 0) this.#integers.set(rest, integers);
      const names = [...integers.map(([name]) => name), ...(rest.refusedFirst?.names ?? [])];
      if (names.length === 0) continue;
      let readFirst = this.#readFirst.get(rest.method);
      if (readFirst === undefined) this.#readFirst.set(rest.method, (readFirst = new Map()));
      readFirst.set(rest.path, [...new Set([...(readFirst.get(rest.path) ?? []), ...names])]);
    }
  }

  /**
   * Refuses what S3 refuses of a request's method or query before the credential, in S3's order: a
   * method that is no S3 operation's (`methodRefusal`: an OPTIONS, a TRACE); a GET or a write
   * naming two selectors (`conflictingSelectorsRefusal`); of the operation the request
   * names (a `versionId` it does not take set aside), a malformed 32-bit integer argument
   * (captured: `?max-keys=abc&versionId=x`), then what its binding refuses first
   * (`refusedFirst`: ListObjectVersions' markers); then a `versionId` the operation does not take, with S3's 400 "This operation does not accept a version-id." naming
   * the value as sent, or one beside a subresource Strongbox does not serve
   * (`unservedVersionIdRefusal`: `PUT ?versioning`, a key's `GET ?uploads`; a bucket's GET or HEAD
   * `?acl` is S3's "Invalid version id specified"). The handler calls this before authenticating
   * the request: brekkylab/backlot measured S3 refusing each of these the same to an unsigned
   * request and to one signed over a bad secret (us-east-1, 2026-09-29/30: `?max-keys=abc`,
   * `?versions&max-keys=abc`, `?uploads&max-uploads=abc`, `?uploadId=x&max-parts=abc`, the version
   * id markers' shape, a `versionId`; see the module, which says what is UNCONFIRMED: the order at
   * a key's path, a presigned URL).
   * @example
   * ```ts
   * // From packages/s3: not exported by '@strongbox/s3'.
   * import { OPERATIONS } from './src/operations/index.ts';
   * import { RouteTable } from './src/protocol/routes.ts';
   * const routes = new RouteTable(Object.values(OPERATIONS));
   * routes.refuseBeforeCredential({ method: 'GET', target: 'bucket', query: new Map([['max-keys', 'abc']]), headers: {} }); // throws InvalidMaxKeys
   * ```
   * @returns The operation `resolve` names, when finding what to refuse took finding it (the
   *   request sends a `versionId` or a parameter read first), so the caller need not scan again;
   *   `undefined` otherwise.
   * @throws S3Error the method's refusal, the argument's own error, VersionIdNotAccepted or InvalidVersionId.
   */
  refuseBeforeCredential(request: RouteQuery): Operation | undefined {
    const method = request.method.toUpperCase();
    const refusal = methodRefusal(method, request.target, request.headers);
    if (refusal !== undefined) throw refusal;
    // A GET or a write naming two selectors: S3's conflict, ahead of a version id's refusals.
    const conflict = conflictingSelectorsRefusal(method, request.target, request.query);
    if (conflict !== undefined) throw conflict;
    const versionId = request.query.get(VERSION_ID);
    // Nothing to refuse: no version id, and none of what an operation here reads first (GetObject's
    // and ListObjectsV2's usual requests end here, at two lookups and a few `has`).
    if (versionId === undefined && !sendsAny(request.query, this.#readFirst.get(method)?.get(request.target))) return undefined;
    const routes = this.#byMethodAndTarget.get(method)?.get(request.target) ?? NO_ROUTES;
    // The operation that takes every subresource named, else the first that would without the
    // version id.
    let served: Operation | undefined;
    let without: Operation | undefined;
    for (const operation of routes) {
      const rest = operation.rest as RestBinding;
      if (!matchesQuery(rest, request.query) || !matchesHeaders(rest, request.headers)) continue;
      if (claimsSubresources(rest, request.query)) {
        served = operation;
        break;
      }
      if (versionId !== undefined && without === undefined && claimsSubresources(rest, request.query, VERSION_ID)) without = operation;
    }
    const named = (served ?? without)?.rest;
    if (named !== undefined) {
      // The first malformed 32-bit integer, with its own error (`max-keys=abc`: InvalidMaxKeys).
      const integers = this.#integers.get(named);
      if (integers !== undefined) for (const [name, type] of integers) int32Argument(request.query.get(name), type.malformed);
      named.refusedFirst?.refuse(request.query);
    }
    // The operation takes the version id, or none was sent.
    if (versionId === undefined || served !== undefined) return served;
    if (without !== undefined) throw new S3Error('VersionIdNotAccepted', { fields: [['ArgumentValue', versionId]] });
    const unserved = unservedVersionIdRefusal(method, request.target, request.query, versionId);
    if (unserved !== undefined) throw unserved;
    return undefined;
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
    this.refuseBeforeCredential(request);
    throw unroutedRefusal({ method, target: request.target, query: request.query, headers: request.headers }, (name) =>
      this.#claimed.has(`${method} ${request.target} ${name}`),
    );
  }
}

/** An operation's 32-bit integer query members (`int32`), which S3 reads before the credential. */
function integerMembers(rest: RestBinding): (readonly [string, Int32Type])[] {
  return Object.values(rest.request?.members ?? {}).flatMap((member) =>
    member.in === 'query' && typeof member.type === 'object' ? [[member.name, member.type] as const] : [],
  );
}

/** Whether a query holds one of `names` (none when there are none). */
function sendsAny(query: ReadonlyMap<string, string>, names: readonly string[] | undefined): boolean {
  if (names === undefined) return false;
  for (const name of names) if (query.has(name)) return true;
  return false;
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

function matchesHeaders(rest: RestBinding, headers: Readonly<Record<string, string | undefined>>): boolean {
  for (const name of rest.headers ?? []) if (headers[name] === undefined) return false;
  return true;
}
