/**
 * @module
 * Which bucket and key a request names (S3 User Guide, "Virtual hosting of buckets";
 * ../shared/reference/s3-sse.md §5.1): path-style `/{bucket}/{key}`, or virtual-hosted
 * `{bucket}.{base}/{key}` where the host ends in one of the endpoint's base host names
 * (`localhost`, `s3.localhost`, …). A host that is an IP address or a base name itself is
 * path-style; so is any other host (a local endpoint has no DNS for CNAME buckets). Keys are
 * percent-decoded: the SDK encodes every byte outside the unreserved set, and `/` stays a
 * separator-free part of the key.
 */

import { isIP } from 'node:net';
import { queryPairs } from '@strongbox/service-kernel';

/** Base host names a virtual-hosted bucket name is prefixed to, besides AWS's own. */
export const DEFAULT_BASE_HOSTS: readonly string[] = Object.freeze(['localhost', 's3.localhost', 'strongbox.localhost', 's3.strongbox.localhost']);

/** AWS's own S3 endpoints: `s3.amazonaws.com`, `s3.<region>.amazonaws.com`, `s3-<region>.amazonaws.com`. */
const AWS_BASE = /^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/;

/** A request's target. */
export interface S3Address {
  /** The bucket, if the request names one. */
  readonly bucket?: string;
  /** The object key, if the request names one (a bucket request has none; `''` counts as none). */
  readonly key?: string;
  /** The query parameters, decoded; repeated names keep their first value. */
  readonly query: ReadonlyMap<string, string>;
}

/**
 * Splits a request's host and path into bucket, key and query.
 * @throws URIError for a path whose percent-encoding is not valid UTF-8 (the caller answers 400).
 * @example addressOf('photos.localhost:4566', '/2026/a.jpg?x-id=GetObject', DEFAULT_BASE_HOSTS) // { bucket: 'photos', key: '2026/a.jpg', ... }
 */
export function addressOf(host: string | undefined, rawPath: string, baseHosts: readonly string[] = DEFAULT_BASE_HOSTS): S3Address {
  const question = rawPath.indexOf('?');
  const path = question < 0 ? rawPath : rawPath.slice(0, question);
  const query = question < 0 ? NO_QUERY : queryOf(rawPath.slice(question + 1));
  const hostBucket = bucketOfHost(host, baseHosts);
  const rest = path.startsWith('/') ? path.slice(1) : path;
  if (hostBucket !== undefined) return withKey(hostBucket, rest, query);
  if (rest === '') return { query };
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: percentDecoded(rest), query };
  return withKey(percentDecoded(rest.slice(0, slash)), rest.slice(slash + 1), query);
}

/**
 * A query string's parameters, decoded as `URLSearchParams` decodes them; a repeated name keeps its
 * first value. Text with nothing to decode (the SDKs' `x-id=GetObject`, `uploads`, `list-type=2`)
 * is split as it stands, which gives the same pairs without the parser.
 */
function queryOf(text: string): ReadonlyMap<string, string> {
  let query = SEEN_QUERIES.get(text);
  if (query === undefined) {
    query = parseQuery(text);
    if (SEEN_QUERIES.size >= SEEN_QUERIES_LIMIT) SEEN_QUERIES.clear();
    SEEN_QUERIES.set(text, query);
  }
  return query;
}

/**
 * Query strings parsed before, with their (read-only) parameters: an SDK sends the same few on
 * every call (`x-id=GetObject`), and the map is only ever read.
 */
const SEEN_QUERIES = new Map<string, ReadonlyMap<string, string>>();
/** Query strings remembered before the memo starts again (clients sending endless distinct queries cannot grow it). */
const SEEN_QUERIES_LIMIT = 256;

function parseQuery(text: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const [name, value] of queryPairs(text)) if (!query.has(name)) query.set(name, value);
  return query;
}

const NO_QUERY: ReadonlyMap<string, string> = new Map();

function withKey(bucket: string, encodedKey: string, query: ReadonlyMap<string, string>): S3Address {
  return encodedKey === '' ? { bucket, query } : { bucket, key: percentDecoded(encodedKey), query };
}

/**
 * `decodeURIComponent`, which leaves text without a `%` as it is (only escapes are decoded, and
 * only a malformed escape throws): such text, most bucket names and keys, skips the call.
 * @throws URIError for an escape that is not valid UTF-8.
 */
function percentDecoded(text: string): string {
  return text.includes('%') ? decodeURIComponent(text) : text;
}

/**
 * Hosts seen before, with the bucket each names (`null`: path-style), for the base hosts they were
 * worked out against: a client sends the same `Host` on every call, and working it out takes a
 * lowercase copy, an IP address test and a regular expression.
 */
let seenHosts = { baseHosts: DEFAULT_BASE_HOSTS, buckets: new Map<string, string | null>() };
/** Hosts remembered before the memo starts again (clients sending endless distinct hosts cannot grow it). */
const SEEN_HOSTS_LIMIT = 256;

/** The bucket a virtual-hosted request's host names, or undefined for path-style. */
function bucketOfHost(host: string | undefined, baseHosts: readonly string[]): string | undefined {
  if (host === undefined) return undefined;
  if (seenHosts.baseHosts !== baseHosts) seenHosts = { baseHosts, buckets: new Map() };
  const buckets = seenHosts.buckets;
  let bucket = buckets.get(host);
  if (bucket === undefined) {
    bucket = workOutBucketOfHost(host, baseHosts) ?? null;
    if (buckets.size >= SEEN_HOSTS_LIMIT) buckets.clear();
    buckets.set(host, bucket);
  }
  return bucket ?? undefined;
}

function workOutBucketOfHost(host: string, baseHosts: readonly string[]): string | undefined {
  const name = hostName(host).toLowerCase();
  if (name === '' || baseHosts.includes(name) || isIP(name) !== 0 || AWS_BASE.test(name)) return undefined;
  let best: string | undefined;
  for (const base of baseHosts) {
    // The longest base wins: `b.s3.localhost` is bucket `b` of `s3.localhost`, not `b.s3` of `localhost`.
    if (name.endsWith(`.${base}`) && (best === undefined || base.length > best.length)) best = base;
  }
  if (best !== undefined) return name.slice(0, -best.length - 1);
  const labels = name.split('.');
  // `<bucket>.s3.<region>.amazonaws.com`: the bucket may hold dots, so find the S3 suffix.
  for (let index = 1; index < labels.length; index++) {
    if (AWS_BASE.test(labels.slice(index).join('.'))) return labels.slice(0, index).join('.');
  }
  return undefined;
}

/** The host name without its port (IPv6 literals keep their brackets off). */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}
