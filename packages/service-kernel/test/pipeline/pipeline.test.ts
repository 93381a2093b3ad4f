/**
 * The registry and the request pipeline with a toy service: what the registry derives from the
 * definitions (names, quota table, facade methods), and the order of the pipeline's stages
 * (throttle before validation, every call audited, every failure the service's own error).
 */

import { describe, expect, it } from 'vitest';
import {
  AuditTrail,
  type CallScope,
  createRegistry,
  type Facade,
  FaultInjector,
  installFacade,
  ManualClock,
  type OperationSpec,
  Pipeline,
  type PipelineContext,
  QuotaBuckets,
  quotaClassOf,
  rootPrincipal,
  type ServiceBinding,
  type TableOf,
} from '../../src/index.ts';

class ToyError extends Error {
  readonly code: string;
  constructor(code: string, message = '') {
    super(message);
    this.name = code;
    this.code = code;
  }
}

interface ToyContext extends PipelineContext {
  resources: string[];
}

const putThing: OperationSpec<'PutThing', { Name: string }, { Id: string }, ToyContext> = {
  name: 'PutThing',
  quota: { perSecond: 1 },
  readOnly: false,
  handler: (input, context) => (context.resources.push(`arn:toy:${input.Name}`), { Id: input.Name.toUpperCase() }),
};
const getThing: OperationSpec<'GetThing', { Id: string }, { Name: string }, ToyContext> = {
  name: 'GetThing',
  quota: { shared: 'reads' },
  readOnly: true,
  handler: (input) => ({ Name: input.Id.toLowerCase() }),
  auditParameters: () => null,
};
const definitions = { putThing, getThing };
type Table = TableOf<typeof definitions>;
const REGISTRY = createRegistry<Table>(definitions);

function toy(
  limits: Record<string, number> = {},
  hooks: Pick<
    ServiceBinding<OperationSpec, ToyContext, ToyError>,
    'prepare' | 'settle' | 'settleFailure' | 'finish' | 'recorded' | 'faults' | 'auditAdditional'
  > &
    Partial<Pick<ServiceBinding<OperationSpec, ToyContext, ToyError>, 'trail'>> = {},
): { pipeline: Pipeline<OperationSpec, ToyContext, ToyError>; trail: AuditTrail; clock: ManualClock } {
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const trail = new AuditTrail({ capacity: 100 });
  const buckets = new QuotaBuckets();
  const binding: ServiceBinding<OperationSpec, ToyContext, ToyError> = {
    eventSource: 'toy.amazonaws.com',
    resourceType: 'AWS::Toy::Thing',
    clock,
    trail,
    quotas: {
      tryAcquire: (account, region, quota, now) =>
        buckets.tryAcquire(`${account}/${region}/${quota}`, () => limits[quota] ?? REGISTRY.quotaTable[quota] ?? Infinity, now),
    },
    validate: (_definition, input) => {
      if (typeof input !== 'object' || input === null || Object.keys(input).length === 0) throw new ToyError('ValidationException', 'empty input');
    },
    open: (_definition, scope: CallScope, now) => ({ now, resources: [], recipientAccount: scope.caller.account }),
    toError: (error) => (error instanceof ToyError ? error : new ToyError('InternalFailure')),
    throttled: () => new ToyError('ThrottlingException', 'Rate exceeded'),
    auditParameters: (_definition, input) => ({ ...(input as object) }),
    auditValue: (value) => value,
    auditError: (failure) => ({ code: failure.code, message: failure.message }),
    ...hooks,
  };
  return { pipeline: new Pipeline(binding), trail, clock };
}

const scope: CallScope = { caller: rootPrincipal('us-east-1', '111122223333'), region: 'us-east-1' };

describe('createRegistry', () => {
  it('derives the sorted names, the quota table of own quotas, and lookups by wire name', () => {
    expect(REGISTRY.names).toEqual(['GetThing', 'PutThing']);
    expect({ ...REGISTRY.quotaTable }).toEqual({ PutThing: 1 });
    expect(REGISTRY.has('PutThing')).toBe(true);
    expect(REGISTRY.has('toString')).toBe(false);
    expect(REGISTRY.operations.GetThing).toBe(definitions.getThing);
    expect(quotaClassOf(definitions.getThing)).toBe('reads');
    expect(quotaClassOf(definitions.putThing)).toBe('PutThing');
  });

  it('refuses two definitions with one name, and names that are not PascalCase', () => {
    expect(() => createRegistry({ a: definitions.putThing, b: { ...definitions.putThing } })).toThrow(/two operations are named PutThing/);
    expect(() => createRegistry({ a: { ...definitions.putThing, name: 'put-thing' } })).toThrow(TypeError);
  });
});

describe('installFacade', () => {
  it('adds one typed method per operation that sends its wire name', async () => {
    class Client {
      readonly sent: [string, unknown][] = [];
      async send(name: string, input: unknown): Promise<unknown> {
        this.sent.push([name, input]);
        return { Id: 'X' };
      }
    }
    installFacade(Client.prototype, REGISTRY.names);
    const client = new Client() as Client & Facade<Table, never>;
    expect(await client.putThing({ Name: 'x' })).toEqual({ Id: 'X' });
    await client.getThing({ Id: 'X' });
    expect(client.sent).toEqual([
      ['PutThing', { Name: 'x' }],
      ['GetThing', { Id: 'X' }],
    ]);
    expect(() => installFacade(Client.prototype, ['PutThing'])).toThrow(/already has a member putThing/);
  });
});

describe('Pipeline', () => {
  it('serves a call and records one event with the definition audit fields and the touched resources', async () => {
    const { pipeline, trail } = toy();
    expect(await pipeline.call(definitions.putThing, { Name: 'a' }, scope)).toEqual({ Id: 'A' });
    const [event] = trail.events();
    expect(event).toMatchObject({
      eventName: 'PutThing',
      eventSource: 'toy.amazonaws.com',
      resourceType: 'AWS::Toy::Thing',
      readOnly: false,
      requestParameters: { Name: 'a' },
      resources: ['arn:toy:a'],
    });
    await pipeline.call(definitions.getThing, { Id: 'A' }, scope);
    expect(trail.events()[1]).toMatchObject({ eventName: 'GetThing', readOnly: true, requestParameters: null });
  });

  it('records a definition’s auditName as the event name, and gives its auditParameters the call’s scope', async () => {
    const { pipeline, trail } = toy();
    // S3 logs ListObjectsV2 as ListObjects: the name lives in the definition, the registry keeps the wire name.
    const listThingsV2: OperationSpec<'ListThingsV2', { Prefix: string }, object, ToyContext> = {
      name: 'ListThingsV2',
      auditName: 'ListThings',
      quota: { shared: 'reads' },
      readOnly: true,
      handler: () => ({}),
      auditParameters: (input, callScope) => ({ prefix: input.Prefix, region: callScope.region }),
    };
    expect(createRegistry({ listThingsV2 }).names).toEqual(['ListThingsV2']);
    await pipeline.call(listThingsV2, { Prefix: 'p/' }, scope);
    await pipeline.call(definitions.getThing, { Id: 'A' }, scope);
    expect(trail.events().map((event) => [event.eventName, event.requestParameters])).toEqual([
      ['ListThings', { prefix: 'p/', region: 'us-east-1' }],
      ['GetThing', null],
    ]);
  });

  it("records the service's additionalEventData around a definition's own, and keeps the own when the service's throws", async () => {
    const withOwn: OperationSpec<'TagThing', { Id: string }, object, ToyContext> = {
      ...definitions.getThing,
      name: 'TagThing',
      auditAdditional: (input) => ({ tagged: input.Id }),
    };
    const wide = toy({}, { auditAdditional: (_definition, own, _input, _output, succeeded) => ({ wide: succeeded, ...own }) });
    await wide.pipeline.call(withOwn, { Id: 'A' }, scope);
    expect(wide.trail.events()[0]?.additionalEventData).toEqual({ wide: true, tagged: 'A' });
    const broken = toy(
      {},
      {
        auditAdditional: () => {
          throw new Error('wire facts unreadable');
        },
      },
    );
    expect(await broken.pipeline.call(withOwn, { Id: 'A' }, scope)).toEqual({ Name: 'a' });
    await broken.pipeline.call(definitions.getThing, { Id: 'A' }, scope);
    expect(broken.trail.events().map((event) => event.additionalEventData)).toEqual([{ tagged: 'A' }, undefined]);
  });

  it('records a Data definition as a data event: managementEvent false, eventCategory Data', async () => {
    const { pipeline, trail } = toy();
    const readThing: OperationSpec<'ReadThing', { Id: string }, object, ToyContext> = { ...definitions.getThing, name: 'ReadThing', eventCategory: 'Data' };
    await pipeline.call(readThing, { Id: 'A' }, scope);
    await pipeline.call(definitions.getThing, { Id: 'A' }, scope);
    expect(trail.lookup().records.map((record) => [record.eventName, record.eventCategory, record.managementEvent])).toEqual([
      ['GetThing', 'Management', true],
      ['ReadThing', 'Data', false],
    ]);
  });

  it('renders no event for a trail that keeps none, and still serves and reports the call', async () => {
    class Discarding extends AuditTrail {
      override get recording(): boolean {
        return false;
      }
      override record(): void {
        throw new Error('a trail that keeps nothing was handed an event');
      }
    }
    const rendered: unknown[] = [];
    const reported: boolean[] = [];
    const { pipeline } = toy({}, { trail: new Discarding(), recorded: (_definition, _context, succeeded) => reported.push(succeeded) });
    const counted = { ...definitions.getThing, auditParameters: (input: { Id: string }) => (rendered.push(input), null) };
    expect(await pipeline.call(counted, { Id: 'A' }, scope)).toEqual({ Name: 'a' });
    expect([rendered, reported]).toEqual([[], [true]]);
  });

  it('throttles before validating, and audits the throttled call with its error', async () => {
    const { pipeline, trail } = toy();
    await pipeline.call(definitions.putThing, { Name: 'a' }, scope);
    await expect(pipeline.call(definitions.putThing, {}, scope)).rejects.toMatchObject({ code: 'ThrottlingException' });
    expect(trail.events().map((e) => e.errorCode)).toEqual([undefined, 'ThrottlingException']);
  });

  it('leaves a byHandler operation to its handler: the pipeline draws from no bucket for it', async () => {
    const tried: string[] = [];
    const { pipeline } = toy();
    const picked: OperationSpec = { ...definitions.putThing, name: 'PickThing', quota: { byHandler: true } };
    expect(quotaClassOf(picked)).toBeUndefined();
    expect({ ...createRegistry({ picked }).quotaTable }).toEqual({});
    // Far past PutThing's 1/s: a byHandler operation is never throttled by the pipeline.
    for (let i = 0; i < 5; i++) tried.push(((await pipeline.call(picked, { Name: `n${i}` }, scope)) as { Id: string }).Id);
    expect(tried).toEqual(['N0', 'N1', 'N2', 'N3', 'N4']);
  });

  it('turns anything a handler throws into the service error, and audits it', async () => {
    const { pipeline, trail } = toy();
    const broken: OperationSpec = {
      ...definitions.putThing,
      handler: () => {
        throw new Error('secret detail');
      },
    };
    const failure = await pipeline.call(broken, { Name: 'a' }, scope).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ToyError);
    expect(failure).toMatchObject({ code: 'InternalFailure', message: '' });
    expect(trail.events()[0]).toMatchObject({ errorCode: 'InternalFailure', errorMessage: '' });
  });

  it('carries out a call whose stages are all synchronous before call() returns, audit included', async () => {
    const { pipeline, trail } = toy();
    const answer = pipeline.call(definitions.getThing, { Id: 'A' }, scope);
    // Nothing awaited yet: the event is already in the trail, and the promise holds the output.
    expect(trail.events().map((e) => e.eventName)).toEqual(['GetThing']);
    expect(await answer).toEqual({ Name: 'a' });
    const refused = pipeline.call(definitions.getThing, {}, scope);
    expect(trail.events().map((e) => e.errorCode)).toEqual([undefined, 'ValidationException']);
    await expect(refused).rejects.toMatchObject({ code: 'ValidationException' });
  });

  it('runs due work, an asynchronous handler and the wait for durability in order, then audits once', async () => {
    const stages: string[] = [];
    const { pipeline, trail } = toy(
      {},
      {
        prepare: () => Promise.resolve().then(() => void stages.push('prepare')),
        settle: () => Promise.resolve().then(() => void stages.push('settle')),
        finish: () => void stages.push('finish'),
        recorded: (_definition, _context, succeeded) => void stages.push(`recorded ${succeeded}`),
      },
    );
    const slow: OperationSpec = {
      ...definitions.getThing,
      handler: async (input: { Id: string }) => {
        stages.push('handler');
        await Promise.resolve();
        return { Name: input.Id.toLowerCase() };
      },
    };
    const answer = pipeline.call(slow, { Id: 'B' }, scope);
    expect(trail.size).toBe(0);
    expect(await answer).toEqual({ Name: 'b' });
    expect(stages).toEqual(['prepare', 'handler', 'settle', 'finish', 'recorded true']);
    expect(trail.size).toBe(1);
  });

  it("waits for durability after a synchronous handler too, and audits a failure to become durable as the call's", async () => {
    const stages: string[] = [];
    const { pipeline, trail } = toy(
      {},
      {
        settle: () =>
          Promise.resolve().then(() => {
            stages.push('settle');
            throw new ToyError('InternalFailure', 'disk full');
          }),
        recorded: (_definition, _context, succeeded) => void stages.push(`recorded ${succeeded}`),
      },
    );
    const answer = pipeline.call(definitions.getThing, { Id: 'C' }, scope);
    expect(trail.size).toBe(0);
    await expect(answer).rejects.toMatchObject({ code: 'InternalFailure', message: 'disk full' });
    expect(stages).toEqual(['settle', 'recorded false']);
    expect(trail.events()[0]).toMatchObject({ eventName: 'GetThing', errorCode: 'InternalFailure', errorMessage: 'disk full' });
  });

  it('holds a refusal until what it may rest on is durable, and fails with the loss if that is lost instead', async () => {
    let gate: Promise<void> | undefined;
    let asked = 0;
    const { pipeline, trail } = toy({}, { settleFailure: () => (asked++, gate) });
    const refusing: OperationSpec = {
      ...definitions.getThing,
      handler: () => {
        throw new ToyError('NotFoundException', 'no such thing');
      },
    };
    let release!: () => void;
    gate = new Promise<void>((resolve) => (release = resolve));
    const kept = pipeline.call(refusing, { Id: 'D' }, scope);
    await Promise.resolve();
    expect(trail.size).toBe(0);
    release();
    await expect(kept).rejects.toMatchObject({ code: 'NotFoundException' });
    // An asynchronous handler's refusal too; a lost state makes the call fail as the state did.
    gate = Promise.reject(new ToyError('InternalFailure', 'rolled back'));
    const later: OperationSpec = { ...refusing, handler: async () => refusing.handler({}, undefined as never) };
    await expect(pipeline.call(later, { Id: 'E' }, scope)).rejects.toMatchObject({ code: 'InternalFailure', message: 'rolled back' });
    expect(trail.events().map((event) => event.errorCode)).toEqual(['NotFoundException', 'InternalFailure']);
    // Throttling and validation rest on no state: not held.
    gate = undefined;
    asked = 0;
    await expect(pipeline.call(refusing, {}, scope)).rejects.toMatchObject({ code: 'ValidationException' });
    // PutThing allows one call a second: the second is throttled.
    await pipeline.call(definitions.putThing, { Name: 'a' }, scope);
    await expect(pipeline.call(definitions.putThing, { Name: 'b' }, scope)).rejects.toMatchObject({ code: 'ThrottlingException' });
    expect(asked).toBe(0);
  });

  it('serves a call an injected latency delayed at the time after the wait: throttling, due work and audit', async () => {
    let clock: ManualClock | undefined;
    // The injector's sleep moves the toy's clock: the latency passes in the clock the pipeline reads.
    const injector = new FaultInjector({ seed: 1, sleep: async (ms) => clock?.advance(ms) });
    const prepared: number[] = [];
    const {
      pipeline,
      trail,
      clock: toyClock,
    } = toy({}, { faults: injector.hook('toy', (code) => new ToyError(code)), prepare: (now) => void prepared.push(now) });
    clock = toyClock;
    const start = toyClock.now();
    // PutThing allows one call a second: this one spends the token at `start`.
    await pipeline.call(definitions.putThing, { Name: 'a' }, scope);
    injector.add({ service: 'toy', operation: 'PutThing', fault: 'latency', latencyMs: 2000, count: 1 });
    // Two seconds later the bucket has refilled, so the delayed call is served, not throttled.
    expect(await pipeline.call(definitions.putThing, { Name: 'b' }, scope)).toEqual({ Id: 'B' });
    expect(prepared).toEqual([start, start + 2000]);
    expect(trail.events().map((event) => [event.eventTime, event.errorCode])).toEqual([
      [start, undefined],
      [start + 2000, undefined],
    ]);
  });

  it('answers with a rejected promise, never a throw, even when auditing fails', async () => {
    const { pipeline } = toy(
      {},
      {
        finish: () => {
          throw new Error('audit sink broke');
        },
      },
    );
    let answer: Promise<unknown> | undefined;
    expect(() => {
      answer = pipeline.call(definitions.getThing, { Id: 'D' }, scope);
    }).not.toThrow();
    await expect(answer).rejects.toThrow('audit sink broke');
  });

  it('records service events as AwsServiceEvent by AWS Internal', () => {
    const { pipeline, trail } = toy();
    pipeline.recordServiceEvent({ name: 'ExpireThing', time: 0, region: 'us-east-1', account: '111122223333', resources: ['arn:toy:a'], details: { id: 'a' } });
    expect(trail.records()[0]).toMatchObject({
      eventType: 'AwsServiceEvent',
      eventSource: 'toy.amazonaws.com',
      userIdentity: { accountId: '111122223333', invokedBy: 'AWS Internal' },
      serviceEventDetails: { id: 'a' },
    });
  });
});
