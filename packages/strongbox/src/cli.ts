/**
 * @module
 * The `strongbox` command (run directly: `tsx packages/strongbox/src/cli.ts serve`, or through the
 * `strongbox` bin). Commands: `serve`. Failures are one line on stderr, prefixed `strongbox:`, with
 * exit code 2 for command-line mistakes and 1 for run-time failures, unexpected ones included
 * (their message and code; the stack trace too with `STRONGBOX_DEBUG=1`). Output whose reader has
 * gone (`strongbox serve | head -1`) is dropped and the server goes on (`process-io.ts`).
 */

import { main } from './main.ts';
import { processIo } from './process-io.ts';
import { tuneServingHeap } from './serving-heap.ts';

// The server's heap settings belong to this process alone, never to one that embeds Strongbox.
if (process.argv[2] === 'serve') tuneServingHeap();

// Exit explicitly: a clean shutdown has closed the server and the store, and nothing else should
// keep the process alive (or keep it from exiting when a request hangs after a second signal).
process.exit(await main(process.argv.slice(2), processIo()));
