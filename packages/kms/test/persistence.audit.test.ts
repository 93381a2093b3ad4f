/**
 * The audit trail on the data directory: LookupEvents answers the same after a restart, events
 * older than CloudTrail's 90 days of history go (and so do their files), and a torn last record
 * is cut off like the journal's (of any audit file, not only the newest).
 */

import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kms, ManualClock, openDirectoryStore } from '../src/index.ts';
import { MAX_BUFFERED_EVENTS } from '../src/persistence/audit-log.ts';
import { openKms, ROOT_KEY, tempDirectory } from './fixtures/persistence.ts';
import { flipBit } from './helpers/bytes.ts';

const DAY = 86_400_000;
const audits = async (directory: string): Promise<string[]> => (await readdir(directory)).filter((name) => name.startsWith('audit-')).sort();

describe('the audit trail with a data directory', () => {
  it('answers lookups the same after a restart, map keys and ids included', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await openKms(directory, clock);
    const { KeyMetadata } = await first.kms.createKey({ Description: 'audited' });
    const context = Object.fromEntries([
      ['__proto__', 'a'],
      ['$b64', 'QUFB'],
      ['dept', 'x'],
    ]) as Record<string, string>;
    await first.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]), EncryptionContext: context }, { requestId: 'custom-request-id' });
    await first.kms.describeKey({ KeyId: 'alias/missing' }).catch(() => undefined);
    const before = first.kms.auditTrail.lookup().records;
    expect(before).toHaveLength(3);
    await first.kms.close();

    const second = await openKms(directory, clock);
    expect(second.kms.auditTrail.lookup().records).toEqual(before);
    const encrypt = second.kms.auditTrail.lookup({ eventName: 'Encrypt' }).records[0]!;
    expect(Object.entries(encrypt.requestParameters!['encryptionContext'] as object).sort()).toEqual(Object.entries(context).sort());
    expect(encrypt.requestID).toBe('custom-request-id');
    // New events follow the restored ones.
    await second.kms.listKeys({});
    expect(second.kms.auditTrail.lookup({ maxResults: 1 }).records[0]!.eventName).toBe('ListKeys');
    await second.kms.close();
    const third = await openKms(directory, clock);
    expect(third.kms.auditTrail.size).toBe(4);
    await third.kms.close();
  });

  it('restores only the newest events the ring keeps, and the log keeps none of those it read back', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await openKms(directory, clock);
    for (const description of ['a', 'b', 'c', 'd']) await first.kms.createKey({ Description: description });
    await first.kms.close();

    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    const kms = new Kms({ store, clock, quotas: false, audit: { capacity: 2 } });
    expect(kms.auditTrail.events().map((event) => event.requestParameters?.['description'])).toEqual(['c', 'd']);
    // Handed over once: nothing in the store holds the events read back at open any longer.
    expect(store.audit.takeRecovered()).toEqual([]);
    await kms.close();
  });

  it('persists every event of an in-process burst that gives the event loop no turn', async () => {
    // In process, a call resolves as a promise only: a burst of calls started together runs to
    // its end before any timer or file write, so the log must not trim what it has not written.
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await openKms(directory, clock);
    const { KeyMetadata } = await first.kms.createKey({});
    const calls = MAX_BUFFERED_EVENTS + 5_000;
    const plaintext = new Uint8Array([1]);
    await Promise.all(Array.from({ length: calls }, () => first.kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: plaintext })));
    await first.kms.close();

    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    const recovered = store.audit.takeRecovered();
    expect(recovered).toHaveLength(calls + 1);
    expect(recovered.filter((event) => event.eventName === 'Encrypt')).toHaveLength(calls);
    await store.close();
    // LookupEvents reads them all back too.
    const second = await openKms(directory, clock);
    expect(second.kms.auditTrail.size).toBe(calls + 1);
    expect(second.kms.auditTrail.lookup({ eventName: 'Encrypt', maxResults: 50 }).records).toHaveLength(50);
    await second.kms.close();
  });

  it('asks calls to wait for a write once the buffer is full', async () => {
    const directory = await tempDirectory();
    const { kms, store } = await openKms(directory, new ManualClock());
    await kms.listKeys({});
    const event = kms.auditTrail.events()[0]!;
    expect(store.audit.room()).toBeUndefined();
    for (let i = 1; i < MAX_BUFFERED_EVENTS; i++) store.audit.append(event);
    const full = store.audit.room();
    expect(full).toBeInstanceOf(Promise);
    await full;
    expect(store.audit.room()).toBeUndefined();
    await kms.close();
    const reopened = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    expect(reopened.audit.takeRecovered()).toHaveLength(MAX_BUFFERED_EVENTS);
    await reopened.close();
  });

  it('holds no event in the clear', async () => {
    const directory = await tempDirectory();
    const { kms } = await openKms(directory, new ManualClock());
    await kms.createKey({ Description: 'a-very-recognisable-description' });
    await kms.close();
    for (const name of await audits(directory)) expect((await readFile(join(directory, name))).includes('a-very-recognisable-description')).toBe(false);
    expect(await audits(directory)).toHaveLength(1);
  });

  it('forgets events and deletes files older than 90 days before the newest event', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await openKms(directory, clock, { auditFileBytes: 1 });
    await first.kms.createKey({ Description: 'old' });
    await first.kms.close();
    clock.advance(91 * DAY);
    const second = await openKms(directory, clock, { auditFileBytes: 1 });
    expect(second.kms.auditTrail.size).toBe(1);
    await second.kms.listKeys({});
    expect(second.kms.auditTrail.events().map((event) => event.eventName)).toEqual(['ListKeys']);
    await second.kms.close();
    // The ListKeys batch started a new file (each holds one record here) and the old one went.
    const third = await openKms(directory, clock, { auditFileBytes: 1 });
    expect(third.kms.auditTrail.events().map((event) => event.eventName)).toEqual(['ListKeys']);
    expect(await audits(directory)).toHaveLength(1);
    await third.kms.close();
  });

  it('cuts off a torn last record, and refuses a damaged one that valid records follow', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await openKms(directory, clock);
    await first.kms.createKey({});
    await first.kms.close();
    const [file] = await audits(directory);
    const path = join(directory, file!);
    const whole = await readFile(path);
    await appendFile(path, whole.subarray(0, whole.length >> 1));
    const second = await openKms(directory, clock);
    expect(second.kms.auditTrail.size).toBe(1);
    await second.kms.close();
    expect((await readFile(path)).length).toBe(whole.length);

    const damaged = flipBit(Buffer.concat([whole, whole]), 20 * 8);
    await writeFile(path, damaged);
    await expect(openKms(directory, clock)).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('cuts off a torn last record of an older audit file too, keeping its whole records, and refuses a damaged one that valid records follow there', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await openKms(directory, clock);
    await first.kms.createKey({});
    await first.kms.close();
    const second = await openKms(directory, clock);
    await second.kms.listKeys({});
    await second.kms.close();
    // Two files now; the older one gets a torn tail (an old holder's late append, or a write whose cut-back failed).
    const [older, newer] = await audits(directory);
    expect(newer).toBeDefined();
    const path = join(directory, older!);
    const whole = await readFile(path);
    await appendFile(path, whole.subarray(0, whole.length >> 1));
    const third = await openKms(directory, clock);
    expect(third.kms.auditTrail.events().map((event) => event.eventName)).toEqual(['CreateKey', 'ListKeys']);
    await third.kms.close();
    expect(await readFile(path)).toEqual(whole);

    const damaged = flipBit(Buffer.concat([whole, whole]), 20 * 8);
    await writeFile(path, damaged);
    await expect(openKms(directory, clock)).rejects.toMatchObject({ code: 'CORRUPT' });
    expect(await readFile(path)).toEqual(damaged);
  });
});
