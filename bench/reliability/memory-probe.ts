/**
 * @module
 * Loaded into a `strongbox serve` child by the soak (`node --expose-gc --import tsx --import
 * bench/reliability/memory-probe.ts ...`): on SIGUSR2 it runs a full garbage collection (when
 * `--expose-gc` made `gc` available) and writes one line to stderr,
 * `strongbox-memory {"rss":…,"heapUsed":…,"heapTotal":…,"external":…,"arrayBuffers":…,"gc":true}`
 * (bytes). The heap measured just after a full collection is what the process still holds, not
 * garbage not yet collected: a leak shows there as steady growth. Nothing else in the server
 * changes; SIGUSR2 has no other listener in Strongbox (Node reserves SIGUSR1 for the inspector).
 */

/** The stderr line prefix the soak looks for. */
export const MEMORY_LINE_PREFIX = 'strongbox-memory ';

process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  // stderr on a pipe is synchronous on Linux: the line is whole when the soak reads it.
  process.stderr.write(`${MEMORY_LINE_PREFIX}${JSON.stringify({ rss, heapUsed, heapTotal, external, arrayBuffers, gc: gc !== undefined })}\n`);
});
