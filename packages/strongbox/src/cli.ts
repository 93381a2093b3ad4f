/**
 * @module
 * The `strongbox` command (run directly: `tsx packages/strongbox/src/cli.ts serve`, or through the
 * `strongbox` bin). Commands: `serve`. Failures are one line on stderr, prefixed `strongbox:`, with
 * exit code 2 for command-line mistakes and 1 for run-time failures, unexpected ones included
 * (their message and code; the stack trace too with `STRONGBOX_DEBUG=1`).
 */

import { main } from './main.ts';
import type { CliIo } from './serve.ts';

const io: CliIo = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };
// Exit explicitly: a clean shutdown has closed the server and the store, and nothing else should
// keep the process alive (or keep it from exiting when a request hangs after a second signal).
process.exit(await main(process.argv.slice(2), io));
