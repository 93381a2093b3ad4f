/**
 * File layers (the kernel's `FileIo`) over the real one for the data-directory durability tests
 * of the services (KMS, S3): one that records the steps that change a directory's entries and the
 * directory fsyncs, so a test can check which directory was fsynced after which mkdir, and can
 * fail one chosen step with EIO; one whose fsync of one directory fails as a parent this process
 * cannot fsync does (EINVAL, EACCES).
 *
 * The KMS and S3 test suites import this file by its relative path (a test-only dependency on the
 * kernel's `test/`; nothing published uses it). The root `tsconfig.json` includes every package's
 * `test/`, so `typecheck` checks it with both importers. It imports the kernel through
 * `src/index.ts`, the module the services' `@strongbox/service-kernel` resolves to in the tests
 * (its `exports` default); it only wraps `nodeFileIo`, so no test depends on one module instance.
 */

import { type FileIo, nodeFileIo } from '../../src/index.ts';

/** One recorded step, with the path it acts on (a `rename`: its target). */
interface RecordedCall {
  readonly step: 'mkdir' | 'syncDirectory' | 'open' | 'link' | 'rename';
  readonly path: string;
}

/** What the layer records: its steps, and the acknowledgements the test marks among them. */
export type Recorded = RecordedCall | { readonly step: 'ack'; readonly what: string };

/**
 * A real file layer that records its mkdirs, directory fsyncs, opens, links and renames, failing
 * the first call `fail` accepts with EIO (before the step runs); `ack` marks an acknowledgement.
 * @example const { io, calls, ack } = recordingIo((call) => call.step === 'mkdir');
 */
export function recordingIo(fail?: (call: Recorded) => boolean): { io: FileIo; calls: Recorded[]; ack(what: string): void } {
  const calls: Recorded[] = [];
  let failed = false;
  const record = (call: RecordedCall): void => {
    calls.push(call);
    if (!failed && fail?.(call) === true) {
      failed = true;
      throw Object.assign(new Error(`EIO: injected, ${call.step}`), { code: 'EIO' });
    }
  };
  const io: FileIo = {
    ...nodeFileIo,
    async mkdir(path, mode) {
      record({ step: 'mkdir', path });
      await nodeFileIo.mkdir!(path, mode);
    },
    async syncDirectory(path) {
      record({ step: 'syncDirectory', path });
      await nodeFileIo.syncDirectory!(path);
    },
    async open(path, flags, mode) {
      record({ step: 'open', path });
      return nodeFileIo.open!(path, flags, mode);
    },
    async link(existing, path) {
      record({ step: 'link', path });
      await nodeFileIo.link!(existing, path);
    },
    async rename(from, to) {
      record({ step: 'rename', path: to });
      await nodeFileIo.rename!(from, to);
    },
  };
  return { io, calls, ack: (what) => calls.push({ step: 'ack', what }) };
}

/**
 * The real file layer, except that an fsync of the directory `refused` fails with `code`, as the
 * parent's file system (EINVAL: no directory fsync) or its modes (EACCES: unreadable) would.
 * @example const io = parentRefusingIo(dirname(directory), 'EINVAL');
 */
export function parentRefusingIo(refused: string, code: string): FileIo {
  return {
    ...nodeFileIo,
    async syncDirectory(path) {
      if (path === refused) throw Object.assign(new Error(`${code}: injected, fsync of ${path}`), { code });
      await nodeFileIo.syncDirectory!(path);
    },
  };
}
