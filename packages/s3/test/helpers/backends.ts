/** The storage backends the operation suites run against: in memory and a data directory. */

import { type S3, S3 as S3Engine, type S3Options } from '../../src/index.ts';
import { tempDirectory } from './temp.ts';

/** A backend: its name, and a fresh engine over a fresh store of that kind. */
export interface Backend {
  readonly name: 'memory' | 'filesystem';
  readonly open: (options?: S3Options) => S3;
  /** The data directory of the last engine opened (filesystem only), for scans. */
  readonly directory: () => string | undefined;
}

function memory(): Backend {
  return { name: 'memory', open: (options = {}) => new S3Engine(options), directory: () => undefined };
}

function filesystem(): Backend {
  let last: string | undefined;
  return {
    name: 'filesystem',
    open: (options = {}) => {
      last = tempDirectory('s3-ops');
      return new S3Engine({ ...options, storage: { directory: last } });
    },
    directory: () => last,
  };
}

/** Both backends, for `describe.each`. */
export const BACKENDS: readonly Backend[] = [memory(), filesystem()];

/** A bucket configuration that allows SSE-C (a fresh bucket blocks it) and keeps SSE-S3 as the default. */
export const ALLOW_SSE_C = {
  ServerSideEncryptionConfiguration: {
    // Literal types: the SDK's commands take this as well as the engine does.
    Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const }, BlockedEncryptionTypes: { EncryptionType: ['NONE' as const] } }],
  },
};
