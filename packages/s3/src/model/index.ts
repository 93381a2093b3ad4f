/**
 * @module
 * The pure model: nothing here performs I/O, reads a clock or draws randomness (both are passed
 * in), and nothing imports from storage, crypto or protocol.
 */

export * from './bucket-encryption.ts';
export * from './bucket-endpoint.ts';
export * from './checksum.ts';
export * from './checksum-combine.ts';
export * from './checksum-multipart.ts';
export * from './conditional-write.ts';
export * from './conditions.ts';
export * from './continuation-token.ts';
export * from './copy-source.ts';
export * from './customer-key.ts';
export * from './encryption.ts';
export * from './etag.ts';
export * from './int32.ts';
export * from './kms-key-id.ts';
export * from './listing.ts';
export * from './metadata.ts';
export * from './multipart.ts';
export * from './names.ts';
export * from './object-headers.ts';
export * from './range.ts';
export * from './response-encryption.ts';
export * from './restore.ts';
export * from './storage-class.ts';
export * from './tagging.ts';
export * from './upload-size.ts';
export * from './version-id.ts';
