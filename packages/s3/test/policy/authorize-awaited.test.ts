/**
 * Every authorization call in the S3 sources is awaited or returned: `authorize` and
 * `authorizeOperation` return a promise only when a policy needs the object's tags read first, so
 * a call left floating passes every ordinary test while a tag-based Deny would decide nothing.
 * Neither TypeScript nor Biome's rules catch a `Promise | undefined` left unawaited; this audit does.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');
const CALL = /\b(?:context|this)\.(?:authorize|authorizeOperation)\(/;
/** How a call may stand: awaited, returned, or held to be awaited on the next line (`ownedBucket`). */
const HANDLED = /(?:\bawait|\breturn|const reading =)\s+(?:context|this)\.(?:authorize|authorizeOperation)\(/;

describe('authorization calls', () => {
  it('are all awaited or returned', () => {
    const files = (readdirSync(SRC, { recursive: true, encoding: 'utf8' }) as string[]).filter((file) => file.endsWith('.ts'));
    const floating: string[] = [];
    let calls = 0;
    for (const file of files) {
      for (const [index, line] of readFileSync(join(SRC, file), 'utf8').split('\n').entries()) {
        if (/^\s*(\*|\/\/)/.test(line) || !CALL.test(line)) continue;
        calls++;
        if (!HANDLED.test(line)) floating.push(`${file}:${index + 1}: ${line.trim()}`);
      }
    }
    expect(floating).toEqual([]);
    // The audit sees the calls it is about (copy source, tagging checks, DeleteObjects, ...).
    expect(calls).toBeGreaterThan(10);
  });
});
