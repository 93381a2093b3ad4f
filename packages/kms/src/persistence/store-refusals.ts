/**
 * @module
 * What a data-directory store answers once it cannot serve: the KMSInternalException of a store
 * that stopped writing, and the one of a store whose directory another process took over.
 */

import { KmsError } from '../errors.ts';

/** What a commit rejects with once the store cannot persist: AWS's generic internal error. */
export function unavailable(): KmsError {
  return new KmsError('KMSInternalException', 'An internal error occurred.');
}

/**
 * What every call gets once another process took the data directory over: AWS's internal error
 * (retryable: a client that fails over reaches the directory's new holder), saying why.
 */
export function takenOver(): KmsError {
  return new KmsError(
    'KMSInternalException',
    "An internal error occurred: this server's data directory was taken over by another process, so this server no longer answers requests.",
  );
}
