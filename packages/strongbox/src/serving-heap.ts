/**
 * @module
 * How `strongbox serve` sizes its JavaScript heap: the process is a server whose live JavaScript
 * heap is small (tens of MiB) while every request allocates body buffers outside it (socket
 * reads, AES-GCM output of sealing and opening), and V8 charges the bytes of buffers allocated
 * since the last full collection against the old generation's limit. With V8's default, which
 * sets that limit from the live heap times a growing factor it picks between 1.1 and 4.0
 * (`src/heap/heap-controller.cc`), a server holding about 10 MiB starts a full mark-compact
 * after every few megabyte-sized requests, most of its marking on a second thread that the
 * client (on the same machine, in a test suite) wanted. A fixed factor of 4, V8's own ceiling,
 * lets the buffers of a dozen megabyte-sized requests die between two full collections; the
 * heap it lets grow is garbage V8 reclaims at the next one, so the peak stays a few times the
 * live heap, never unbounded.
 *
 * Only the `strongbox` process is tuned (`cli.ts`): a test suite that runs Strongbox in its own
 * process (`createStrongbox`) keeps its V8 settings. A heap flag the user gave node
 * (`node --heap-growing-percent=…`, or in `NODE_OPTIONS`) wins over this one.
 */

import { setFlagsFromString } from 'node:v8';

/** V8's `--heap-growing-percent`: the old generation's limit is (1 + percent/100) × the live heap. */
export const SERVING_HEAP_GROWING_PERCENT = 300;

/** The V8 flag name, in both spellings node accepts (`-` and `_`). */
const GROWING_FLAG = /--heap[-_]growing[-_]percent\b/;

/**
 * The V8 flags `strongbox serve` sets for itself, given how node was started: none when the user
 * already chose the heap's growing factor.
 * @param execArgv node's own flags (`process.execArgv`).
 * @param nodeOptions the `NODE_OPTIONS` environment variable, if any.
 * @returns the flags to pass to `v8.setFlagsFromString`, one per entry.
 * @example
 * ```ts
 * servingHeapFlags([], undefined); // ['--heap-growing-percent=300']
 * servingHeapFlags(['--heap-growing-percent=50'], undefined); // []
 * ```
 */
export function servingHeapFlags(execArgv: readonly string[], nodeOptions: string | undefined): readonly string[] {
  if (execArgv.some((arg) => GROWING_FLAG.test(arg)) || GROWING_FLAG.test(nodeOptions ?? '')) return [];
  return [`--heap-growing-percent=${SERVING_HEAP_GROWING_PERCENT}`];
}

/**
 * Applies `servingHeapFlags` to this process. V8 reads the growing factor at every full
 * collection, so setting it after start-up takes effect from the next one.
 * @example
 * ```ts
 * if (process.argv[2] === 'serve') tuneServingHeap();
 * ```
 */
export function tuneServingHeap(): void {
  for (const flag of servingHeapFlags(process.execArgv, process.env['NODE_OPTIONS'])) setFlagsFromString(flag);
}
