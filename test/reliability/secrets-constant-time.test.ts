/**
 * Secrets are compared in constant time: a source check over every package's `src/`, since timing
 * cannot be asserted on these machines. Each place that compares a secret-derived value (SigV4
 * signatures in headers, presigned URLs and aws-chunked chunks; the SSE-C key check; KMS
 * VerifyMac and signature verification; key commitments and GCM tags; continuation-token MACs;
 * the CSE RSA keyring's padding check) goes through `timingSafeEqual` or a constant-time helper,
 * and no plain `===`, `!==` or `.equals()` compares a value named like a signature, MAC, tag,
 * commitment, digest, secret or token anywhere else.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordReliability } from './summary.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Where secrets are compared, and the constant-time call each must use. */
const SITES: readonly { file: string; what: string; uses: RegExp }[] = [
  { file: 'packages/service-kernel/src/sigv4/signature.ts', what: 'SigV4 header signatures', uses: /timingSafeEqual\(left, right\)/ },
  // The presigned and aws-chunked forms use the header form's helper (signature.ts, above).
  { file: 'packages/service-kernel/src/sigv4/presigned.ts', what: 'presigned URL signatures', uses: /constantTimeEqual\(expected\.signature, signature\)/ },
  { file: 'packages/service-kernel/src/sigv4/streaming.ts', what: 'aws-chunked chunk signatures', uses: /!constantTimeEqual\(/ },
  { file: 'packages/s3/src/crypto/sse-c.ts', what: 'the SSE-C key check (salted HMAC)', uses: /timingSafeEqual\(expected, actual\)/ },
  { file: 'packages/kms/src/model/key-types/hmac.ts', what: 'KMS VerifyMac', uses: /timingSafeEqual\(expected, mac\)/ },
  { file: 'packages/kms/src/model/key-types/rsa-pss.ts', what: 'RSA-PSS verification', uses: /timingSafeEqual\(expected, h\)/ },
  { file: 'packages/kms/src/model/key-types/signing.ts', what: 'RSA PKCS#1 v1.5 verification', uses: /timingSafeEqual\(recovered, expected\)/ },
  { file: 'packages/s3-encryption-client/src/crypto/commitment.ts', what: 'CSE key commitment', uses: /timingSafeEqual\(expected, commitment\)/ },
  { file: 'packages/s3-encryption-client/src/keyrings/rsa-keyring.ts', what: 'CSE RSA keyring padding', uses: /timingSafeEqual\(found, suffix\)/ },
  { file: 'packages/envelope/src/message.ts', what: 'envelope key commitment', uses: /equalBytes\(keys\.commitment, header\.commitment\)/ },
  { file: 'packages/envelope/src/backend/gcm-stream.ts', what: 'streamed GCM tags', uses: /equalBytes\(expected, tag\)/ },
  { file: 'packages/envelope/src/backend/noble-prepared.ts', what: 'noble GCM tags', uses: /equalBytes\(tag\(/ },
  { file: 'packages/s3/src/model/continuation-token.ts', what: 'continuation-token MACs', uses: /equalInConstantTime\(/ },
];

/** A comparison operand named like a secret or a value derived from one. */
const SECRET_NAME = /\b\w*(?:signature|Signature|mac|Mac|MAC|hmac|Hmac|commitment|Commitment|secret|Secret|digest|Digest|tag|Tag)\w*\b/;
/** Comparisons that are not of secret values (kinds, lengths, absence, names, literals). */
const HARMLESS = /typeof|undefined|null|\.length|===?\s*['"`]|['"`]\s*!?==|\.name\b|\.kind\b|Length\b|instanceof/;

function sources(): string[] {
  return readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      (readdirSync(join(ROOT, 'packages', entry.name, 'src'), { recursive: true, encoding: 'utf8' }) as string[])
        .filter((file) => file.endsWith('.ts'))
        .map((file) => join('packages', entry.name, 'src', file)),
    );
}

describe('secrets are compared in constant time', () => {
  for (const site of SITES) {
    it(`${site.what}: ${site.file}`, () => {
      expect(readFileSync(join(ROOT, site.file), 'utf8')).toMatch(site.uses);
    });
  }

  it('the constant-time helpers have no early exit: their loops OR the differences and return once', () => {
    const bytes = readFileSync(join(ROOT, 'packages/envelope/src/bytes.ts'), 'utf8');
    const helper = /export function equalBytes[\s\S]*?\n}/.exec(bytes)![0];
    expect(helper).toMatch(/diff \|= /);
    expect(helper.match(/return/g)).toHaveLength(2); // the length check, and the end
    const token = readFileSync(join(ROOT, 'packages/s3/src/model/continuation-token.ts'), 'utf8');
    const tokenHelper = /function equalInConstantTime[\s\S]*?\n}/.exec(token)![0];
    expect(tokenHelper).toMatch(/difference \|= /);
    expect(tokenHelper.match(/return/g)).toHaveLength(1);
  });

  it('no plain ===, !== or .equals() compares a value named like a signature, MAC, tag, commitment, digest or secret', () => {
    const files = sources();
    const offending: string[] = [];
    let lines = 0;
    for (const file of files) {
      for (const [index, line] of readFileSync(join(ROOT, file), 'utf8').split('\n').entries()) {
        lines++;
        if (/^\s*(\*|\/\/)/.test(line)) continue;
        for (const match of line.matchAll(/([\w.!?\])]+)\s*(===|!==)\s*([\w.!?[(]+)|([\w.]+)\.equals\(([\w.]+)\)/g)) {
          const operands = [match[1], match[3], match[4], match[5]].filter((operand): operand is string => operand !== undefined);
          if (!operands.some((operand) => SECRET_NAME.test(operand))) continue;
          if (HARMLESS.test(match[0])) continue;
          offending.push(`${file}:${index + 1}: ${line.trim()}`);
        }
      }
    }
    // Reviewed: these compare public values (ETags a client sends and S3 returned).
    const reviewed = [
      /conditions\.ts:\d+: .*unquote\(tag/,
      /multipart\.ts:\d+: .*bareEtag\(asked\.etag\) !== part\.etag/,
      /conditional-write\.ts:\d+: .*unquote\(value\.trim\(\)\) === unquote\(etag\)/,
    ];
    expect(offending.filter((entry) => !reviewed.some((pattern) => pattern.test(entry)))).toEqual([]);
    expect(files.length).toBeGreaterThan(100);
    recordReliability('source lines audited for non-constant-time secret comparisons', lines, `${SITES.length} comparison sites pinned`);
  });
});
