/**
 * `closestFlag`, the "did you mean" of serve's and demo's flag errors, and `closestName`, that of a
 * fault's operation: what they suggest, and when they say nothing because two names fit as well.
 */

import { describe, expect, it } from 'vitest';
import { closestFlag, closestName } from '../src/suggest.ts';

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

describe('closestName', () => {
  const names = ['GenerateDataKey', 'GenerateDataKeyPair', 'Decrypt', 'Encrypt', 'GetObject', 'PutObject'];

  it('names the operation meant, ignoring case, spelled as served', () => {
    expect(closestName('GenerateDatakey', names)).toBe('GenerateDataKey');
    expect(closestName('decrypt', names)).toBe('Decrypt');
    expect(closestName('GetObjects', names)).toBe('GetObject');
  });

  it('names nothing three edits away or further', () => {
    expect(closestName('Decr', names)).toBeUndefined();
    expect(closestName('Decry', names)).toBe('Decrypt');
  });

  it('names nothing when two operations are as close: GutObject is one edit from GetObject and from PutObject', () => {
    expect(closestName('GutObject', names)).toBeUndefined();
  });

  it('names nothing for a name far longer than any served, and the longest served still counts', () => {
    expect(closestName('A'.repeat(1000), names)).toBeUndefined();
    expect(closestName('GenerateDataKeyPairs', names)).toBe('GenerateDataKeyPair');
  });
});
