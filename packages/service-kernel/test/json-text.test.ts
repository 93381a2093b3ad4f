/**
 * JSON text holding secrets (users files, seeds): a syntax error is located by line and column,
 * the scanner that locates it agrees with `JSON.parse` on what is JSON, and no part of the input
 * ever appears in the message.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeSyntaxError, parseJsonText, syntaxErrorOffset } from '../src/index.ts';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('syntaxErrorOffset', () => {
  it('agrees with JSON.parse on random texts built from JSON tokens', () => {
    const token = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      'a',
      '0',
      '1',
      '-',
      '+',
      '.',
      'e',
      'E',
      ' ',
      '\n',
      '\t',
      'true',
      'false',
      'null',
      'tru',
      '"k"',
      '\\u00e9',
      '\\u12G4',
      '\u0001',
      '\u00e9',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), (tokens) => {
        const text = tokens.join('');
        expect(syntaxErrorOffset(text) === undefined).toBe(parses(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with JSON.parse on valid documents and on every truncation of them', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1);
        expect(syntaxErrorOffset(text)).toBeUndefined();
        for (let cut = 0; cut < Math.min(text.length, 40); cut++) {
          expect(syntaxErrorOffset(text.slice(0, cut)) === undefined).toBe(parses(text.slice(0, cut)));
        }
      }),
    );
  });

  it.each([
    ['{"a": 1,}', 8, 'syntax error at line 1, column 9'],
    ['{"a":\n  01}', 9, 'syntax error at line 2, column 4'],
    ['[1, 2', 5, 'unexpected end of input at line 1, column 6'],
    ['', 0, 'unexpected end of input at line 1, column 1'],
    ['\uFEFF{}', 0, 'syntax error at line 1, column 1'],
    ['{} {}', 3, 'syntax error at line 1, column 4'],
  ])('locates the fault in %j', (text, offset, description) => {
    expect(syntaxErrorOffset(text)).toBe(offset);
    expect(describeSyntaxError(text)).toBe(description);
  });
});

describe('parseJsonText', () => {
  it('parses JSON as JSON.parse does', () => {
    expect(parseJsonText('{"a": [1, "b", null]}', 'users file')).toEqual({ a: [1, 'b', null] });
  });

  it('never quotes the input, where V8 quotes the text around the fault', () => {
    const text = '{"accessKeyId": "AKIAX", "secretAccessKey": s3cr3tKEY}';
    expect(() => JSON.parse(text)).toThrow(/s3cr3t/);
    expect(() => parseJsonText(text, 'users file')).toThrow(new TypeError('users file: not valid JSON (syntax error at line 1, column 45)'));
  });

  it('still says only "syntax error" when nesting is too deep to locate', () => {
    expect(() => parseJsonText('['.repeat(200_000), 'seed')).toThrow(new TypeError('seed: not valid JSON (syntax error)'));
  });
});
