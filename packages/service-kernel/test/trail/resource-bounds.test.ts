/**
 * An event's `resources` are bounded and counted like its other variable fields: their JSON size
 * counts against the trail's byte budget (once per list, as events that repeat a list share it),
 * and a list past `MAX_FIELD_BYTES` is recorded empty rather than kept whole in memory and on disk.
 */

import { describe, expect, it } from 'vitest';
import { type AuditEventInput, AuditTrail, jsonSize, MAX_FIELD_BYTES, principalFromArn } from '../../src/index.ts';
import { auditEventInput } from '../helpers/audit-event.ts';

const T0 = Date.UTC(2026, 0, 1);
// One caller and one accounts list for every event: a call site is shared for the same objects.
const CALLER = principalFromArn('arn:aws:iam::111122223333:root');
const OWNERS: readonly string[] = ['111122223333'];

const event = (resources: readonly string[], n = 0): AuditEventInput =>
  auditEventInput({ eventTime: T0 + n, eventCategory: 'Data', caller: CALLER, resources, resourceAccountIds: OWNERS, recipientAccountId: '111122223333' });

describe('resources in the trail budget', () => {
  it("counts the JSON size of an event's resources against the byte budget", () => {
    const bare = new AuditTrail();
    bare.record(event([]));
    const resources = [`arn:aws:s3:::b/${'k'.repeat(20_000)}`, 'arn:aws:s3:::b'];
    const trail = new AuditTrail();
    trail.record(event(resources));
    expect(trail.bytes - bare.bytes).toBeGreaterThanOrEqual(jsonSize(resources, MAX_FIELD_BYTES) - 2);
  });

  it('drops the oldest events once their resources pass the budget', () => {
    const trail = new AuditTrail({ maxBytes: 50_000 });
    for (let n = 0; n < 5; n++) trail.record(event([`arn:aws:s3:::b/${String(n).repeat(20_000)}`, 'arn:aws:s3:::b'], n));
    expect(trail.bytes).toBeLessThanOrEqual(50_000);
    expect(trail.size).toBeLessThan(5);
  });

  it('counts a list once for the run of events that share it', () => {
    const resources = [`arn:aws:s3:::b/${'k'.repeat(20_000)}`, 'arn:aws:s3:::b'];
    const trail = new AuditTrail();
    trail.record(event(resources, 0));
    const first = trail.bytes;
    trail.record(event(resources, 1));
    expect(trail.bytes - first).toBeLessThan(20_000);
  });

  it('records a list larger than MAX_FIELD_BYTES as empty, and counts it so', () => {
    const trail = new AuditTrail();
    trail.record(event([`arn:aws:s3:::b/${'k'.repeat(2 * MAX_FIELD_BYTES)}`, 'arn:aws:s3:::b']));
    const [recorded] = trail.events();
    expect(recorded?.resources).toEqual([]);
    expect(recorded?.resourceAccountIds).toBeUndefined();
    expect(trail.bytes).toBeLessThan(MAX_FIELD_BYTES);
    expect(JSON.stringify(trail.records()).length).toBeLessThan(MAX_FIELD_BYTES);
  });
});

describe('tlsDetails in the trail budget', () => {
  const details = (host: string) => Object.freeze({ tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: host });

  it("counts every event's tlsDetails by its own size, one shared by a connection's calls each time", () => {
    const bare = new AuditTrail();
    bare.record(event([], 0));
    bare.record(event([], 1));
    const perEvent = bare.bytes / 2;
    const long = details('h'.repeat(5_000));
    const longer = details('h'.repeat(9_000));
    const trail = new AuditTrail();
    const sizes: number[] = [];
    for (const [n, tls] of [long, long, longer, long].entries()) {
      const before = trail.bytes;
      trail.record({ ...event([], n), tlsDetails: tls });
      sizes.push(trail.bytes - before - perEvent);
    }
    expect(sizes[0]).toBe(jsonSize(long, MAX_FIELD_BYTES));
    expect(sizes[1]).toBe(sizes[0]);
    expect(sizes[2]).toBe(jsonSize(longer, MAX_FIELD_BYTES));
    expect(sizes[3]).toBe(sizes[0]);
  });
});
