/**
 * @module
 * Server-side encryption request headers (SSE-S3, SSE-KMS, SSE-C, DSSE-KMS) and bucket default
 * encryption, as S3 refuses them.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

const SSE = 'x-amz-server-side-encryption';
const SSE_C_PREFIX = 'Requests specifying Server Side Encryption with Customer provided keys must';

/** Server-side encryption request headers and bucket default encryption configuration. */
export type SseErrorReason =
  | 'UnsupportedEncryptionMethod'
  | 'SseCIncompatibleWithEncryptionMethod'
  | 'SseCAlgorithmNotAes256'
  | 'SseCMissingAlgorithm'
  | 'SseCMissingKey'
  | 'SseCMissingKeyMd5'
  | 'SseCKeyMd5Mismatch'
  | 'SseCInvalidKey'
  | 'SseCRequiresSecureTransport'
  | 'SseCBlockedByBucket'
  | 'SseCKeyRequired'
  | 'SseCWrongKey'
  | 'EncryptionParametersNotApplicable'
  | 'MultipartEncryptionRequired'
  | 'MultipartEncryptionMismatch'
  | 'KmsKeyIdRequiresKmsEncryption'
  | 'KmsRequiresSecureTransport'
  | 'KmsRequiresSigV4'
  | 'InvalidEncryptionContext'
  | 'SseHeaderNotSupportedForOperation'
  | 'KmsMasterKeyIdNotApplicable';

/** How S3 answers each `SseErrorReason`. */
export const SSE_ERRORS: Readonly<Record<SseErrorReason, S3WireError>> = {
  // aws/aws-sdk-cpp#1771 (an empty value), bloomreach/s4cmd#63 (`aes256`).
  UnsupportedEncryptionMethod: { code: 'InvalidArgument', status: 400, message: 'The encryption method specified is not supported', argumentName: SSE },
  SseCIncompatibleWithEncryptionMethod: {
    code: 'InvalidArgument',
    status: 400,
    message: 'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
    argumentName: SSE,
  },
  SseCAlgorithmNotAes256: {
    code: 'InvalidEncryptionAlgorithmError',
    status: 400,
    message: 'The Encryption request you specified is not valid. Supported value: AES256.',
    argumentName: SSE,
  },
  SseCMissingAlgorithm: { code: 'InvalidArgument', status: 400, message: `${SSE_C_PREFIX} provide a valid encryption algorithm.`, argumentName: SSE },
  SseCMissingKey: { code: 'InvalidArgument', status: 400, message: `${SSE_C_PREFIX} provide an appropriate secret key.`, argumentName: SSE },
  // UNCONFIRMED: SDKs always send the MD5, so no capture of AWS exists; MinIO's text and code.
  SseCMissingKeyMd5: {
    code: 'InvalidArgument',
    status: 400,
    message: `${SSE_C_PREFIX} provide the client calculated MD5 of the secret key.`,
    argumentName: SSE,
  },
  // AWS names `x-amz-server-side-encryption` here, not the MD5 header (LS-snapshot).
  SseCKeyMd5Mismatch: {
    code: 'InvalidArgument',
    status: 400,
    message: 'The calculated MD5 hash of the key did not match the hash that was provided.',
    argumentName: SSE,
  },
  SseCInvalidKey: { code: 'InvalidArgument', status: 400, message: 'The secret key was invalid for the specified algorithm.', argumentName: SSE },
  // UNCONFIRMED: the User Guide says S3 rejects SSE-C over HTTP but no capture exists; MinIO's code and text.
  SseCRequiresSecureTransport: { code: 'InvalidRequest', status: 400, message: `${SSE_C_PREFIX} be made over a secure connection.` },
  // UG troubleshoot-403-errors (second-hand), since April 2026.
  SseCBlockedByBucket: {
    code: 'AccessDenied',
    status: 403,
    message: (d) =>
      `User: ${d.principalArn ?? 'anonymous'} is not authorized to perform: ${d.action ?? 's3:PutObject'} on resource: "${d.resource ?? ''}" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type`,
  },
  SseCKeyRequired: {
    code: 'InvalidRequest',
    status: 400,
    message: 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
  },
  SseCWrongKey: { code: 'AccessDenied', status: 403, message: `${SSE_C_PREFIX} provide the correct secret key.` },
  // boto/boto3#982 (real S3, 2017).
  EncryptionParametersNotApplicable: { code: 'InvalidRequest', status: 400, message: 'The encryption parameters are not applicable to this object.' },
  MultipartEncryptionRequired: {
    code: 'InvalidRequest',
    status: 400,
    message: 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.',
  },
  MultipartEncryptionMismatch: { code: 'InvalidRequest', status: 400, message: 'The provided encryption parameters did not match the ones used originally.' },
  // MinIO's ErrInvalidEncryptionMethod, said to match AWS (aws/aws-cli#1431, second-hand).
  KmsKeyIdRequiresKmsEncryption: {
    code: 'InvalidArgument',
    status: 400,
    message: 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
  },
  // aws/aws-sdk-js#2335 (real S3 reached over plain HTTP through a proxy).
  KmsRequiresSecureTransport: {
    code: 'InvalidArgument',
    status: 400,
    message: 'Requests specifying Server Side Encryption with AWS KMS managed keys must be made over a secure connection.',
  },
  // aws/aws-cli#1006 (real S3's error document: ArgumentName `Authorization`, ArgumentValue `null`,
  // which the thrower gives as a field); the same text for SigV2 presigned GETs of SSE-KMS objects
  // in aws/aws-cli#2622 and boto/boto3#2680.
  KmsRequiresSigV4: {
    code: 'InvalidArgument',
    status: 400,
    message: 'Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.',
    argumentName: 'Authorization',
  },
  // Quoted from real S3 in a HADOOP-19197 comment (second-hand); the code is UNCONFIRMED.
  InvalidEncryptionContext: {
    code: 'InvalidArgument',
    status: 400,
    message: "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map",
    argumentName: 'x-amz-server-side-encryption-context',
  },
  // A capture of real S3 answering UploadPart (irods/irods_resource_plugin_s3#1838, with
  // ArgumentName and ArgumentValue `AES256`); the same text in aws/aws-sdk-java#1876 (UploadPart)
  // and s3tools/s3cmd#276. GetObject and HeadObject answer it too (model: 400 for reads naming it).
  SseHeaderNotSupportedForOperation: {
    code: 'InvalidArgument',
    status: 400,
    message: 'x-amz-server-side-encryption header is not supported for this operation.',
    argumentName: SSE,
  },
  KmsMasterKeyIdNotApplicable: {
    code: 'InvalidArgument',
    status: 400,
    message: 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
    argumentName: 'ApplyServerSideEncryptionByDefault',
  },
};
