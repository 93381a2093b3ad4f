/**
 * `printOwnWarnings`: Strongbox's warnings as one `strongbox: warning:` line, any other warning
 * to the listeners that were there (Node's printer), and those put back afterwards. On an event
 * emitter standing for the process, so the test's own process keeps its printer; and once through
 * an in-process `strongbox serve`, which must put the process's own listeners back when it stops.
 */

import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { printOwnWarnings, type WarningSource, type WarningSwitches, warningSwitches } from '../src/warnings.ts';
import { serveInProcess } from './helpers/cli.ts';

/** Node's warnings neither silenced nor redirected, whatever the test process was started with. */
const PRINTED: WarningSwitches = { silenced: false, redirected: false };

const warning = (message: string, code?: string): Error => Object.assign(new Error(message), code === undefined ? {} : { code });

/**
 * An emitter standing for the process, with Node's printer (`nodePrinter`, recording what it
 * prints), and two serves' `printOwnWarnings` on it, the first started first; each records what
 * it prints.
 */
function twoServes() {
  const source = new EventEmitter();
  const nodePrinted: string[] = [];
  const nodePrinter = (error: Error): void => {
    nodePrinted.push(error.message);
  };
  source.on('warning', nodePrinter);
  const first: string[] = [];
  const second: string[] = [];
  const restoreFirst = printOwnWarnings({ stdout: () => undefined, stderr: (text) => first.push(text) }, source as unknown as WarningSource, PRINTED);
  const restoreSecond = printOwnWarnings({ stdout: () => undefined, stderr: (text) => second.push(text) }, source as unknown as WarningSource, PRINTED);
  return { source, nodePrinted, nodePrinter, first, second, restoreFirst, restoreSecond };
}

describe('printOwnWarnings', () => {
  it('prints STRONGBOX_* warnings as one line, passes the others on, and restores the previous listeners', () => {
    const source = new EventEmitter();
    const printed: string[] = [];
    const passed: string[] = [];
    const nodePrinter = (error: Error): void => {
      passed.push(error.message);
    };
    source.on('warning', nodePrinter);
    const restore = printOwnWarnings({ stdout: () => undefined, stderr: (text) => printed.push(text) }, source as unknown as WarningSource, PRINTED);
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
    const { source, nodePrinted, nodePrinter, first, restoreFirst, restoreSecond } = twoServes();
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

describe('printOwnWarnings, twice in one process, stopped in reverse order', () => {
  it('prints a Strongbox warning once, on the serve started last, and leaves only the original listener', () => {
    const { source, nodePrinted, nodePrinter, first, second, restoreFirst, restoreSecond } = twoServes();
    source.emit('warning', warning('both', 'STRONGBOX_DIRECTORY_FSYNC'));
    source.emit('warning', warning('deprecated', 'DEP0005'));
    expect(second).toEqual(['strongbox: warning: both\n']);
    expect(first).toEqual([]);
    expect(nodePrinted).toEqual(['deprecated']);
    restoreSecond();
    restoreSecond();
    source.emit('warning', warning('first only', 'STRONGBOX_DIRECTORY_FSYNC'));
    expect(first).toEqual(['strongbox: warning: first only\n']);
    restoreFirst();
    expect(source.listeners('warning')).toEqual([nodePrinter]);
  });
});

describe('Node’s warning switches', () => {
  it('silenced (--no-warnings, NODE_NO_WARNINGS=1) or redirected (--redirect-warnings): installs nothing, prints nothing', () => {
    for (const switches of [
      { silenced: true, redirected: false },
      { silenced: false, redirected: true },
    ]) {
      const source = new EventEmitter();
      const nodePrinter = (): void => undefined;
      source.on('warning', nodePrinter);
      const printed: string[] = [];
      const restore = printOwnWarnings({ stdout: () => undefined, stderr: (text) => printed.push(text) }, source as unknown as WarningSource, switches);
      expect(source.listeners('warning')).toEqual([nodePrinter]);
      source.emit('warning', warning('quiet', 'STRONGBOX_DIRECTORY_FSYNC'));
      expect(printed).toEqual([]);
      restore();
      expect(source.listeners('warning')).toEqual([nodePrinter]);
    }
  });

  it('are read as Node reads them: noProcessWarnings, NODE_NO_WARNINGS=1 only, a redirect flag or variable', () => {
    expect(warningSwitches({ env: {}, execArgv: [] })).toEqual({ silenced: false, redirected: false });
    expect(warningSwitches({ env: {}, execArgv: ['--no-warnings'], noProcessWarnings: true }).silenced).toBe(true);
    expect(warningSwitches({ env: { NODE_NO_WARNINGS: '1' }, execArgv: [] }).silenced).toBe(true);
    expect(warningSwitches({ env: { NODE_NO_WARNINGS: '0' }, execArgv: [] }).silenced).toBe(false);
    expect(warningSwitches({ env: {}, execArgv: ['--redirect-warnings=/tmp/w'] }).redirected).toBe(true);
    expect(warningSwitches({ env: { NODE_OPTIONS: '--max-old-space-size=64 --redirect-warnings=/tmp/w' }, execArgv: [] }).redirected).toBe(true);
    expect(warningSwitches({ env: { NODE_REDIRECT_WARNINGS: '/tmp/w' }, execArgv: [] }).redirected).toBe(true);
    expect(warningSwitches({ env: { NODE_OPTIONS: '--redirect-warningsx' }, execArgv: ['--trace-warnings'] }).redirected).toBe(false);
  });
});

describe('strongbox serve, in-process', () => {
  const quiet = Object.getOwnPropertyDescriptor(process, 'noProcessWarnings');
  afterEach(() => {
    vi.unstubAllEnvs();
    if (quiet === undefined) delete (process as { noProcessWarnings?: boolean }).noProcessWarnings;
    else Object.defineProperty(process, 'noProcessWarnings', quiet);
  });

  it('prints its warnings while it runs, and puts the process’s warning listeners back when it stops', async () => {
    // Warnings printed, whatever switches the test process was started with.
    vi.stubEnv('NODE_NO_WARNINGS', '0');
    vi.stubEnv('NODE_REDIRECT_WARNINGS', '');
    (process as { noProcessWarnings?: boolean }).noProcessWarnings = false;
    const before = process.listeners('warning');
    const server = await serveInProcess(['--quiet']);
    expect(process.listeners('warning')).not.toEqual(before);
    process.emitWarning('a test warning', { code: 'STRONGBOX_TEST' });
    // emitWarning emits on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.stderr()).toBe('strongbox: warning: a test warning\n');
    expect((await server.stop('SIGTERM')).code).toBe(0);
    expect(process.listeners('warning')).toEqual(before);
  });
});
