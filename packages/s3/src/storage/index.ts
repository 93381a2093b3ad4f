/**
 * @module
 * Object storage: the `ObjectStore` interface and its backends (memory, data directory, upstream S3).
 */

export { emptyDataDirectory } from './filesystem/empty.ts';
export { type FileSystemStoreOptions, openFileSystemObjectStore } from './filesystem/store.ts';
export type { StoreEnvironment } from './indexed-store.ts';
export { createMemoryObjectStore } from './memory.ts';
export { compareUtf8, handOver } from './support.ts';
export type * from './types.ts';
export { openUpstreamObjectStore, type UpstreamOptions, type UpstreamStoreOptions } from './upstream/store.ts';
