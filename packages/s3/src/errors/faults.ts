/**
 * @module
 * Server faults: internal errors, the data directory's own failures, an unreachable or
 * throttling upstream, and S3's request-rate throttling.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Server faults, the data directory, and throttling. */
export type FaultErrorReason = 'InternalError' | 'DataDirectoryTakenOver' | 'CommitOutcomeUnknown' | 'DataDirectoryLocked' | 'SlowDown' | 'ServiceUnavailable';

/** How S3 answers each `FaultErrorReason`. */
export const FAULT_ERRORS: Readonly<Record<FaultErrorReason, S3WireError>> = {
  InternalError: { code: 'InternalError', status: 500, message: 'We encountered an internal error. Please try again.' },
  // Strongbox's own: every call once another process took the data directory over (this server's
  // state is stale). S3's retryable 500, saying why; a client that retries elsewhere reaches the
  // directory's new holder.
  DataDirectoryTakenOver: {
    code: 'InternalError',
    status: 500,
    message: "We encountered an internal error: this server's data directory was taken over by another process, so this server no longer answers requests.",
  },
  // Strongbox's own, internal to storage: a commit step whose change is in place in the data
  // directory but could not be confirmed (its directory fsync failed after its rename or unlink,
  // or the lease check after it failed with the file system's error). It may be durable, so the
  // index shows it (its blobs counted as after a success), and the blobs of the record it replaced
  // are kept until the next open (`storage/commit-outcome.ts`). S3's plain 500 to callers: a 500 may or may
  // not have taken effect.
  CommitOutcomeUnknown: { code: 'InternalError', status: 500, message: 'We encountered an internal error. Please try again.' },
  // Strongbox's own, raised when a data directory is opened (never by a request): another process,
  // or another store of this one, holds its lock. The message is for the operator (who holds it,
  // what to do); the protocol edge never sends it (`toWireError` answers S3's plain 500).
  DataDirectoryLocked: { code: 'InternalError', status: 500, message: (d) => d.value ?? 'The data directory is in use.' },
  SlowDown: { code: 'SlowDown', status: 503, message: 'Please reduce your request rate.' },
  // ErrorResponses.html (second-hand, no capture): 503 ServiceUnavailable, "Service is unable to
  // handle request.", a server fault to retry. Answered when the upstream store is unreachable or
  // throttling, where S3 itself would be unable to reach its storage.
  ServiceUnavailable: { code: 'ServiceUnavailable', status: 503, message: 'Service is unable to handle request.' },
};
