/**
 * The multipart property, through the engine into a data directory: any part layout (how many
 * parts, their sizes, the numbers they are uploaded under, the order they arrive in, parts
 * uploaded twice, parts copied from another object, parts never listed) and any mode (SSE-S3,
 * SSE-C, SSE-KMS with and without a bucket key, DSSE-KMS) completes to
 * exactly the concatenation of the listed parts; any Range, and every part by number, reads back
 * exactly; and the directory then holds no plaintext and no SSE-C key.
 */

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_PART_SIZE, type SseCustomerMembers } from '../../src/index.ts';
import { members, sseC } from '../helpers/engine.ts';
import { pickRange, RANGE_FORMS } from '../helpers/ranges.ts';
import { withScannedEngine } from '../helpers/scanned-engine.ts';
import { WRITE_MODES, writeMembers } from '../helpers/write-modes.ts';

/** 31-byte samples from the start, middle and end of a random body (searched whole by the scan). */
function samples(body: Uint8Array): Uint8Array[] {
  if (body.length < 31) return [];
  return [0, Math.floor(body.length / 2), body.length - 31].map((offset) => body.slice(offset, offset + 31));
}

/** One part: bytes beyond 5 MiB (the last part: its whole size), uploaded twice, or copied. */
const partPlan = fc.record({ extra: fc.nat({ max: 70_000 }), reuploaded: fc.boolean(), copied: fc.boolean() });

describe('multipart round trips (property)', () => {
  it('any part layout and mode completes to the concatenation, reads back by any range and part, and stores no plaintext', async () => {
    await withScannedEngine('s3-multipart-property', async ({ s3, plaintexts, customerKeys }) => {
      let counter = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(partPlan, { minLength: 1, maxLength: 3 }),
          fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 3, maxLength: 3 }),
          fc.constantFrom(...WRITE_MODES),
          fc.constantFrom('SSE-S3', 'SSE-C', 'SSE-KMS'),
          fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...RANGE_FORMS)), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          async (plans, numberPool, mode, sourceMode, ranges, strayPart) => {
            const key = `object-${counter++}`;
            const trio = sseC();
            const sourceTrio = sseC();
            if (mode === 'SSE-C') customerKeys.push(trio.raw);
            if (sourceMode === 'SSE-C') customerKeys.push(sourceTrio.raw);
            // SSE-KMS under the AWS managed key aws/s3 of the engine's own KMS (kept in <directory>/kms).
            const sse = writeMembers(mode, trio);
            const partSse: SseCustomerMembers = mode === 'SSE-C' ? members(trio) : {};
            const numbers = numberPool.slice(0, plans.length).sort((a, b) => a - b);
            const bodies = plans.map((plan, index) => new Uint8Array(randomBytes(index < plans.length - 1 ? MIN_PART_SIZE + plan.extra : plan.extra)));
            for (const body of bodies) plaintexts.push(...samples(body));

            const { UploadId } = await s3.createMultipartUpload({ Bucket: 'prop', Key: key, ...sse });
            // Parts arrive last first, so upload order differs from part order.
            const etags = new Map<number, string>();
            for (let index = plans.length - 1; index >= 0; index--) {
              const plan = plans[index]!;
              const PartNumber = numbers[index]!;
              if (plan.reuploaded) {
                const decoy = new Uint8Array(randomBytes(4096));
                plaintexts.push(...samples(decoy));
                await s3.uploadPart({ Bucket: 'prop', Key: key, UploadId, PartNumber, Body: decoy, ...partSse });
              }
              if (plan.copied) {
                // The part is a range of a larger source object, in the source's own mode.
                const padding = new Uint8Array(randomBytes(100));
                const source = Buffer.concat([padding, bodies[index]!, padding]);
                plaintexts.push(...samples(padding));
                const sourceSse = sourceMode === 'SSE-C' ? members(sourceTrio) : sourceMode === 'SSE-KMS' ? { ServerSideEncryption: 'aws:kms' } : {};
                await s3.putObject({ Bucket: 'prop', Key: `${key}-source-${index}`, Body: source, ...sourceSse });
                const copySse =
                  sourceMode === 'SSE-C'
                    ? {
                        CopySourceSSECustomerAlgorithm: sourceTrio.SSECustomerAlgorithm,
                        CopySourceSSECustomerKey: sourceTrio.SSECustomerKey,
                        CopySourceSSECustomerKeyMD5: sourceTrio.SSECustomerKeyMD5,
                      }
                    : {};
                const range = bodies[index]!.length === 0 ? undefined : `bytes=100-${99 + bodies[index]!.length}`;
                const copyBody = range === undefined ? `prop/${key}-empty` : `prop/${key}-source-${index}`;
                if (range === undefined) await s3.putObject({ Bucket: 'prop', Key: `${key}-empty`, Body: '' });
                const copied = await s3.uploadPartCopy({
                  Bucket: 'prop',
                  Key: key,
                  UploadId,
                  PartNumber,
                  CopySource: copyBody,
                  ...(range === undefined ? {} : { CopySourceRange: range }),
                  ...(range === undefined ? {} : copySse),
                  ...partSse,
                });
                etags.set(PartNumber, copied.CopyPartResult.ETag);
              } else {
                const { ETag } = await s3.uploadPart({ Bucket: 'prop', Key: key, UploadId, PartNumber, Body: bodies[index]!, ...partSse });
                etags.set(PartNumber, ETag);
              }
            }
            const stray = numberPool[2]!;
            if (strayPart && !numbers.includes(stray))
              await s3.uploadPart({ Bucket: 'prop', Key: key, UploadId, PartNumber: stray, Body: 'never listed', ...partSse });
            const done = await s3.completeMultipartUpload({
              Bucket: 'prop',
              Key: key,
              UploadId,
              MultipartUpload: { Parts: numbers.map((PartNumber) => ({ PartNumber, ETag: etags.get(PartNumber)! })) },
            });
            expect(done.ETag).toMatch(new RegExp(`^"[0-9a-f]{32}-${plans.length}"$`));

            const whole = Buffer.concat(bodies);
            const read = mode === 'SSE-C' ? members(trio) : {};
            const got = await s3.getObject({ Bucket: 'prop', Key: key, ...read });
            expect(Buffer.from(await got.Body.transformToByteArray()).equals(whole)).toBe(true);
            for (const [index, body] of bodies.entries()) {
              const part = await s3.getObject({ Bucket: 'prop', Key: key, PartNumber: index + 1, ...read });
              expect(part.PartsCount).toBe(plans.length);
              expect(Buffer.from(await part.Body.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
            }
            if (whole.length === 0) return;
            for (const [x, y, form] of ranges) {
              const { header: range, first, last } = pickRange(whole.length, x, y, form);
              const ranged = await s3.getObject({ Bucket: 'prop', Key: key, Range: range, ...read });
              expect(ranged.ContentRange).toBe(`bytes ${first}-${last}/${whole.length}`);
              expect(Buffer.from(await ranged.Body.transformToByteArray()).equals(whole.subarray(first, last + 1))).toBe(true);
            }
          },
        ),
        { numRuns: 6 },
      );
    });
  }, 240_000);
});
