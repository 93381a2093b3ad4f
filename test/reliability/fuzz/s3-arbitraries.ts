/**
 * @module
 * Hostile pieces of S3 REST-XML requests: bucket names and object keys that try to leave the
 * data directory, malformed and hostile XML (DOCTYPE, entity expansion, external entities),
 * aws-chunked bodies that lie about their framing, Authorization headers and presigned query
 * strings that do not parse.
 */

import fc from 'fast-check';

/** Bucket names S3 refuses (InvalidBucketName), traversal attempts among them. */
export const invalidBucketName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2E%2E',
    '..%2f..',
    '..%5c..',
    'a',
    'UPPER',
    'b'.repeat(64),
    'bucket%00',
    'b%00',
    '-bad-',
    'bad-',
    'a..b',
    '192.168.1.1',
    'xn--abc',
    'b\\c',
    '%ff%fe',
    'bucket-s3alias',
    'sthree-x',
  ),
  fc.stringMatching(/^[A-Z_!~*'()]{1,10}$/),
);

/** Object keys that try to escape their bucket's directory, or are not text. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '..%2f..%2f..%2fescaped',
    '%2e%2e%2f%2e%2e%2fescaped',
    '%2E%2E/%2E%2E/escaped',
    '../../escaped',
    '..%5c..%5cescaped',
    '..\\..\\escaped',
    'a%00b',
    '%00',
    'nul%00/../../escaped',
    '%c3%28',
    '%ff%fe',
    '%ed%a0%80',
    '%e2%82',
    'k'.repeat(1025),
    '%',
    '%zz',
    '.',
    '..',
    'seed/../../../escaped',
    'CON',
    'aux.txt',
  ),
  fc.array(fc.constantFrom('..', '.', '%2e%2e', '%2F', '%5C', '%00', 'x', '~', '%c0%af'), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('/')),
);

/** A billion laughs: entities defined in terms of each other, ten deep. */
const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, index) => `<!ENTITY lol${index + 1} "${`&lol${index === 0 ? '' : index};`.repeat(10)}">`).join('')}]><ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>&lol9;</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`;

/** External entities: a local file and a URL, which must be neither read nor fetched. */
const EXTERNAL_ENTITIES = [
  `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&xxe;</Key></Object></Delete>`,
  `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/x">]><CreateBucketConfiguration><LocationConstraint>&xxe;</LocationConstraint></CreateBucketConfiguration>`,
  `<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><Delete/>`,
  `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]><Delete/>`,
];

/** XML S3 must refuse: not well-formed, DTDs, wrong roots, nesting, invalid UTF-8, prototype-named elements. */
export const hostileXml: fc.Arbitrary<Uint8Array | string> = fc.oneof(
  fc.constantFrom(BILLION_LAUGHS, ...EXTERNAL_ENTITIES),
  fc.constantFrom(
    '',
    '<',
    '<Delete>',
    '<Delete><Object><Key>x</Key></Object>',
    '<a></b>',
    '<?xml version="1.0"?>',
    '<Delete><Object><Key>x</Key></Object></Delete><Delete/>',
    'not xml',
    '{"json":true}',
  ),
  fc.integer({ min: 100, max: 50_000 }).map((depth) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`),
  fc.integer({ min: 100, max: 50_000 }).map((depth) => `<Delete>${'<Object>'.repeat(depth)}`),
  fc.constantFrom('__proto__', 'constructor', 'prototype').map((name) => `<${name}><${name}>x</${name}><__proto__ polluted="yes"/></${name}>`),
  fc
    .constantFrom('__proto__', 'constructor')
    .map(
      (name) => `<ServerSideEncryptionConfiguration><Rule><${name}><SSEAlgorithm>AES256</SSEAlgorithm></${name}></Rule></ServerSideEncryptionConfiguration>`,
    ),
  fc
    .constantFrom([0xc3, 0x28], [0xff, 0xfe], [0xed, 0xa0, 0x80])
    .map((bad) => Buffer.concat([Buffer.from('<Delete><Object><Key>'), Buffer.from(bad), Buffer.from('</Key></Object></Delete>')])),
  fc.integer({ min: 1000, max: 200_000 }).map((count) => `<Delete>${'<Object><Key>absent</Key></Object>'.repeat(count)}</Delete>`),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
);

/** An aws-chunked body that lies: sizes that are not hex, short or long data, no final chunk, a decoded length that differs. */
export interface ChunkedLie {
  readonly body: Buffer;
  readonly decodedLength: string;
  readonly form: string;
  readonly trailer?: string;
  readonly description: string;
}

export const chunkedLie: fc.Arbitrary<ChunkedLie> = fc
  .tuple(
    fc.uint8Array({ minLength: 1, maxLength: 64 }),
    fc.constantFrom(
      'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
      'STREAMING-NONSENSE',
    ),
    fc.constantFrom(
      'short-decoded',
      'long-decoded',
      'bad-hex',
      'huge-size',
      'no-final',
      'short-data',
      'long-data',
      'no-crlf',
      'bad-trailer',
      'extra-after-end',
      'negative-decoded',
      'long-line',
    ),
  )
  .map(([data, form, lie]) => {
    const signature = form.includes('HMAC') ? `;chunk-signature=${'0'.repeat(64)}` : '';
    const trailerNamed = form.endsWith('TRAILER') ? 'x-amz-checksum-crc32' : undefined;
    const trailer =
      trailerNamed === undefined ? '' : `x-amz-checksum-crc32:AAAAAA==\r\n${form.includes('HMAC') ? `x-amz-trailer-signature:${'0'.repeat(64)}\r\n` : ''}`;
    const payload = Buffer.from(data);
    let size = payload.length.toString(16);
    let chunk = payload;
    let decodedLength = String(payload.length);
    let final = `0${signature}\r\n${trailer}\r\n`;
    let between = '\r\n';
    let extra = '';
    switch (lie) {
      case 'short-decoded':
        decodedLength = String(payload.length - 1);
        break;
      case 'long-decoded':
        decodedLength = String(payload.length + 1);
        break;
      case 'negative-decoded':
        decodedLength = '-1';
        break;
      case 'bad-hex':
        size = 'zz';
        break;
      case 'huge-size':
        size = 'fffffffffffff';
        break;
      case 'no-final':
        final = '';
        break;
      case 'short-data':
        chunk = payload.subarray(0, payload.length - 1);
        break;
      case 'long-data':
        chunk = Buffer.concat([payload, Buffer.from('!')]);
        break;
      case 'no-crlf':
        between = '';
        break;
      case 'bad-trailer':
        final = `0${signature}\r\nx-amz-checksum-sha256:${'A'.repeat(44)}\r\n__proto__:x\r\n\r\n`;
        break;
      case 'extra-after-end':
        extra = 'GARBAGE';
        break;
      case 'long-line':
        size = `${size};${'x'.repeat(8000)}`;
        break;
    }
    const body = Buffer.concat([Buffer.from(`${size}${signature}\r\n`), chunk, Buffer.from(between + final + extra)]);
    return { body, decodedLength, form, ...(trailerNamed === undefined ? {} : { trailer: trailerNamed }), description: `${form} ${lie}` };
  });

/** Authorization headers that do not parse, or parse into nonsense. */
export const hostileAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    'AWS4-HMAC-SHA256',
    'AWS4-HMAC-SHA256 ',
    'AWS4-HMAC-SHA256 Credential=',
    'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00',
    'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=, Signature=',
    'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=zz',
    'AWS4-HMAC-SHA256 Credential=AKID/xxxxxxxx/../../s3/aws4_request, SignedHeaders=host, Signature=0',
    'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0',
    'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
    'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=0',
    'AWS AKID:c2lnbmF0dXJl',
    'Bearer x',
    'AWS4-ECDSA-P256-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
    'AWS4-HMAC-SHA256 Credential=__proto__/20260101/us-east-1/s3/aws4_request, SignedHeaders=__proto__;constructor, Signature=0',
  ),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), fc.string({ maxLength: 70 }))
    .map(
      ([key, date, headers, signature]) =>
        `AWS4-HMAC-SHA256 Credential=${key}/${date}/us-east-1/s3/aws4_request, SignedHeaders=${headers}, Signature=${signature}`,
    ),
  fc.integer({ min: 1000, max: 60_000 }).map((length) => `AWS4-HMAC-SHA256 Credential=${'k'.repeat(length)}`),
);

/** Presigned query strings missing, repeating or mangling their parameters. */
export const hostilePresignedQuery: fc.Arbitrary<string> = fc
  .record({
    algorithm: fc.constantFrom('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1', '', '%00', '__proto__'),
    credential: fc.oneof(
      fc.constantFrom(
        'AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request',
        'AKID',
        '%2F%2F%2F%2F',
        'AKID%2F20260101%2Fus-east-1%2Fkms%2Faws4_request',
        '..%2F..%2F..',
      ),
      fc.string({ maxLength: 30 }).map(encodeURIComponent),
    ),
    date: fc.constantFrom('20260101T000000Z', '2026-01-01', '99999999T999999Z', '', '00000000T000000Z'),
    expires: fc.constantFrom('60', '0', '-1', '604801', '1e3', 'abc', '99999999999999999999', ''),
    signedHeaders: fc.constantFrom('host', '', 'host%3Bx-amz-date', '__proto__', 'x-amz-content-sha256'),
    signature: fc.constantFrom('0'.repeat(64), 'zz', '', 'x'.repeat(5000)),
    drop: fc.subarray(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']),
    repeat: fc.boolean(),
  })
  .map(({ algorithm, credential, date, expires, signedHeaders, signature, drop, repeat }) => {
    const parameters: [string, string][] = [
      ['X-Amz-Algorithm', algorithm],
      ['X-Amz-Credential', credential],
      ['X-Amz-Date', date],
      ['X-Amz-Expires', expires],
      ['X-Amz-SignedHeaders', signedHeaders],
      ['X-Amz-Signature', signature],
    ];
    const kept = parameters.filter(([name]) => name === 'X-Amz-Algorithm' || !drop.includes(name));
    if (repeat) kept.push(['X-Amz-Signature', 'f'.repeat(64)]);
    return kept.map(([name, value]) => `${name}=${value}`).join('&');
  });
