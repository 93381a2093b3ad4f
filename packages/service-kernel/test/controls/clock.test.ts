import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ControlledClock, ManualClock } from '../../src/index.ts';

const DAY = 86_400_000;

describe('ControlledClock', () => {
  it('follows its base clock plus the offset it was moved by', () => {
    const base = new ManualClock(Date.UTC(2026, 0, 1));
    const clock = new ControlledClock(base);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
    clock.advance(365 * DAY);
    expect(clock.now()).toBe(Date.UTC(2027, 0, 1));
    base.advance(1000);
    expect(clock.now()).toBe(Date.UTC(2027, 0, 1) + 1000);
    expect(clock.offsetMs).toBe(365 * DAY);
  });

  it('grows the offset by exactly the advance, even when the base clock ticks between readings', () => {
    // A base clock that moves a millisecond on every reading: an offset computed back from a
    // target time read the base clock twice and lost that millisecond (a restart then restored
    // 30 days minus 1 ms).
    let time = Date.UTC(2026, 0, 1);
    const clock = new ControlledClock({ now: () => time++ });
    clock.advance(30 * DAY);
    expect(clock.offsetMs).toBe(30 * DAY);
    clock.advance(1);
    expect(clock.offsetMs).toBe(30 * DAY + 1);
  });

  it('starts from the offset it is given, exactly, even when the base clock ticks', () => {
    // What a restart restores from clock.json: setting the time back from base.now() + offset read
    // the ticking base twice and came back a millisecond short.
    let time = Date.UTC(2026, 0, 1);
    const moves: number[] = [];
    const clock = new ControlledClock({ now: () => time++ }, { offsetMs: 30 * DAY, onMove: (state) => moves.push(state.offsetMs) });
    expect(clock.offsetMs).toBe(30 * DAY);
    expect(clock.now()).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 1) + 30 * DAY);
    expect(moves).toEqual([]);
    expect(new ControlledClock(undefined, { offsetMs: -5 }).offsetMs).toBe(-5);
    expect(() => new ControlledClock(undefined, { offsetMs: 0.5 })).toThrow(RangeError);
  });

  it('sets a later time, and refuses an earlier one unless allowed, changing nothing', () => {
    const clock = new ControlledClock(new ManualClock(Date.UTC(2026, 0, 1)));
    clock.set(Date.UTC(2030, 0, 1));
    expect(() => clock.set(Date.UTC(2029, 0, 1))).toThrow(/only moves forward: 2029-01-01T00:00:00.000Z is before its time now, 2030-01-01T00:00:00.000Z/);
    expect(clock.now()).toBe(Date.UTC(2030, 0, 1));
    clock.set(Date.UTC(2029, 0, 1), { allowBackwards: true });
    expect(clock.now()).toBe(Date.UTC(2029, 0, 1));
  });

  it('refuses negative, fractional and unrepresentable moves', () => {
    const clock = new ControlledClock(new ManualClock(0));
    for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => clock.advance(bad)).toThrow(RangeError);
    expect(() => clock.set(9e15)).toThrow(/outside the dates JavaScript can represent/);
    expect(clock.now()).toBe(0);
  });

  it('never reads earlier than before, even when its base steps back', () => {
    let base = 1_000_000;
    const clock = new ControlledClock({ now: () => base });
    const first = clock.now();
    base -= 5000;
    expect(clock.now()).toBe(first);
  });

  it('tells onMove of every move, and nothing of readings', () => {
    const moves: number[] = [];
    const clock = new ControlledClock(new ManualClock(0), { onMove: (state) => moves.push(state.offsetMs) });
    clock.now();
    clock.advance(5);
    clock.set(100);
    expect(() => clock.set(50)).toThrow(RangeError);
    clock.reset();
    expect(moves).toEqual([5, 100, 0]);
  });

  it('reset goes back to the base time', () => {
    const clock = new ControlledClock(new ManualClock(5000));
    clock.advance(DAY);
    expect(clock.reset()).toEqual({ now: 5000, offsetMs: 0 });
  });

  it('readings are monotonic under any sequence of advances and forward sets', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.nat({ max: 10 * DAY }).map((ms) => ({ advance: ms })),
            fc.nat({ max: 10 * DAY }).map((ms) => ({ set: ms })),
          ),
        ),
        (moves) => {
          const clock = new ControlledClock(new ManualClock(0));
          let last = clock.now();
          for (const move of moves) {
            if ('advance' in move) clock.advance(move.advance);
            else if (move.set >= clock.now()) clock.set(move.set);
            else expect(() => clock.set(move.set)).toThrow(RangeError);
            expect(clock.now()).toBeGreaterThanOrEqual(last);
            last = clock.now();
          }
        },
      ),
    );
  });
});
