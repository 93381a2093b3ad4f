/**
 * @module
 * `@strongbox/s3`: the S3 engine's foundations. The pure model (names, errors, Range and
 * partNumber, ETags, the encryption decision), object storage (in memory and in a durable data
 * directory), and encryption at rest on `@strongbox/envelope` (SSE-S3 root keys, SSE-C key
 * verification, streamed sealing and ranged opening). Operations and the wire protocol build on
 * these; see the README for what exists and what is still to come.
 */

export { S3Error, S3_ERRORS, toS3Error, type S3ErrorDetail, type S3ErrorFields, type S3ErrorOptions, type S3ErrorReason, type S3WireError } from './errors.ts';
export * from './model/index.ts';
export * from './protocol/sse-headers.ts';
export * from './storage/index.ts';
export * from './crypto/index.ts';
