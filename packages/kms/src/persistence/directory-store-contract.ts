/**
 * @module
 * What a data-directory store is to its users (`DirectoryStore`: a `ChangeStore` with its
 * directory, root key source, audit log, failure and snapshots) and what `openDirectoryStore`
 * hands its writer once the directory is open and its state recovered (`DirectoryStoreParts`).
 */

import type { KmsState } from '../model/state.ts';
import type { AuditLog, AuditSink } from './audit-log.ts';
import type { RecordSealer } from './codec.ts';
import type { Journal } from './journal.ts';
import type { RootKeySource } from './root-key.ts';
import type { ChangeStore } from './store.ts';

/** A store on a data directory. */
export interface DirectoryStore extends ChangeStore {
  readonly directory: string;
  /** Where the root key came from. */
  readonly rootKeySource: RootKeySource;
  /** The data directory's audit log (`audit-log.ts`). */
  readonly audit: AuditSink;
  /** The write or fsync failure (or the lost lease) that stopped the store, if any. */
  readonly failure: Error | undefined;
  /** Writes a snapshot now and starts a new journal. @throws KmsError if the store has failed or closed. */
  snapshot(): Promise<void>;
  /** See `ChangeStore.whenDurable`; after a failure, a rejected promise. */
  whenDurable(): Promise<void> | undefined;
  /** See `ChangeStore.refusal`: a rejected promise once the directory was taken over. */
  refusal(): Promise<never> | undefined;
  /**
   * Checks that this store still holds its directory's lease (the service kernel's
   * `DirectoryLease.confirm`), for a caller that keeps files of its own in the directory under
   * the store's lock: handed to the kernel's `fencedFileIo`, it fences their writes as the
   * store's are, so that a process whose directory was taken over writes none of them either.
   * A loss it finds is the store's too: the store refuses every call from then on and tells
   * `onError`, once.
   * @throws ServiceError `LEASE_LOST` once another process took the directory over; Error once the
   *   store is closed (its lease released); the file system's error if the lock cannot be checked.
   * @example const io = fencedFileIo(nodeFileIo, { confirm: () => store.confirmLease() });
   */
  confirmLease(): Promise<void>;
}

/** What the store is made of, once its directory is open and its state recovered. */
export interface DirectoryStoreParts {
  readonly directory: string;
  /** Destroyed when the store closes. */
  readonly sealer: RecordSealer;
  readonly journal: Journal;
  /** The recovered state. */
  readonly state: KmsState;
  readonly audit: AuditLog;
  readonly release: () => Promise<void>;
  /** Confirms the lease (after a write is durable, before it is acknowledged). */
  readonly confirm: () => Promise<void>;
  readonly rootKeySource: RootKeySource;
  readonly threshold: number | undefined;
  readonly onError: ((error: Error) => void) | undefined;
}
