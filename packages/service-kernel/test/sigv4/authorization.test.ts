/**
 * The `Authorization` header parser remembers the fields before the signature of the headers it
 * has parsed (a client sends the same ones on every call): a header like one seen before must
 * parse exactly as the general rules parse it, or fail exactly as they fail.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../src/index.ts';
import { __TESTS } from '../../src/sigv4/authorization.ts';

const { parseAuthorization, parseAuthorizationFields } = __TESTS;

function request(date: string | undefined): HttpRequest {
  return { method: 'GET', path: '/', headers: date === undefined ? {} : { 'x-amz-date': date }, body: new Uint8Array(0) };
}

/** The parse, or the error's message: what a caller sees. */
function outcome(parse: () => unknown): unknown {
  try {
    return { parsed: parse() };
  } catch (error) {
    return { failed: (error as Error).message };
  }
}

const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 64 });

describe('parseAuthorization', () => {
  it('parses headers like ones seen before as the general rules do, whatever their other fields (property)', () => {
    const field = fc.oneof(
      fc.constantFrom(
        'Credential=AKID/20260101/us-east-1/s3/aws4_request',
        'SignedHeaders=host;x-amz-date',
        'SignedHeaders=',
        'Signature=abc',
        'Credential=',
        'x=y',
        '=z',
      ),
      fc.string({ unit: fc.constantFrom('a', 'Z', '=', ',', ' ', '/', ';', '0'), maxLength: 10 }),
    );
    const separator = fc.constantFrom(', ', ',', ' ', ' , ', ',,');
    const prefix = fc
      .tuple(fc.constantFrom('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256', '', ' AWS4-HMAC-SHA256'), fc.array(fc.tuple(separator, field), { maxLength: 5 }))
      .map(([algorithm, fields]) => algorithm + fields.map(([sep, text]) => sep + text).join(''));
    const signature = fc.oneof(hex, fc.constantFrom('', 'ABC', 'abc ', 'abc,def', 'abc, Signature=def', 'g'));
    const date = fc.constantFrom('20260101T000000Z', undefined);
    fc.assert(
      fc.property(prefix, signature, hex, date, (text, first, second, amzDate) => {
        for (const header of [`${text}, Signature=${first}`, `${text}, Signature=${second}`, `${text}, Signature=${first}`]) {
          expect(outcome(() => parseAuthorization(header, request(amzDate)))).toEqual(outcome(() => parseAuthorizationFields(header, request(amzDate))));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('takes the signature of each call, not the one remembered with its fields', () => {
    const text = 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date';
    expect(parseAuthorization(`${text}, Signature=${'1'.repeat(64)}`, request('20260101T000000Z')).signature).toBe('1'.repeat(64));
    const second = parseAuthorization(`${text}, Signature=${'2'.repeat(64)}`, request('20260101T000001Z'));
    expect(second).toEqual({
      algorithm: 'AWS4-HMAC-SHA256',
      credential: 'AKID/20260101/us-east-1/s3/aws4_request',
      signedHeaders: ['host', 'x-amz-date'],
      signature: '2'.repeat(64),
      amzDate: '20260101T000001Z',
    });
  });
});
