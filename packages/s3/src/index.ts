/**
 * @module
 * `@strongbox/s3`: the S3 engine's foundations. The pure model (names, errors, Range and
 * partNumber, ETags, the encryption decision), object storage (in memory and in a durable data
 * directory), and encryption at rest on `@strongbox/envelope` (SSE-S3 root keys, SSE-C key
 * verification, streamed sealing and ranged opening). Operations and the wire protocol build on
 * these; see the README for what exists and what is still to come.
 */

export * from './crypto/index.ts';
export { S3_ERRORS, S3Error, type S3ErrorDetail, type S3ErrorFields, type S3ErrorOptions, type S3ErrorReason, type S3WireError, toS3Error } from './errors.ts';
export * from './model/index.ts';
export type * from './operations/index.ts';
export { ObjectBody, OPERATION_NAMES } from './operations/index.ts';
export * from './policy/index.ts';
export { DEFAULT_BASE_HOSTS } from './protocol/address.ts';
export { internalErrorResponse } from './protocol/errors.ts';
export * from './protocol/sse-headers.ts';
export { createS3Handler, type S3HttpOptions, s3OperationOf } from './service/http.ts';
export type { CallOptions, S3Options, StorageOptions } from './service/options.ts';
export { type OperationName, type RequestOf, type ResponseOf, S3, type S3Methods } from './service/s3.ts';
export * from './storage/index.ts';
