/**
 * `closestFlag`, the "did you mean" of serve's and demo's flag errors: what it suggests, and when
 * it says nothing because two flags fit as well.
 */

import { describe, expect, it } from 'vitest';
import { closestFlag } from '../src/suggest.ts';

describe('closestFlag', () => {
  it('two flags equally close give no suggestion: --post is one edit from --port and from --host', () => {
    expect(closestFlag('--post', ['port', 'host'])).toBeUndefined();
    expect(closestFlag('--post', ['host', 'port'])).toBeUndefined();
    expect(closestFlag('--prot', ['port', 'host'])).toBe('--port');
  });

  it('a beginning several flags share suggests none of them: --quota begins --quotas and --quota-scale', () => {
    expect(closestFlag('--quota', ['quotas', 'quota-scale', 'key-quota'])).toBeUndefined();
  });

  it('ignores case: --PORT and --Port are --port', () => {
    expect(closestFlag('--PORT', ['port', 'host'])).toBe('--port');
    expect(closestFlag('--Port', ['port', 'host'])).toBe('--port');
  });
});
