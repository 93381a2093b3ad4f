/**
 * @module
 * CopyObject within the same format: the ciphertext is copied byte for byte by S3 with its
 * envelope, so the copy decrypts with the same keys and nothing is re-encrypted. None of the
 * envelope's bindings name the object key or bucket (the KMS context, the GCM wrap's AAD and the
 * RSA pseudo key bind the content algorithm only), which is what makes a server-side copy valid.
 *
 * What would break decryption is refused before anything is copied:
 * - `MetadataDirective: REPLACE` when the envelope (or, in V3, `x-amz-c`/`x-amz-d`/`x-amz-i`) lives
 *   in the object metadata: S3 would drop it;
 * - a versioned `CopySource` whose envelope is in an instruction file: the instruction file has
 *   versions of its own, so the one matching that object version cannot be known.
 * The source is read once with HeadObject and both copies are conditional on the ETags seen
 * (`CopySourceIfMatch`), so a concurrent overwrite cannot pair one object's ciphertext with another's
 * envelope.
 */

import { CopyObjectCommand, type CopyObjectCommandInput, type CopyObjectCommandOutput, HeadObjectCommand } from '@aws-sdk/client-s3';
import { S3EncryptionClientError } from '../errors.ts';
import { detectFormat } from '../format/metadata.ts';
import { type ClientContext, type RequestOptions, sendOptions } from './context.ts';

/** The parts of a `CopySource` value. */
export interface CopySourceParts {
  /** A bucket name or an access point ARN. */
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/**
 * Copies an encrypted object (and its instruction file, when its envelope lives in one) to a new key
 * or bucket, passing S3's own CopyObject parameters through.
 *
 * @throws S3EncryptionClientError `InvalidConfiguration` for a copy that would make the object
 *   undecryptable (see the module comment) or a malformed `CopySource`; `MixedFormatVersions` /
 *   `MalformedMetadata` / `UnsupportedAlgorithm` for a source whose envelope is not readable; S3
 *   errors pass through (`NotFound` when the source or its instruction file is missing,
 *   `PreconditionFailed` when the source changed during the copy).
 * @example
 * ```ts
 * await copyEncryptedObject(context, { Bucket: 'b', Key: 'copy', CopySource: 'b/original' });
 * ```
 */
export async function copyEncryptedObject(context: ClientContext, input: CopyObjectCommandInput, options?: RequestOptions): Promise<CopyObjectCommandOutput> {
  const source = parseCopySource(input.CopySource);
  const sourceRequest = {
    Bucket: source.bucket,
    Key: source.key,
    ...(source.versionId === undefined ? {} : { VersionId: source.versionId }),
    ...(input.ExpectedSourceBucketOwner === undefined ? {} : { ExpectedBucketOwner: input.ExpectedSourceBucketOwner }),
    ...(input.RequestPayer === undefined ? {} : { RequestPayer: input.RequestPayer }),
    ...(input.CopySourceSSECustomerAlgorithm === undefined
      ? {}
      : {
          SSECustomerAlgorithm: input.CopySourceSSECustomerAlgorithm,
          SSECustomerKey: input.CopySourceSSECustomerKey,
          SSECustomerKeyMD5: input.CopySourceSSECustomerKeyMD5,
        }),
  };
  const head = await context.s3.send(new HeadObjectCommand(sourceRequest), sendOptions(options));
  const metadata = new Map(Object.entries(head.Metadata ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
  const detected = detectFormat(metadata);
  const inInstructionFile = detected === 'instruction-file' || detected === 'V3-instruction-file';
  // Precondition: S3 keeps the source metadata (the envelope) unless the directive is REPLACE.
  if (input.MetadataDirective === 'REPLACE' && detected !== 'instruction-file') {
    throw new S3EncryptionClientError(
      'InvalidConfiguration',
      `MetadataDirective REPLACE would drop the ${detected === 'V1' || detected === 'V2' ? `${detected} envelope` : 'V3 envelope keys x-amz-c, x-amz-d, x-amz-i'} stored in the object metadata, leaving the copy undecryptable`,
    );
  }
  if (inInstructionFile && source.versionId !== undefined) {
    throw new S3EncryptionClientError(
      'InvalidConfiguration',
      'a versioned CopySource keeps its envelope in an instruction file, whose matching version cannot be known; copy the current version',
    );
  }
  let instructionEtag: string | undefined;
  if (inInstructionFile) {
    // Checked before the object is copied, so a plaintext object or a lost instruction file fails (S3 NotFound) with nothing written.
    const file = await context.s3.send(new HeadObjectCommand({ ...sourceRequest, Key: `${source.key}${context.instructionFileSuffix}` }), sendOptions(options));
    instructionEtag = file.ETag;
  }
  const output = await context.s3.send(
    new CopyObjectCommand({ ...input, ...(input.CopySourceIfMatch === undefined && head.ETag !== undefined ? { CopySourceIfMatch: head.ETag } : {}) }),
    sendOptions(options),
  );
  if (inInstructionFile) {
    await context.s3.send(
      new CopyObjectCommand({
        Bucket: input.Bucket,
        Key: `${input.Key ?? ''}${context.instructionFileSuffix}`,
        CopySource: formatCopySource(source.bucket, `${source.key}${context.instructionFileSuffix}`),
        ...(instructionEtag === undefined ? {} : { CopySourceIfMatch: instructionEtag }),
        ...(input.ExpectedBucketOwner === undefined ? {} : { ExpectedBucketOwner: input.ExpectedBucketOwner }),
        ...(input.ExpectedSourceBucketOwner === undefined ? {} : { ExpectedSourceBucketOwner: input.ExpectedSourceBucketOwner }),
        ...(input.RequestPayer === undefined ? {} : { RequestPayer: input.RequestPayer }),
      }),
      sendOptions(options),
    );
  }
  return output;
}

/**
 * Splits a CopyObject `CopySource` (`bucket/key`, optionally with a leading `/`, URL-encoded, with
 * `?versionId=`; or `arn:...:accesspoint/name/object/key`) into its parts.
 *
 * @throws S3EncryptionClientError `InvalidConfiguration` when it names no bucket and key.
 * @example
 * ```ts
 * parseCopySource('b/a%20b.txt?versionId=3'); // { bucket: 'b', key: 'a b.txt', versionId: '3' }
 * ```
 */
export function parseCopySource(copySource: string | undefined): CopySourceParts {
  if (typeof copySource !== 'string') throw new S3EncryptionClientError('InvalidConfiguration', 'CopySource is required');
  const [path = '', query] = copySource.split('?', 2);
  const versionId = query === undefined ? undefined : (new URLSearchParams(query).get('versionId') ?? undefined);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.startsWith('/') ? path.slice(1) : path);
  } catch {
    throw new S3EncryptionClientError('InvalidConfiguration', 'CopySource is not valid URL encoding');
  }
  const arn = /^(arn:[^/]+\/[^/]+)\/object\/(.+)$/.exec(decoded);
  const slash = decoded.indexOf('/');
  const bucket = arn === null ? decoded.slice(0, slash) : arn[1];
  const key = arn === null ? decoded.slice(slash + 1) : arn[2];
  if (slash <= 0 || bucket === undefined || bucket === '' || key === undefined || key === '')
    throw new S3EncryptionClientError('InvalidConfiguration', 'CopySource expected "bucket/key"');
  return { bucket, key, ...(versionId === undefined || versionId === '' ? {} : { versionId }) };
}

function formatCopySource(bucket: string, key: string): string {
  const encodedKey = key.split('/').map(encodeURIComponent).join('/');
  return bucket.startsWith('arn:') ? `${bucket}/object/${encodedKey}` : `${bucket}/${encodedKey}`;
}
