/**
 * @module
 * The takeover fence of a data directory: once another process took the directory over (the
 * store reports `LEASE_LOST`), this process's index and bucket policies are stale, and every call
 * is refused before it runs.
 */

import { S3Error } from '../errors.ts';
import type { StorageOptions } from './options.ts';

/** Whether the data directory was taken over: every call is refused from then on. */
export interface Fence {
  lost: Error | undefined;
}

/** The store's error callback: notes a lost lease in `fence`, then tells the caller's. */
export function onError(storage: StorageOptions, fence: Fence): { onError: (error: Error) => void } {
  return {
    onError: (error) => {
      if ((error as { code?: unknown }).code === 'LEASE_LOST') fence.lost ??= error;
      storage.onError?.(error);
    },
  };
}

/** The pipeline's `prepare` step for a data directory: refuses every call once `fence` notes a takeover. */
export function refuseWhenTakenOver(fence: Fence): () => Promise<never> | undefined {
  return () => (fence.lost === undefined ? undefined : Promise.reject(new S3Error('DataDirectoryTakenOver', { cause: fence.lost })));
}
