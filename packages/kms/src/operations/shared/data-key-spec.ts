/**
 * @module
 * The data-key length rule of GenerateDataKey and GenerateDataKeyWithoutPlaintext.
 */

import { KmsError } from '../../errors.ts';

/**
 * Bytes of data key requested: exactly one of `NumberOfBytes` and `KeySpec` must be given.
 * @throws KmsError ValidationException for neither or both.
 */
export function dataKeyLength(numberOfBytes: number | undefined, keySpec: string | undefined): number {
  if ((numberOfBytes === undefined) === (keySpec === undefined)) {
    throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  return numberOfBytes ?? (keySpec === 'AES_128' ? 16 : 32);
}
