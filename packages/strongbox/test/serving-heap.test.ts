/**
 * `strongbox serve`'s heap setting: the growing factor it gives V8, and the user's own choice
 * winning over it.
 */

import { describe, expect, it } from 'vitest';
import { SERVING_HEAP_GROWING_PERCENT, servingHeapFlags } from '../src/serving-heap.ts';

describe('servingHeapFlags', () => {
  it('sets V8’s heap growing factor to 4 (its own ceiling) when node was started without one', () => {
    expect(SERVING_HEAP_GROWING_PERCENT).toBe(300);
    expect(servingHeapFlags([], undefined)).toEqual(['--heap-growing-percent=300']);
    expect(servingHeapFlags(['--conditions=strongbox-dist', '--max-old-space-size=512'], '--enable-source-maps')).toEqual(['--heap-growing-percent=300']);
  });

  it('leaves the factor to the user who gave it on the command line, in either spelling', () => {
    expect(servingHeapFlags(['--heap-growing-percent=50'], undefined)).toEqual([]);
    expect(servingHeapFlags(['--heap_growing_percent=50'], undefined)).toEqual([]);
  });

  it('leaves the factor to the user who gave it in NODE_OPTIONS', () => {
    expect(servingHeapFlags([], '--enable-source-maps --heap-growing-percent=20')).toEqual([]);
    expect(servingHeapFlags([], '--heap_growing_percent=20')).toEqual([]);
  });

  it('is not fooled by a flag whose name only starts the same', () => {
    expect(servingHeapFlags(['--heap-growing-percentage-x=1'], undefined)).toEqual(['--heap-growing-percent=300']);
  });
});
