/**
 * The start-up banner as the README shows it: the README's sample is compared line by line with
 * what `startBanner` prints for the default settings, so the two cannot drift apart again (the
 * sample named "KMS, CloudTrail LookupEvents" long after S3 was served).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBanner } from '../src/banner.ts';

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

/** The lines of the README's sample banner, without its `...` elisions. */
function sampleBanner(): string[] {
  const at = README.indexOf('It prints the endpoint and lines to paste:');
  expect(at, 'the README shows a sample banner').toBeGreaterThanOrEqual(0);
  const open = README.indexOf('```\n', at) + 4;
  return README.slice(open, README.indexOf('```', open))
    .split('\n')
    .filter((line) => line !== '' && line !== '...');
}

describe('the README sample banner', () => {
  it('shows lines the banner prints for the default settings, in its order', () => {
    const banner = startBanner({ url: 'http://127.0.0.1:4566', region: 'us-east-1', account: '000000000000', strictAuth: false }).split('\n');
    const sample = sampleBanner();
    expect(sample.length).toBeGreaterThan(1);
    expect(sample[0]).toBe(banner[0]);
    let from = 0;
    for (const line of sample) {
      const found = banner.indexOf(line, from);
      expect(found, `the banner prints ${JSON.stringify(line)} (after line ${from})`).toBeGreaterThanOrEqual(from);
      from = found + 1;
    }
  });
});
