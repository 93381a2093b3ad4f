import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/index.ts';

class Injected extends Error {
  readonly code: string;
  constructor(code: string) {
    super(code);
    this.code = code;
  }
}

function injector(
  seed: number | string = 1,
  slept: number[] = [],
): { faults: FaultInjector; kms: ReturnType<FaultInjector['hook']>; s3: ReturnType<FaultInjector['hook']> } {
  const faults = new FaultInjector({ seed, sleep: async (ms) => void slept.push(ms) });
  return { faults, kms: faults.hook('kms', (code) => new Injected(code)), s3: faults.hook('s3', (code) => new Injected(code)) };
}

async function outcome(struck: Promise<void> | undefined): Promise<string> {
  if (struck === undefined) return 'served';
  try {
    await struck;
    return 'delayed';
  } catch (error) {
    return (error as Injected).code;
  }
}

describe('FaultInjector', () => {
  it('is disarmed until a fault is set for the service, and again once it is spent', async () => {
    const { faults, kms, s3 } = injector();
    expect(kms.armed).toBe(false);
    faults.add({ service: 'kms', operation: 'GenerateDataKey', fault: 'ThrottlingException', count: 2 });
    expect([kms.armed, s3.armed]).toEqual([true, false]);
    expect(await outcome(kms.inject('Encrypt'))).toBe('served');
    expect(await outcome(kms.inject('GenerateDataKey'))).toBe('ThrottlingException');
    expect(faults.list()).toMatchObject([{ id: 'fault-1', remaining: 1, struck: 1 }]);
    expect(await outcome(kms.inject('GenerateDataKey'))).toBe('ThrottlingException');
    expect(faults.list()).toEqual([]);
    expect(kms.armed).toBe(false);
  });

  it('strikes every operation with "*", and adds latency before the error', async () => {
    const slept: number[] = [];
    const { faults, s3 } = injector(1, slept);
    faults.add({ service: 's3', operation: '*', fault: 'latency', latencyMs: 250, count: 1 });
    faults.add({ service: 's3', operation: '*', fault: 'SlowDown', count: 1 });
    expect(await outcome(s3.inject('PutObject'))).toBe('SlowDown');
    expect(slept).toEqual([250]);
    expect(await outcome(s3.inject('GetObject'))).toBe('served');
  });

  it('gives one error per call: a later error fault keeps its count for later calls', async () => {
    const { faults, kms } = injector();
    faults.add({ service: 'kms', operation: '*', fault: 'ThrottlingException', count: 1 });
    faults.add({ service: 'kms', operation: '*', fault: 'KMSInternalException', count: 1 });
    expect(await outcome(kms.inject('Decrypt'))).toBe('ThrottlingException');
    expect(await outcome(kms.inject('Decrypt'))).toBe('KMSInternalException');
    expect(await outcome(kms.inject('Decrypt'))).toBe('served');
  });

  it('strikes the same calls of a fraction for the same seed, and other calls for another', async () => {
    const run = async (seed: number | string): Promise<string[]> => {
      const { faults, kms } = injector(seed);
      faults.add({ service: 'kms', operation: 'Decrypt', fault: 'ThrottlingException', fraction: 0.3 });
      const outcomes: string[] = [];
      for (let call = 0; call < 200; call += 1) outcomes.push(await outcome(kms.inject('Decrypt')));
      return outcomes;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(await run(43)).not.toEqual(first);
    const struck = first.filter((result) => result !== 'served').length;
    expect(struck).toBeGreaterThan(30);
    expect(struck).toBeLessThan(90);
  });

  it('reseeding restarts the draws', async () => {
    const { faults, kms } = injector('a');
    faults.add({ service: 'kms', operation: '*', fault: 'ThrottlingException', fraction: 0.5 });
    const draw = async (): Promise<string[]> => {
      const results: string[] = [];
      for (let call = 0; call < 20; call += 1) results.push(await outcome(kms.inject('Encrypt')));
      return results;
    };
    const first = await draw();
    faults.reseed('a');
    expect(await draw()).toEqual(first);
  });

  it('stops at count with a fraction, and removes and clears by id and service', () => {
    const { faults } = injector();
    const one = faults.add({ service: 'kms', operation: '*', fault: 'ThrottlingException', fraction: 1, count: 3 });
    faults.add({ service: 's3', operation: '*', fault: 'SlowDown', fraction: 0.5 });
    expect(faults.remove(one.id)).toBe(true);
    expect(faults.remove(one.id)).toBe(false);
    expect(faults.clear('kms')).toBe(0);
    expect(faults.clear()).toBe(1);
  });

  it('refuses malformed faults with the error naming what is wrong, and changes nothing', () => {
    const { faults } = injector();
    const bad: [spec: unknown, error: typeof TypeError | typeof RangeError, message: string][] = [
      [{ service: 'sqs', operation: '*', fault: 'X', count: 1 }, TypeError, '"service" must be one of "kms", "s3"; got "sqs"'],
      [{ service: 'kms', operation: 'a b', fault: 'X', count: 1 }, TypeError, '"operation" must be an operation name or "*"; got "a b"'],
      [{ service: 'kms', operation: '*', fault: 'X' }, TypeError, 'a fault needs "count" (the next N calls) or "fraction" (a share of calls), or both'],
      [{ service: 'kms', operation: '*', fault: 'X', count: 0 }, RangeError, '"count" must be a whole number of calls, at least 1; got 0'],
      [{ service: 'kms', operation: '*', fault: 'X', count: 1.5 }, RangeError, '"count" must be a whole number of calls, at least 1; got 1.5'],
      [{ service: 'kms', operation: '*', fault: 'X', fraction: 0 }, RangeError, '"fraction" must be a number greater than 0 and at most 1; got 0'],
      [{ service: 'kms', operation: '*', fault: 'X', fraction: 1.5 }, RangeError, '"fraction" must be a number greater than 0 and at most 1; got 1.5'],
      [
        { service: 'kms', operation: '*', fault: 'latency', count: 1 },
        RangeError,
        '"latencyMs" must be a whole number of milliseconds from 1 to 600000 for a latency fault; got nothing',
      ],
      [
        { service: 'kms', operation: '*', fault: 'latency', latencyMs: 600_001, count: 1 },
        RangeError,
        '"latencyMs" must be a whole number of milliseconds from 1 to 600000 for a latency fault; got 600001',
      ],
      [
        { service: 'kms', operation: '*', fault: 'X', latencyMs: 5, count: 1 },
        TypeError,
        '"latencyMs" goes with the "latency" fault only (set a separate latency fault to delay X)',
      ],
      [null, TypeError, 'a fault is an object with service, operation, fault and count or fraction'],
    ];
    for (const [spec, error, message] of bad) {
      let thrown: unknown;
      try {
        faults.add(spec as never);
      } catch (caught) {
        thrown = caught;
      }
      // The class itself, not a subclass or a stray TypeError from reading `null`: the message says which.
      expect(thrown, JSON.stringify(spec)).toBeInstanceOf(error);
      expect([(thrown as Error).constructor, (thrown as Error).message]).toEqual([error, message]);
    }
    expect(faults.list()).toEqual([]);
    expect(() => faults.reseed('')).toThrow(new TypeError('a fault seed is a finite number or a string of 1 to 256 characters; got ""'));
    expect(faults.seed).toBe('1');
  });
});
