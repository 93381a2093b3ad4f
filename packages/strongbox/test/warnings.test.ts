/**
 * `printOwnWarnings`: Strongbox's warnings as one `strongbox: warning:` line, any other warning
 * to the listeners that were there (Node's printer), and those put back afterwards. On an event
 * emitter standing for the process, so the test's own process keeps its printer.
 */

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { printOwnWarnings, type WarningSource } from '../src/warnings.ts';

const warning = (message: string, code?: string): Error => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('printOwnWarnings', () => {
  it('prints STRONGBOX_* warnings as one line, passes the others on, and restores the previous listeners', () => {
    const source = new EventEmitter();
    const printed: string[] = [];
    const passed: string[] = [];
    const nodePrinter = (error: Error): void => {
      passed.push(error.message);
    };
    source.on('warning', nodePrinter);
    const restore = printOwnWarnings({ stdout: () => undefined, stderr: (text) => printed.push(text) }, source as unknown as WarningSource);
    source.emit('warning', warning('Cannot fsync the directory /srv (EINVAL); as durable as it gets.', 'STRONGBOX_DIRECTORY_FSYNC'));
    source.emit('warning', warning('Buffer() is deprecated', 'DEP0005'));
    source.emit('warning', warning('no code'));
    expect(printed).toEqual(['strongbox: warning: Cannot fsync the directory /srv (EINVAL); as durable as it gets.\n']);
    expect(passed).toEqual(['Buffer() is deprecated', 'no code']);
    restore();
    expect(source.listeners('warning')).toEqual([nodePrinter]);
    source.emit('warning', warning('after', 'STRONGBOX_DIRECTORY_FSYNC'));
    expect(printed).toHaveLength(1);
    expect(passed).toEqual(['Buffer() is deprecated', 'no code', 'after']);
  });
});

describe('printOwnWarnings, twice in one process', () => {
  it('two serves whose lives overlap, stopped in the order they started, leave only the original listener', () => {
    const source = new EventEmitter();
    const nodePrinted: string[] = [];
    const nodePrinter = (error: Error): void => {
      nodePrinted.push(error.message);
    };
    source.on('warning', nodePrinter);
    const first: string[] = [];
    const second: string[] = [];
    const restoreFirst = printOwnWarnings({ stdout: () => undefined, stderr: (text) => first.push(text) }, source as unknown as WarningSource);
    const restoreSecond = printOwnWarnings({ stdout: () => undefined, stderr: (text) => second.push(text) }, source as unknown as WarningSource);
    restoreFirst();
    // The second server still runs: its Strongbox warnings are one line, and Node's printer stays out of it.
    source.emit('warning', warning('during', 'STRONGBOX_DIRECTORY_FSYNC'));
    expect(nodePrinted).toEqual([]);
    restoreSecond();
    expect(source.listeners('warning')).toEqual([nodePrinter]);
    source.emit('warning', warning('deprecated', 'DEP0005'));
    expect(nodePrinted).toEqual(['deprecated']);
    expect(first).toEqual([]);
  });
});
