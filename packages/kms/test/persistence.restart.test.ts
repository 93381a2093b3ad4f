/**
 * Directory persistence: state survives a clean restart (keys, aliases, grants, rotations, key
 * states), snapshots and journals recover together, a crash between any two snapshot steps
 * recovers the same state, and the directory holds no key material in the clear.
 */

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applySeed, ManualClock } from '../src/index.ts';
import { openKms, snapshotOf, tempDirectory } from './fixtures/persistence.ts';

const BOB = 'arn:aws:iam::000000000000:user/bob';
const DAY = 86_400_000;
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('restart', () => {
  it('keeps keys, aliases, grants, rotations and key states, and old ciphertexts still decrypt', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const first = await openKms(directory, clock);
    const a = (await first.kms.createKey({ Description: 'orders', Tags: [{ TagKey: 'team', TagValue: 'payments' }] })).KeyMetadata;
    const b = (await first.kms.createKey({})).KeyMetadata;
    const c = (await first.kms.createKey({})).KeyMetadata;
    await first.kms.createAlias({ AliasName: 'alias/orders', TargetKeyId: a.KeyId });
    const grant = await first.kms.createGrant({ KeyId: a.KeyId, GranteePrincipal: BOB, Operations: ['Decrypt', 'Encrypt'], Name: 'bob' });
    const beforeRotation = await first.kms.encrypt({ KeyId: a.KeyId, Plaintext: bytes('version 1'), EncryptionContext: { purpose: 'test' } });
    await first.kms.rotateKeyOnDemand({ KeyId: a.KeyId });
    clock.advance(1000);
    const afterRotation = await first.kms.encrypt({ KeyId: 'alias/orders', Plaintext: bytes('version 2') });
    expect(first.store.state.key(a.KeyId)!.materials).toHaveLength(2);
    await first.kms.enableKeyRotation({ KeyId: b.KeyId, RotationPeriodInDays: 90 });
    await first.kms.disableKey({ KeyId: b.KeyId });
    await first.kms.scheduleKeyDeletion({ KeyId: c.KeyId, PendingWindowInDays: 7 });
    const expected = snapshotOf(first.store.state);
    await first.kms.close();

    const second = await openKms(directory, clock);
    expect(snapshotOf(second.store.state)).toEqual(expected);
    const { kms } = second;
    expect(text((await kms.decrypt({ CiphertextBlob: beforeRotation.CiphertextBlob, EncryptionContext: { purpose: 'test' } })).Plaintext)).toBe('version 1');
    expect(text((await kms.decrypt({ CiphertextBlob: afterRotation.CiphertextBlob })).Plaintext)).toBe('version 2');
    expect((await kms.listKeyRotations({ KeyId: a.KeyId })).Rotations).toHaveLength(1);
    expect((await kms.listAliases({ KeyId: a.KeyId })).Aliases?.map((alias: { AliasName?: string }) => alias.AliasName)).toEqual(['alias/orders']);
    expect((await kms.listGrants({ KeyId: a.KeyId })).Grants?.map((g: { GrantId?: string; Name?: string }) => [g.GrantId, g.Name])).toEqual([
      [grant.GrantId, 'bob'],
    ]);
    // The grant token still works for the grantee after the restart.
    const asBob = await kms.encrypt({ KeyId: a.Arn!, Plaintext: bytes('via grant'), GrantTokens: [grant.GrantToken] }, { caller: BOB });
    expect(text((await kms.decrypt({ CiphertextBlob: asBob.CiphertextBlob })).Plaintext)).toBe('via grant');
    expect((await kms.describeKey({ KeyId: b.KeyId })).KeyMetadata.KeyState).toBe('Disabled');
    expect((await kms.getKeyRotationStatus({ KeyId: b.KeyId })).RotationPeriodInDays).toBe(90);
    expect((await kms.describeKey({ KeyId: c.KeyId })).KeyMetadata.KeyState).toBe('PendingDeletion');
    expect((await kms.listResourceTags({ KeyId: a.KeyId })).Tags).toEqual([{ TagKey: 'team', TagValue: 'payments' }]);
    // Clock-driven changes after the restart are persisted too: the deletion window passes.
    clock.advance(8 * DAY);
    await kms.listKeys({});
    expect(second.store.state.key(c.KeyId)).toBeUndefined();
    await kms.close();
    const third = await openKms(directory, clock);
    expect(third.store.state.key(c.KeyId)).toBeUndefined();
    expect(third.store.state.key(a.KeyId)).toBeDefined();
    await third.kms.close();
  });

  it('recovers from a snapshot plus its journal, keeping one generation of files', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const first = await openKms(directory, clock, { snapshotThresholdBytes: 3000 });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push((await first.kms.createKey({ Description: `key ${i}` })).KeyMetadata.KeyId);
      if (i % 3 === 0) await first.kms.createAlias({ AliasName: `alias/k${i}`, TargetKeyId: ids[i]! });
    }
    // Snapshots happened on their own; after a forced one, the last changes go to the journal only.
    const generation = (await readdir(directory)).find((name) => name.startsWith('snapshot-'));
    expect(generation).toMatch(/^snapshot-\d{8}\.sbx$/);
    expect(generation).not.toBe('snapshot-00000001.sbx');
    await first.store.snapshot();
    ids.push((await first.kms.createKey({ Description: 'journal only' })).KeyMetadata.KeyId);
    await first.kms.createAlias({ AliasName: 'alias/last', TargetKeyId: ids[30]! });
    const expected = snapshotOf(first.store.state);
    await first.kms.close();
    const names = (await readdir(directory)).sort();
    // Snapshots happened (generation > 1) and the old generations are gone.
    expect(names.filter((name) => name.startsWith('snapshot-'))).toHaveLength(1);
    expect(names.filter((name) => name.startsWith('journal-'))).toHaveLength(1);
    expect(names.find((name) => name.startsWith('snapshot-'))).not.toBe(generation);
    expect((await readFile(join(directory, names.find((name) => name.startsWith('journal-'))!))).length).toBeGreaterThan(0);

    const second = await openKms(directory, clock);
    expect(snapshotOf(second.store.state)).toEqual(expected);
    expect(second.store.state.alias('000000000000', 'us-east-1', 'alias/k27')?.targetKeyId).toBe(ids[27]);
    expect(second.store.state.alias('000000000000', 'us-east-1', 'alias/last')?.targetKeyId).toBe(ids[30]);
    await second.kms.close();
  });

  it('snapshots on every batch with a threshold of 0, and still recovers everything', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const first = await openKms(directory, clock, { snapshotThresholdBytes: 0 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => first.kms.createKey({ Description: `concurrent ${i}` })));
    for (let i = 0; i < 5; i++) await first.kms.createKey({ Description: `sequential ${i}` });
    const expected = snapshotOf(first.store.state);
    expect(expected).toHaveLength(25);
    await first.kms.close();
    const second = await openKms(directory, clock);
    expect(snapshotOf(second.store.state)).toEqual(expected);
    await second.kms.close();
  });
});

describe('a crash between two snapshot steps', () => {
  /** Files of a directory at gen 1 with a journal, and the files `snapshot()` makes of it. */
  async function generations(): Promise<{ before: Map<string, Buffer>; after: Map<string, Buffer>; expected: unknown[] }> {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const { kms, store } = await openKms(directory, clock);
    for (let i = 0; i < 4; i++) await kms.createKey({ Description: `key ${i}` });
    const read = async (): Promise<Map<string, Buffer>> => {
      const files = new Map<string, Buffer>();
      for (const name of await readdir(directory))
        if (name.endsWith('.sbx') && !name.startsWith('audit-')) files.set(name, await readFile(join(directory, name)));
      return files;
    };
    const before = await read();
    await store.snapshot();
    const after = await read();
    const expected = snapshotOf(store.state);
    await kms.close();
    return { before, after, expected };
  }

  const steps: [string, (g: Awaited<ReturnType<typeof generations>>) => [string, Buffer][]][] = [
    ['while the new snapshot is half written', (g) => [...g.before, ['snapshot-00000002.sbx.tmp', g.after.get('snapshot-00000002.sbx')!.subarray(0, 100)]]],
    ['after the new snapshot is renamed into place', (g) => [...g.before, ['snapshot-00000002.sbx', g.after.get('snapshot-00000002.sbx')!]]],
    ['after the new journal is created', (g) => [...g.before, ...g.after]],
    ['after the old journal is deleted', (g) => [['snapshot-00000001.sbx', g.before.get('snapshot-00000001.sbx')!], ...g.after]],
  ];

  for (const [step, files] of steps) {
    it(`recovers the same state ${step}`, async () => {
      const g = await generations();
      expect([...g.before.keys()].sort()).toEqual(['journal-00000001.sbx', 'snapshot-00000001.sbx']);
      expect([...g.after.keys()].sort()).toEqual(['journal-00000002.sbx', 'snapshot-00000002.sbx']);
      const directory = await tempDirectory();
      for (const [name, content] of files(g)) await writeFile(join(directory, name), content);
      const clock = new ManualClock(Date.UTC(2025, 0, 1));
      const recovered = await openKms(directory, clock);
      expect(snapshotOf(recovered.store.state)).toEqual(g.expected);
      // Leftovers are cleaned up, and the store carries on from the recovered generation.
      const id = (await recovered.kms.createKey({ Description: 'after recovery' })).KeyMetadata.KeyId;
      await recovered.kms.close();
      const names = (await readdir(directory)).filter((name) => name.includes('.sbx') && !name.startsWith('audit-')).sort();
      expect(names).toHaveLength(2);
      expect(names.some((name) => name.endsWith('.tmp'))).toBe(false);
      const again = await openKms(directory, clock);
      expect(again.store.state.key(id)?.description).toBe('after recovery');
      expect(snapshotOf(again.store.state)).toHaveLength(g.expected.length + 1);
      await again.kms.close();
    });
  }
});

describe('sealing', () => {
  it('leaves no key material of any key or version in the directory, in any encoding', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const { kms, store } = await openKms(directory, clock, { snapshotThresholdBytes: 2000 });
    const seeded = new Uint8Array(32).fill(0x5a);
    await applySeed(
      store,
      { keys: [{ keyId: '6f1c1c1e-5a0e-4a8e-9c77-2d1f1b0c9a11', material: Buffer.from(seeded).toString('base64'), origin: 'EXTERNAL' }] },
      {
        account: '000000000000',
        region: 'us-east-1',
        now: clock.now(),
        random: { bytes: (n) => crypto.getRandomValues(new Uint8Array(n)) },
      },
    );
    for (let i = 0; i < 12; i++) {
      const { KeyId } = (await kms.createKey({})).KeyMetadata;
      if (i % 4 === 0) {
        await kms.rotateKeyOnDemand({ KeyId });
        clock.advance(1000);
        await kms.listKeys({});
      }
    }
    const materials = [...store.state.keys()].flatMap((key) => key.materials.map((m) => Buffer.from(m.material)));
    expect(materials.length).toBeGreaterThanOrEqual(16);
    expect(materials.some((m) => m.equals(seeded))).toBe(true);
    await kms.close();
    const files = await readdir(directory);
    expect(files.filter((name) => name.endsWith('.sbx')).length).toBeGreaterThan(0);
    const contents = await Promise.all(files.map((name) => readFile(join(directory, name))));
    for (const material of materials) {
      const encodings = [
        material,
        Buffer.from(material.toString('base64')),
        Buffer.from(material.toString('hex')),
        Buffer.from(material.toString('base64url')),
      ];
      for (const content of contents) for (const encoding of encodings) expect(content.indexOf(encoding)).toBe(-1);
    }
    // Metadata is sealed too: not even a description shows.
    for (const content of contents) expect(content.indexOf(Buffer.from('SYMMETRIC_DEFAULT'))).toBe(-1);
  });
});
