/**
 * @module
 * The path and query string of a header-signed request as the signer reads them to re-sign:
 * `/path?query` split, the query decoded into a frozen null-prototype map (repeated names become
 * lists; a client's `?constructor=1` is an ordinary name), and remembered, since an SDK sends the
 * same few queries on every call (`x-id=PutObject`).
 */

import { queryPairs } from '../protocol/query-pairs.ts';

/** A decoded query string: repeated names become lists; read only. */
export type SignedQuery = Readonly<Record<string, string | string[]>>;

/**
 * `/path?query` into the path and a decoded query map (repeated keys become lists; read only).
 * @example splitPath('/b/k?x-id=GetObject') // ['/b/k', { 'x-id': 'GetObject' }]
 */
export function splitPath(raw: string): [string, SignedQuery] {
  const question = raw.indexOf('?');
  const path = question < 0 ? raw : raw.slice(0, question);
  return [path || '/', question < 0 ? NO_QUERY : queryOf(raw.slice(question + 1))];
}

const NO_QUERY: SignedQuery = Object.freeze(Object.create(null) as Record<string, string | string[]>);
/**
 * Query strings parsed before, with their frozen parameters: an SDK sends the same few on every
 * call (`x-id=PutObject`), and the signer only reads them.
 */
const SEEN_QUERIES = new Map<string, SignedQuery>();
/** Query strings remembered before the memo starts again (clients sending endless distinct queries cannot grow it). */
const SEEN_QUERIES_LIMIT = 256;

function queryOf(text: string): SignedQuery {
  let query = SEEN_QUERIES.get(text);
  if (query === undefined) {
    query = Object.freeze(parseQuery(text));
    if (SEEN_QUERIES.size >= SEEN_QUERIES_LIMIT) SEEN_QUERIES.clear();
    SEEN_QUERIES.set(text, query);
  }
  return query;
}

function parseQuery(text: string): Record<string, string | string[]> {
  // Keys are the client's: on a plain object `?constructor=1` would find Object's constructor.
  const query = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of queryPairs(text)) addQueryValue(query, key, value);
  return query;
}

function addQueryValue(query: Record<string, string | string[]>, key: string, value: string): void {
  const previous = query[key];
  query[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
}
