/** Runs `action` and returns the S3Error it throws (fails the test if it throws nothing else). */

import { S3Error } from '../../src/index.ts';

export function catchS3(action: () => unknown): S3Error {
  try {
    action();
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('expected an S3Error, nothing was thrown');
}

/** The async form of `catchS3`. */
export async function catchS3Async(action: () => Promise<unknown>): Promise<S3Error> {
  try {
    await action();
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('expected an S3Error, nothing was thrown');
}
