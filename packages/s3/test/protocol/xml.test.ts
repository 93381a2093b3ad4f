import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/index.ts';
import { flattened, list, struct } from '../../src/protocol/binding.ts';
import { errorXml, parseXml, writeXml } from '../../src/protocol/xml.ts';

const shape = struct({
  Name: 'string',
  Count: 'integer',
  Enabled: 'boolean',
  When: 'timestamp',
  Items: flattened(struct({ Key: 'string' }), 'Item'),
  Wrapped: list('string', 'Entry'),
});

/**
 * A character XML 1.0 can carry (NUL and most C0 controls cannot appear even escaped: S3 keys
 * holding them are listed with `encoding-type=url`), weighted towards the ones that need escaping.
 */
const xmlChar = fc.oneof(
  fc.constantFrom('&', '<', '>', '"', "'", '\r', '\n', '\t', ' ', '\u0085', '\u2028', ']]>'.charAt(0)),
  fc.integer({ min: 0x20, max: 0xd7ff }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0xe000, max: 0xfffd }).map((code) => String.fromCharCode(code)),
);

describe('S3 XML documents', () => {
  it('writes the declaration, S3 namespace, members in shape order, booleans lowercase and ISO timestamps', () => {
    const text = writeXml('Root', shape, { Enabled: false, Name: 'n', When: new Date(0), Items: [{ Key: 'a' }, { Key: 'b' }], Wrapped: ['x'] });
    expect(text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Root xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>n</Name><Enabled>false</Enabled><When>1970-01-01T00:00:00.000Z</When><Item><Key>a</Key></Item><Item><Key>b</Key></Item><Wrapped><Entry>x</Entry></Wrapped></Root>',
    );
  });

  it('parses what it writes, for any string values (escaping round-trips)', () => {
    fc.assert(
      fc.property(fc.string({ unit: xmlChar }), fc.array(fc.string({ unit: xmlChar }), { minLength: 1, maxLength: 4 }), (name, keys) => {
        const text = writeXml('Root', shape, { Name: name, Count: 3, Enabled: true, Items: keys.map((Key) => ({ Key })) });
        const parsed = parseXml(text, 'Root', shape);
        expect(parsed).toEqual({ Name: name, Count: 3, Enabled: true, Items: keys.map((Key) => ({ Key })) });
      }),
    );
  });

  it('reads one flattened item as a list of one, and an empty document as no members', () => {
    expect(parseXml('<Root><Item><Key>only</Key></Item></Root>', 'Root', shape)).toEqual({ Items: [{ Key: 'only' }] });
    expect(parseXml('<Root/>', 'Root', shape)).toEqual({});
  });

  it('refuses malformed documents, DOCTYPEs, wrong roots and wrong scalar types as MalformedXML', () => {
    for (const text of [
      '<Root><Name>x</Root>',
      '<!DOCTYPE r [<!ENTITY e "x">]><Root><Name>&e;</Name></Root>',
      '<Other/>',
      '<Root><Count>many</Count></Root>',
      '<Root><Enabled>True</Enabled></Root>',
    ]) {
      expect(() => parseXml(text, 'Root', shape), text).toThrow(S3Error);
      try {
        parseXml(text, 'Root', shape);
      } catch (error) {
        expect((error as S3Error).code).toBe('MalformedXML');
      }
    }
  });

  it('decodes character references (the SDK writes a newline in a key as &#x0A;)', () => {
    expect(parseXml('<Root><Name>a&#x0A;b &amp; &lt;c&gt;</Name></Root>', 'Root', shape)).toEqual({ Name: 'a\nb & <c>' });
  });

  it('writes error documents with the extra elements in order, then the ids', () => {
    expect(errorXml('NoSuchKey', 'The specified key does not exist.', [['Key', 'a&b']], 'REQ', 'HOST')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&amp;b</Key><RequestId>REQ</RequestId><HostId>HOST</HostId></Error>',
    );
  });
});
