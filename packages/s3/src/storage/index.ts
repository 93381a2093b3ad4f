/**
 * @module
 * Object storage: the `ObjectStore` interface and its two backends.
 */

export type * from './types.ts';
export type { StoreEnvironment } from './indexed-store.ts';
export { createMemoryObjectStore } from './memory.ts';
export { openFileSystemObjectStore, type FileSystemStoreOptions } from './filesystem/store.ts';
export { compareUtf8 } from './support.ts';
