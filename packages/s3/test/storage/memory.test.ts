import { createMemoryObjectStore } from '../../src/index.ts';
import { runObjectStoreConformance } from './conformance.ts';

runObjectStoreConformance('memory', async () => ({ store: await createMemoryObjectStore() }), 60);
