/**
 * @module
 * The CLI's output on the process's streams. When the reader of stdout or stderr goes away
 * (`strongbox serve | head -1`, a closed terminal, a log shipper that stopped), the next write
 * fails with EPIPE, which node:net raises as an 'error' event: unhandled, it would kill a server
 * that is still serving. As well-behaved command-line tools do, a stream whose reader is gone is
 * dropped silently and the endpoint goes on serving; any other write error is raised as before.
 */

import type { CliIo } from './serve.ts';

/** What `processIo` needs of a stream (`process.stdout`, `process.stderr`). */
export interface OutputStream {
  write(text: string): boolean;
  readonly destroyed: boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The CLI's `io` over two streams (by default the process's), each dropped for good once its
 * reader has gone (EPIPE).
 * @throws nothing itself; a write error other than EPIPE is thrown from the stream's 'error'
 *   event, as an unhandled one would be.
 * @example const io = processIo(); io.stdout('hello\n');
 */
export function processIo(stdout: OutputStream = process.stdout, stderr: OutputStream = process.stderr): CliIo {
  return { stdout: writer(stdout), stderr: writer(stderr) };
}

function writer(stream: OutputStream): (text: string) => void {
  let gone = false;
  stream.on('error', (error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    gone = true;
  });
  return (text) => {
    // Written synchronously to a pipe, a failed write is reported a tick later: the stream is
    // destroyed by then, and writing to it again would only fail again.
    if (gone || stream.destroyed) return;
    stream.write(text);
  };
}
