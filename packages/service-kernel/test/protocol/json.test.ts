/**
 * JSON request bodies are read as UTF-8 strictly: bytes that are not UTF-8 are refused as an
 * unreadable body (SerializationException), never decoded into U+FFFD and acted on. Found by the
 * hostile-input fuzzer (test/reliability/fuzz-kms.test.ts): CreateKey with a member holding the
 * bytes C3 28 created a key.
 */

import { describe, expect, it } from 'vitest';
import { parseJson, ServiceError } from '../../src/index.ts';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

describe('parseJson', () => {
  it.each([
    ['a truncated two-byte sequence', [0xc3, 0x28]],
    ['bytes that never start a character', [0xff, 0xfe]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses %s inside a string with a bare SerializationException', (_name, bad) => {
    const error = (() => {
      try {
        parseJson(bytes('{"Description":"', bad, '"}'));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ code: 'SerializationException', message: '' });
  });

  it('reads UTF-8 text, a byte order mark and an empty body as before', () => {
    expect(parseJson(bytes('{"Description":"caf\u00e9 \u{1f511}"}'))).toEqual({ Description: 'caf\u00e9 \u{1f511}' });
    expect(parseJson(bytes([0xef, 0xbb, 0xbf], '{"a":1}'))).toEqual({ a: 1 });
    expect(parseJson(new Uint8Array())).toEqual({});
  });
});
