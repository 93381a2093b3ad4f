/**
 * @module
 * Hostile JSON for the JSON 1.1 fuzzers, as text: objects are written from their entries, so a
 * member may be named `__proto__` (which `JSON.stringify` of an object literal would drop) or be
 * repeated, and string contents may be raw escapes (lone surrogates) no JavaScript string
 * serializes to.
 */

import fc from 'fast-check';

/** A JSON value to write: objects as entries, `raw` as text spliced in verbatim. */
export type JsonText =
  | { readonly object: readonly (readonly [string, JsonText])[] }
  | { readonly array: readonly JsonText[] }
  | { readonly raw: string }
  | string
  | number
  | boolean
  | null;

/** Writes `value` as JSON text. */
export function emit(value: JsonText): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if ('raw' in value) return value.raw;
  if ('array' in value) return `[${value.array.map(emit).join(',')}]`;
  return `{${value.object.map(([key, member]) => `${JSON.stringify(key)}:${emit(member)}`).join(',')}}`;
}

/** Names that reach `Object.prototype` through a plain object. */
export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

/** An object with prototype-named members (and a few ordinary ones), values from `value`. */
export function prototypeMap(value: fc.Arbitrary<JsonText>): fc.Arbitrary<JsonText> {
  return fc
    .tuple(
      fc.subarray([...PROTOTYPE_KEYS], { minLength: 1 }),
      fc.array(fc.tuple(fc.string({ maxLength: 8 }), value), { maxLength: 3 }),
      fc.array(value, { minLength: PROTOTYPE_KEYS.length, maxLength: PROTOTYPE_KEYS.length }),
    )
    .map(([names, others, values]) => ({ object: [...names.map((name, index) => [name, values[index] ?? 'x'] as const), ...others] }));
}

/** Base64 that is not: bad characters, bad padding, a lone symbol, whitespace, URL-safe alphabet. */
export const invalidBase64: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('!!!!', 'QQ=', 'Q', '====', 'QUJD=RA==', 'QUJD\nRA==', 'Q U J D', '-_-_', 'QUJD%', '€€€€', '\u0000AAA', 'A'.repeat(4097)),
  fc.string({ minLength: 1, maxLength: 40 }).map((text) => `${text}*`),
);

/** A string member out of every bound: huge, empty, control characters, invalid Unicode, path-like. */
export const hostileString: fc.Arbitrary<JsonText> = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 32 }),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, meant literally.
  fc.constantFrom('', ' ', '\u0000', '../../../../etc/passwd', '%2e%2e%2f', 'C:\\Windows\\system32', '${jndi:ldap://x}', '<script>', "'; DROP TABLE keys;--"),
  fc.integer({ min: 1, max: 300_000 }).map((length) => 'k'.repeat(length)),
  fc.constantFrom('\\ud800', '\\udfff\\ud800', '\\u0000', 'a\\udc00b').map((sequence) => ({ raw: `"${sequence}"` })),
);

/** A value of no particular type (for members that expect another). */
export function anyJson(depth = 2): fc.Arbitrary<JsonText> {
  const leaf: fc.Arbitrary<JsonText> = fc.oneof(
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom({ raw: '1e400' }, { raw: '-0' }, { raw: '123456789012345678901234567890' }, { raw: '1.5e-400' }),
  );
  if (depth <= 0) return leaf;
  const inner = anyJson(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 4 }).map((array) => ({ array })) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.string({ maxLength: 10 }), inner), { maxLength: 4 }).map((object) => ({ object })) },
    { weight: 1, arbitrary: prototypeMap(inner) },
  );
}

/** JSON nested `depth` deep (arrays, objects or both), the classic stack-exhaustion input. */
export const deepNesting: fc.Arbitrary<string> = fc
  // Up to 60,000 levels: below the edge's 1 MiB body limit, far beyond any recursion a parser could afford.
  .tuple(fc.integer({ min: 100, max: 60_000 }), fc.constantFrom('[', '{"a":', '{"__proto__":'), fc.boolean())
  .map(([depth, open, closed]) => {
    const close = open === '[' ? ']' : '}';
    return open.repeat(depth) + (closed ? `1${close.repeat(depth)}` : '');
  });

/** Text that is not JSON at all, or JSON cut short. */
export const malformedJson: fc.Arbitrary<Uint8Array | string> = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.constantFrom(
    '',
    '{',
    '{"KeyId":',
    '{"KeyId":"x"',
    '{"KeyId":"x",}',
    "{'KeyId':'x'}",
    '{"KeyId":"x"}}',
    'null',
    '[]',
    '"x"',
    '0',
    'true',
    '\ufeff{}',
    '{"a":1}\u0000',
  ),
  fc.uint8Array({ maxLength: 200 }),
  // Invalid UTF-8 inside a string.
  fc
    .constantFrom([0xc3, 0x28], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80])
    .map((bad) => Buffer.concat([Buffer.from('{"KeyId":"'), Buffer.from(bad), Buffer.from('"}')])),
);
