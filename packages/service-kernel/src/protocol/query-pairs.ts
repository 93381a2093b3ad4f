/**
 * @module
 * The name/value pairs of a URL query string, as `URLSearchParams` reads them, for the services'
 * address parsing and SigV4 verification alike. Text with nothing to decode (the SDKs' `x-id=PutObject`,
 * `uploads`, `list-type=2`) is split as it stands, which gives the same pairs without the parser.
 */

/**
 * Query text `URLSearchParams` might read otherwise than split as it stands (escapes, `+`, a leading
 * `?`, anything outside printable ASCII): such text goes through the parser.
 */
const ENCODED_QUERY = /^\?|[%+]|[^ -~]/;

/**
 * The decoded pairs of `text` (a query string without its `?`), in order, repeated names included.
 * @example
 * ```ts
 * [...queryPairs('x-id=GetObject&uploads')]; // [['x-id', 'GetObject'], ['uploads', '']]
 * ```
 */
export function* queryPairs(text: string): Generator<[string, string]> {
  if (ENCODED_QUERY.test(text)) {
    yield* new URLSearchParams(text);
    return;
  }
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    yield equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
  }
}
