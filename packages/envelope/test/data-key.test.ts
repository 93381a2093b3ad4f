/**
 * `DataKey`: generation, copy-versus-adopt ownership, wiping the very buffer, and redaction in
 * every string, JSON, inspect and console rendering.
 */

import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../src/backend/noble.ts';
import { nodeBackend } from '../src/backend/node.ts';
import { DataKey } from '../src/data-key.ts';
import { defined } from './helpers/defined.ts';
import { toHex } from './helpers/wycheproof.ts';

/** Distinctive key bytes: 0xde 0xad 0xbe 0xef then a counter, 32 bytes in all. */
const secret = (): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (i < 4 ? defined([0xde, 0xad, 0xbe, 0xef][i]) : 100 + i));

/** Ways the secret could appear in text: hex (either case), decimal lists, JSON of a typed array, base64. */
function renderings(bytes: Uint8Array): string[] {
  const decimal = [...bytes].map(String);
  return [
    toHex(bytes),
    toHex(bytes).toUpperCase(),
    decimal.join(','),
    decimal.join(', '),
    decimal.slice(0, 4).join(', '),
    decimal.slice(0, 4).join(','),
    decimal.join(' '),
    decimal.map((byte, i) => `"${i}":${byte}`).join(','),
    Buffer.from(bytes).toString('base64'),
  ];
}

/** Everything printed through a real console writing to memory. */
function consoleOutput(...args: unknown[]): string {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const console = new Console({ stdout: sink, stderr: sink, colorMode: false });
  console.log(...args);
  console.error('%s %o %O %j %d', ...args, ...args, ...args, ...args, ...args);
  console.dir(args[0], { showHidden: true, depth: Infinity });
  console.table([{ key: args[0] }]);
  return text;
}

function textViews(value: unknown): Record<string, string> {
  return {
    String: String(value),
    template: `${value as string}`,
    // biome-ignore lint/style/useTemplate: string concatenation is the conversion under test here.
    concat: '' + (value as string),
    'JSON.stringify': JSON.stringify(value),
    'JSON.stringify nested': JSON.stringify({ nested: { value } }),
    inspect: inspect(value),
    'inspect showHidden': inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    'inspect nested': inspect({ nested: { value } }, { depth: Infinity }),
    format: format('%s %o %O %j %d %i', value, value, value, value, value, value),
    console: consoleOutput(value),
  };
}

describe('DataKey', () => {
  it('generates keys of the requested length from any backend or the global CSPRNG', () => {
    for (const source of [undefined, nobleBackend, nodeBackend]) {
      for (const length of [1, 16, 32, 1024]) {
        const key = DataKey.generate(length, source);
        expect(key.bytes).toHaveLength(length);
        expect(key.length).toBe(length);
        expect(key.wiped).toBe(false);
      }
      const draws = Array.from({ length: 32 }, () => toHex(DataKey.generate(16, source).bytes));
      expect(new Set(draws).size).toBe(32);
      expect(DataKey.generate(32, source).bytes.some((byte) => byte !== 0)).toBe(true);
    }
  });

  it('takes its randomness from the given backend', () => {
    const key = DataKey.generate(4, { randomBytes: (length) => Uint8Array.from({ length }, (_, i) => i + 7) });
    expect([...key.bytes]).toEqual([7, 8, 9, 10]);
  });

  it('copyOf copies into a buffer of its own: neither side sees the other change', () => {
    const backing = new Uint8Array(40);
    const source = backing.subarray(3, 35);
    source.set(secret());
    const key = DataKey.copyOf(source);
    expect(key.bytes).not.toBe(source);
    expect(key.bytes.buffer).not.toBe(source.buffer);
    expect([key.bytes.byteOffset, key.bytes.buffer.byteLength]).toEqual([0, 32]);
    source[0] = 0;
    expect(key.bytes[0]).toBe(0xde);
    key.wipe();
    expect(toHex(source.subarray(1))).toBe(toHex(secret().subarray(1)));
    expect(backing.subarray(35).every((byte) => byte === 0)).toBe(true);
  });

  it('adopt keeps the very buffer it was given, without copying', () => {
    const bytes = secret();
    const key = DataKey.adopt(bytes);
    expect(key.bytes).toBe(bytes);
    bytes[5] = 1;
    expect(key.bytes[5]).toBe(1);
  });

  it('adopt refuses a view into part of a larger buffer (RangeError), so wipe can never zero a neighbour', () => {
    const backing = new Uint8Array(34).fill(0xaa);
    for (const [start, end] of [
      [1, 33],
      [0, 32],
      [2, 34],
    ] as const) {
      const view = backing.subarray(start, end);
      view.set(secret());
      expect(() => DataKey.adopt(view)).toThrow(RangeError);
      expect(() => DataKey.adopt(view)).toThrow(/byteOffset=\d+, byteLength=32 of 34/);
    }
    // A Node.js Buffer from the shared pool is such a view too; copyOf is the way to hold it.
    const pooled = Buffer.from(secret());
    expect(pooled.buffer.byteLength).toBeGreaterThan(32);
    expect(() => DataKey.adopt(pooled)).toThrow(RangeError);
    expect(() => DataKey.adopt(new Uint8Array(backing.buffer, 0, 32))).toThrow(RangeError);
    const copy = DataKey.copyOf(pooled);
    copy.wipe();
    expect(toHex(pooled)).toBe(toHex(secret()));
    expect(backing.some((byte) => byte === 0)).toBe(false);
  });

  it('wipe zeroes the buffer it holds, after which reading bytes throws', () => {
    const backing = new ArrayBuffer(32);
    const bytes = new Uint8Array(backing);
    bytes.set(secret());
    const key = DataKey.adopt(bytes);
    key.wipe();
    expect(bytes.every((byte) => byte === 0)).toBe(true);
    expect(new Uint8Array(backing).every((byte) => byte === 0)).toBe(true);
    expect(key.wiped).toBe(true);
    expect(() => key.bytes).toThrow(Error);
    key.wipe();
    expect(key.wiped).toBe(true);
    expect(() => key.bytes).toThrow(/wiped/);

    const generated = DataKey.generate(32);
    const held = generated.bytes;
    generated.wipe();
    expect(held.every((byte) => byte === 0)).toBe(true);
  });

  it('never renders its key bytes in strings, JSON, util.inspect, util.format or console output', () => {
    const key = DataKey.copyOf(secret());
    expect(key.toString()).toBe('DataKey(<redacted>)');
    expect(key.toJSON()).toBe('DataKey(<redacted>)');
    for (const [view, text] of Object.entries(textViews(key))) {
      for (const needle of renderings(secret())) expect(text, `${view} contains ${needle}`).not.toContain(needle);
      expect(text.length, view).toBeGreaterThan(0);
    }
    expect(inspect(key)).toContain('redacted');
  });

  it('(control) the same renderings do expose a bare Uint8Array, so the check can fail', () => {
    const leaky = textViews(secret());
    const leaked = (view: string): boolean => renderings(secret()).some((needle) => defined(leaky[view]).includes(needle));
    for (const view of ['String', 'template', 'JSON.stringify', 'inspect', 'format', 'console']) expect(leaked(view), view).toBe(true);
  });

  it('rejects bad arguments with TypeError or RangeError', () => {
    for (const bad of [null, '32', 1.5, Number.NaN, 32n, undefined]) expect(() => DataKey.generate(bad as never)).toThrow(TypeError);
    for (const bad of [0, -1, 1025]) expect(() => DataKey.generate(bad)).toThrow(RangeError);
    for (const bad of [null, undefined, 'key', 42, [1, 2], new Uint32Array(4), new ArrayBuffer(8)]) {
      expect(() => DataKey.copyOf(bad as never)).toThrow(TypeError);
      expect(() => DataKey.adopt(bad as never)).toThrow(TypeError);
    }
  });
});
