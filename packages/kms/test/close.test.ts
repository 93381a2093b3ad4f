/**
 * A closed `Kms` serves nothing: its store is flushed and released, so a call after `close()` is
 * refused (as a closed S3 engine refuses, "the S3 engine is closed") rather than made in a store
 * that is closed, or in a data directory another process may hold by then.
 */

import { ManualClock } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { Kms } from '../src/index.ts';
import { openKms, tempDirectory } from './fixtures/persistence.ts';

describe('Kms once closed', () => {
  it('refuses a call in memory, through the facade and through send', async () => {
    const kms = new Kms();
    await kms.createKey({});
    await kms.close();
    await expect(kms.createKey({})).rejects.toThrow('the KMS engine is closed');
    await expect(kms.send('ListKeys', {})).rejects.toThrow('the KMS engine is closed');
  });

  it('refuses a call with a data directory, and the directory holds only the keys made before', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const first = await openKms(directory, clock);
    const made = (await first.kms.createKey({})).KeyMetadata.KeyId;
    await first.kms.close();
    await expect(first.kms.createKey({})).rejects.toThrow('the KMS engine is closed');
    const second = await openKms(directory, clock);
    const listed = await second.kms.listKeys({});
    expect(listed.Keys?.map((key) => key.KeyId)).toEqual([made]);
    await second.kms.close();
  });
});
