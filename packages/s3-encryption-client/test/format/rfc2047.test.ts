/**
 * RFC 2047 and UTF-8-via-Latin-1 decoding of S3 metadata, with the vectors of the official Ruby
 * client's `spec/encryptionV3/s3_rfc2047_spec.rb` (each S3-returned header value and what the
 * original string was).
 */

import { describe, expect, it } from 'vitest';
import { decodeMetadataValue, decodeRfc2047, decodeUtf8ViaLatin1 } from '../../src/format/rfc2047.ts';
import { s3MetadataValue } from '../helpers/memory-s3.ts';

const RUBY_VECTORS: readonly [string, string, string][] = [
  ['Hello World', 'Hello World', 'Hello World'],
  ['café', 'cafÃ©', '=?UTF-8?Q?caf=C3=83=C2=A9?='],
  ['åäö', 'Ã¥Ã¤Ã¶', '=?UTF-8?B?w4PCpcODwqTDg8K2?='],
  ['Ω', 'Î©', '=?UTF-8?B?w47CqQ==?='],
  ['中文', 'ä¸\u00adæ\u0096\u0087', '=?UTF-8?B?w6TCuMKtw6bClsKH?='],
  ['€', 'â\u0082¬', '=?UTF-8?B?w6LCgsKs?='],
  ['😀', 'ð\u009F\u0098\u0080', '=?UTF-8?B?w7DCn8KYwoA=?='],
  ['Hello café 中文 😀', 'Hello cafÃ© ä¸\u00adæ\u0096\u0087 ð\u009F\u0098\u0080', '=?UTF-8?B?SGVsbG8gY2Fmw4PCqSDDpMK4wq3DpsKWwocgw7DCn8KYwoA=?='],
  ['{"key":"åäö"}', '{"key":"Ã¥Ã¤Ã¶"}', '=?UTF-8?Q?{"key":"=C3=83=C2=A5=C3=83=C2=A4=C3=83=C2=B6"}?='],
  ['\u0080', 'Â\u0080', '=?UTF-8?B?w4LCgA==?='],
  ['\uFFFF', 'ï¿¿', '=?UTF-8?B?w6/Cv8K/?='],
  ['', '', ''],
  ['aå', 'aÃ¥', '=?UTF-8?B?YcODwqU=?='],
];

describe('RFC 2047 metadata decoding', () => {
  for (const [original, viaLatin1, header] of RUBY_VECTORS) {
    it(`decodes ${JSON.stringify(header)} to ${JSON.stringify(original)}`, () => {
      expect(decodeRfc2047(header)).toBe(viaLatin1);
      expect(decodeUtf8ViaLatin1(viaLatin1)).toBe(original);
      expect(decodeMetadataValue(header)).toBe(original);
    });
  }

  it('drops whitespace between adjacent encoded words, whatever their encodings', () => {
    expect(decodeRfc2047('=?UTF-8?B?aGVs?= =?UTF-8?Q?lo?=')).toBe('hello');
    expect(decodeRfc2047('=?UTF-8?B?aGVs?= =?UTF-8?B?bG8=?=')).toBe('hello');
  });

  it('decodes an encryption context S3 split across encoded words (Ruby spec)', () => {
    const header =
      '=?UTF-8?Q?{"aws:x-amz-cek-alg":"AES/GCM/NoPadding",?= =?UTF-8?Q?"Some_Data":"Some_Da?= =?UTF-8?Q?ta","l1Key":"=C3=83=C2=A5=C3=83=C2=A5=C3=83=C2=A5"}?=';
    expect(decodeMetadataValue(header)).toBe('{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","Some Data":"Some Data","l1Key":"ååå"}');
  });

  it('undoes what the test S3 fixture does, as S3 does it', () => {
    for (const [original] of RUBY_VECTORS) expect(decodeMetadataValue(s3MetadataValue(original))).toBe(original);
  });

  it('refuses an unknown charset and bytes that are not UTF-8', () => {
    expect(() => decodeRfc2047('=?KOI8-R?B?aGVs?=')).toThrow(expect.objectContaining({ code: 'MalformedMetadata' }));
    expect(() => decodeUtf8ViaLatin1('\u00c3\u00c3')).toThrow(expect.objectContaining({ code: 'MalformedMetadata' }));
  });
});
