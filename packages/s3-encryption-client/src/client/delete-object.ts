/**
 * @module
 * DeleteObject, with the instruction file: the object, then `<key>.instruction` (Java
 * `S3EncryptionClient.deleteObject`). S3 answers 204 for a key that does not exist, so deleting an
 * object that never had an instruction file is not an error.
 */

import { DeleteObjectCommand, type DeleteObjectCommandInput, type DeleteObjectCommandOutput } from '@aws-sdk/client-s3';
import { type ClientContext, type RequestOptions, sendOptions } from './context.ts';

/**
 * Deletes an object and its instruction file; returns the object's DeleteObject output.
 *
 * @throws S3 errors, unchanged.
 * @example
 * ```ts
 * await deleteEncryptedObject(context, { Bucket: 'b', Key: 'k' });
 * ```
 */
export async function deleteEncryptedObject(
  context: ClientContext,
  input: DeleteObjectCommandInput,
  options?: RequestOptions,
): Promise<DeleteObjectCommandOutput> {
  const output = await context.s3.send(new DeleteObjectCommand(input), sendOptions(options));
  // The instruction file has versions of its own: a VersionId of the object does not apply to it.
  const { VersionId: _version, MFA: _mfa, ...rest } = input;
  await context.s3.send(new DeleteObjectCommand({ ...rest, Key: `${input.Key ?? ''}${context.instructionFileSuffix}` }), sendOptions(options));
  return output;
}
