/**
 * A call that came over TLS is recorded with CloudTrail's top-level `tlsDetails`: the TLS version,
 * the negotiated cipher suite by OpenSSL's name and the Host header the client sent, listed last in
 * the record (a captured S3 data event, TryHackMe AoC 2024 day 7 log: `…, "eventCategory": "Data",
 * "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
 * "clientProvidedHostHeader": "s3.ap-southeast-1.amazonaws.com"}}`; CloudTrail User Guide, "CloudTrail
 * record contents": `tlsDetails` since 1.08, optional, and logged partially when a part is missing).
 * A call over plain HTTP or in process has none.
 */

import { describe, expect, it } from 'vitest';
import {
  AuditTrail,
  type CallScope,
  ManualClock,
  type OperationSpec,
  Pipeline,
  type PipelineContext,
  rootPrincipal,
  type ServiceBinding,
  type TlsConnection,
} from '../../src/index.ts';

const readThing: OperationSpec<'ReadThing', { Id: string }, { Name: string }, PipelineContext> = {
  name: 'ReadThing',
  quota: { perSecond: 1000 },
  readOnly: true,
  handler: (input) => ({ Name: input.Id }),
};

function toy(trail = new AuditTrail()): Pipeline<OperationSpec, PipelineContext, Error> {
  const binding: ServiceBinding<OperationSpec, PipelineContext, Error> = {
    eventSource: 'toy.amazonaws.com',
    resourceType: 'AWS::Toy::Thing',
    clock: new ManualClock(Date.UTC(2026, 0, 1)),
    trail,
    quotas: { tryAcquire: () => true },
    validate: () => undefined,
    open: (_definition, scope, now) => ({ now, resources: [], recipientAccount: scope.caller.account }),
    toError: (error) => (error instanceof Error ? error : new Error(String(error))),
    throttled: () => new Error('throttled'),
    auditParameters: () => null,
    auditValue: (value) => value,
    auditError: (failure) => ({ code: failure.name, message: failure.message }),
  };
  return new Pipeline(binding);
}

const base: CallScope = { caller: rootPrincipal('us-east-1', '111122223333'), region: 'us-east-1' };
const tls13: TlsConnection = { getCipher: () => ({ name: 'TLS_AES_128_GCM_SHA256' }), getProtocol: () => 'TLSv1.3' };

describe('tlsDetails', () => {
  it('records the TLS version, the cipher suite and the Host header sent, last in the record', async () => {
    const trail = new AuditTrail();
    await toy(trail).call(readThing, { Id: 'a' }, { ...base, tls: tls13, host: 'toy.us-east-1.amazonaws.com' });
    const [record] = trail.records();
    expect(record?.tlsDetails).toEqual({
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'toy.us-east-1.amazonaws.com',
    });
    expect(Object.keys(record?.tlsDetails ?? {})).toEqual(['tlsVersion', 'cipherSuite', 'clientProvidedHostHeader']);
    expect(Object.keys(record ?? {}).slice(-2)).toEqual(['eventCategory', 'tlsDetails']);
  });

  it('is absent for a call over plain HTTP or in process', async () => {
    const trail = new AuditTrail();
    await toy(trail).call(readThing, { Id: 'a' }, { ...base, host: 'toy.us-east-1.amazonaws.com' });
    await toy(trail).call(readThing, { Id: 'b' }, base);
    expect(trail.records().map((record) => 'tlsDetails' in record)).toEqual([false, false]);
  });

  it('logs what is known when a part is missing (no Host header, a connection that names no version)', async () => {
    const trail = new AuditTrail();
    const bare: TlsConnection = { getCipher: () => ({ name: 'ECDHE-RSA-AES128-GCM-SHA256' }) };
    await toy(trail).call(readThing, { Id: 'a' }, { ...base, tls: bare });
    expect(trail.records()[0]?.tlsDetails).toEqual({ cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256' });
  });

  it('asks the connection nothing when the trail keeps no event', async () => {
    let asked = 0;
    const counted: TlsConnection = {
      getCipher: () => ((asked += 1), { name: 'TLS_AES_128_GCM_SHA256' }),
      getProtocol: () => ((asked += 1), 'TLSv1.3'),
    };
    class Discarding extends AuditTrail {
      override get recording(): boolean {
        return false;
      }
    }
    await toy(new Discarding()).call(readThing, { Id: 'a' }, { ...base, tls: counted, host: 'h' });
    expect(asked).toBe(0);
  });

  it('is kept with the event: read back, restored, and counted against the byte budget', async () => {
    const trail = new AuditTrail();
    await toy(trail).call(readThing, { Id: 'a' }, { ...base, tls: tls13, host: 'h.example' });
    const [event] = trail.events();
    expect(event?.tlsDetails).toEqual({ tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'h.example' });
    const restored = new AuditTrail();
    if (event !== undefined) restored.restore(event);
    expect(restored.records()[0]?.tlsDetails).toEqual(event?.tlsDetails);
    const plain = new AuditTrail();
    await toy(plain).call(readThing, { Id: 'a' }, base);
    expect(trail.bytes).toBeGreaterThan(plain.bytes);
  });
});
