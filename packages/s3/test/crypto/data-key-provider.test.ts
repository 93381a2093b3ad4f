/** Object contexts and `keysForPart`: a part sealed with an upload's keys opens only at its own position. */

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryObjectStore, keysForPart, objectContext, openObject, SseCProvider, sealObject } from '../../src/index.ts';

describe('keysForPart', () => {
  it('binds the part number as objectContext does, so a part opens at its position and no other', async () => {
    const provider = new SseCProvider();
    const customerKey = new Uint8Array(randomBytes(32));
    const upload = await provider.forSealing({ bucket: 'b', key: 'k' }, { customerKey });
    const part = keysForPart(upload, 2);
    expect(part.layers[0]?.context).toEqual(objectContext({ bucket: 'b', key: 'k', partNumber: 2 }));
    // The upload's own layers are left as they were.
    expect(upload.layers[0]?.context).toEqual(objectContext({ bucket: 'b', key: 'k' }));

    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    const body = new Uint8Array(randomBytes(100_000));
    const { segment } = await sealObject([body], part, (sealed) => store.putObject('b', 'k', sealed, {}));
    part.dispose();
    const read = async (partNumber: number): Promise<Buffer> => {
      const reader = await store.openObject('b', 'k');
      const keys = await provider.forOpening({ bucket: 'b', key: 'k', partNumber }, { customerKey }, upload.fields);
      try {
        const chunks: Uint8Array[] = [];
        for await (const chunk of openObject(reader!, [segment], keys)) chunks.push(chunk);
        return Buffer.concat(chunks);
      } finally {
        keys.dispose();
        await reader!.close();
      }
    };
    expect((await read(2)).equals(Buffer.from(body))).toBe(true);
    await expect(read(3)).rejects.toThrow();
    upload.dispose();
    await store.close();
  });
});
