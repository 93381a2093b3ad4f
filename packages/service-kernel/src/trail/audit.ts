/**
 * @module
 * The audit trail: every call, allowed or refused (throttled and invalid calls too), becomes one
 * event, rendered on demand as a CloudTrail record of the service that served it (`eventSource`:
 * `kms.amazonaws.com`, `s3.amazonaws.com`; see `cloudtrail.ts`). One trail can hold several
 * services' events, as one CloudTrail trail does. AWS: "CloudTrail record contents",
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 *
 * Events are kept in a bounded ring (default 100,000, oldest dropped first), stored column by
 * column (typed arrays for times and flags; plain arrays of references for the rest): a retained
 * event is no object of its own, which keeps a full ring cheap for the garbage collector at
 * 150,000 calls per second. Event objects and CloudTrail JSON are built only when read, and so
 * are the trail's event and request ids (derived from the event's sequence number,
 * `sequence-ids.ts`). A service that records the same rendered field for many calls hands the
 * trail one frozen object (`immutableAuditField`), so a call adds no object for the ring to keep.
 * The event's shape (`audit-event.ts`), the shared call sites (`call-site.ts`), field measuring
 * (`field-size.ts`) and lazily written ids (`event-id-pair.ts`) live in their own modules.
 *
 * Memory is bounded per event and in total, as CloudTrail bounds its records: `requestParameters`,
 * `responseElements` and `additionalEventData` larger than 100 KB are recorded as
 * `{"omitted": true}` (CloudTrail record contents: "CloudTrail truncates a field if the field
 * contents exceed the maximum field size. If a field is truncated, omitted is present with a value
 * of true"; 100 KB is the documented maximum of `requestParameters` and `responseElements`; the
 * exact shape of a truncated field is not shown in AWS's documentation), an error message past
 * 100 KB is cut, and the oldest events are dropped once the retained events' fields exceed
 * `maxBytes`. Events older than CloudTrail's 90 days of event history (before the
 * newest event's time) are dropped too.
 */

import { startupSnapshot } from 'node:v8';
import type { Random } from '../clock.ts';
import type { AuditEvent, AuditEventInput, TlsDetails } from './audit-event.ts';
import { type CallSite, callSiteOf, UNKNOWN_SITE } from './call-site.ts';
import { type CloudTrailRecord, type LookupQuery, type LookupResult, lookupRecords, renderRecord } from './cloudtrail.ts';
import { EventIdPair } from './event-id-pair.ts';
import { fieldSize, jsonSize, MAX_FIELD_BYTES, OMITTED, OMITTED_SIZE } from './field-size.ts';
import { SequenceIds } from './sequence-ids.ts';

export type { AuditEvent, AuditEventInput, TlsDetails } from './audit-event.ts';

const READ_ONLY = 1;
const SERVICE_EVENT = 2;
const DATA_EVENT = 4;
/** What a `resources` list over `MAX_FIELD_BYTES` is recorded as, and its counted size. */
const NO_RESOURCES: readonly string[] = Object.freeze([]);
const NO_RESOURCES_SIZE = 2;

/** Audit trail options. */
export interface AuditOptions {
  /** Events kept in memory (oldest dropped first). Default 100,000. */
  readonly capacity?: number;
  /**
   * Size of the retained events' variable fields (parameters, responses, resources, messages, as
   * JSON text length), past which the oldest are dropped. Default 64 MiB.
   */
  readonly maxBytes?: number;
}

/** Default number of events kept. */
const DEFAULT_CAPACITY = 100_000;
/** Default budget of retained field bytes. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** Slots the columns start with (they double as the trail fills, up to its capacity). */
const INITIAL_SLOTS = 1024;
/** CloudTrail's event history: 90 days. */
export const EVENT_HISTORY_MS: number = 90 * 24 * 60 * 60 * 1000;
/** Fixed cost counted per event on top of its fields (ids, names, caller and column slots). */
const EVENT_OVERHEAD_BYTES = 256;

/**
 * Records events and answers queries over them.
 *
 * @example
 * ```ts
 * const trail = new AuditTrail({ capacity: 1000 });
 * trail.record({ eventTime: Date.now(), eventName: 'CreateKey', eventSource: 'kms.amazonaws.com', resourceType: 'AWS::KMS::Key', region: 'us-east-1',
 *   caller, sourceIpAddress: '127.0.0.1', userAgent: 'sdk', requestParameters: null, responseElements: null, resources: [], readOnly: false, recipientAccountId: caller.account });
 * trail.lookup({ eventName: 'CreateKey' }).records[0]?.eventSource; // 'kms.amazonaws.com'
 * ```
 */
export class AuditTrail {
  readonly #capacity: number;
  readonly #maxBytes: number;
  /** Counted size of each slot's event, and of every retained event. */
  #sizes: Float64Array;
  #bytes = 0;
  #sink: ((event: AuditEvent) => void) | undefined;
  readonly #ids: SequenceIds;
  /** Slots in use (grows to `capacity`, then stays). */
  #size = 0;
  /** Slot of the oldest event once the ring is full. */
  #start = 0;
  /** Events recorded since creation (the newest event's sequence number is `#recorded - 1`). */
  #recorded = 0;
  // One column per field: a slot holds no object of its own, so a full ring of 100,000 events
  // costs the garbage collector almost nothing to keep. Ids are derived from the sequence number
  // on read (`SequenceIds`); only restored events keep theirs, and calls that gave a request id.
  #times: Float64Array;
  /** The event id of a restored event; undefined for the trail's own (derived) ids. */
  readonly #eventIds: (string | undefined)[];
  readonly #requestIds: (string | undefined)[];
  /** The newest restored event's sequence number (-1: none): older ones' ids are not derived. */
  #lastRestored = -1;
  readonly #names: string[];
  /**
   * The fields most calls repeat (who called, from where, on which resources), one shared object
   * per run of calls that repeat them: one reference per slot instead of eight.
   */
  readonly #sites: (CallSite | undefined)[];
  /** The call site recorded last, reused while the next event's fields are the same objects. */
  #lastSite: CallSite | undefined;
  /** The one recorded before it, reused likewise (calls of two services alternating). */
  #previousSite: CallSite | undefined;
  readonly #parameters: (Record<string, unknown> | null)[];
  readonly #responses: (Record<string, unknown> | null)[];
  readonly #additional: (Record<string, unknown> | undefined)[];
  #flags: Uint8Array;
  readonly #errorCodes: (string | undefined)[];
  readonly #errorMessages: (string | undefined)[];
  readonly #serviceDetails: (Record<string, unknown> | undefined)[];
  /**
   * The event names each service records as data events (`markDataEvents`), by event source: what
   * a restored event that carries no mark is read as.
   */
  readonly #dataEventNames: Map<string, ReadonlySet<string>> = new Map();
  /** `tlsDetails` of a call over TLS (one shared object per connection, `tls-details.ts`). */
  readonly #tlsDetails: (TlsDetails | undefined)[];
  /** The `tlsDetails` recorded last and its JSON size: a connection's calls share one object, sized once. */
  #lastTls: TlsDetails | undefined;
  #lastTlsSize = 0;

  /**
   * @param random - randomness for the key event and request ids derive from (default: `crypto.getRandomValues`).
   * @throws RangeError if `capacity` is not a positive integer.
   */
  constructor(options: AuditOptions = {}, random: Random = { bytes: (length) => crypto.getRandomValues(new Uint8Array(length)) }) {
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`"audit.capacity" expected a positive integer, got ${String(options.capacity)}`);
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!(typeof maxBytes === 'number' && maxBytes >= 1)) throw new RangeError(`"audit.maxBytes" expected a positive number, got ${String(options.maxBytes)}`);
    this.#capacity = capacity;
    this.#maxBytes = maxBytes;
    // The columns grow with the trail (`#place`) up to `capacity`: a slot takes 49 bytes of typed
    // columns (two Float64 columns, 32 id bytes, one flag byte) plus one reference in each of the 11
    // array columns (8 bytes each on 64-bit V8), so a full ring of the default 100,000 slots would
    // start at 100,000 × 137 bytes, about 14 MB, which an endpoint that has served few requests
    // need not hold.
    const slots = Math.min(capacity, INITIAL_SLOTS);
    this.#sizes = new Float64Array(slots);
    this.#ids = new SequenceIds(random);
    // A process started from a startup snapshot must not repeat the ids of its siblings.
    if (startupSnapshot.isBuildingSnapshot()) startupSnapshot.addDeserializeCallback(() => this.#ids.rekey(this.#recorded));
    this.#times = new Float64Array(slots);
    this.#flags = new Uint8Array(slots);
    const column = <T>(): T[] => [];
    this.#eventIds = column();
    this.#requestIds = column();
    this.#names = column();
    this.#sites = column();
    this.#parameters = column();
    this.#responses = column();
    this.#additional = column();
    this.#errorCodes = column();
    this.#errorMessages = column();
    this.#serviceDetails = column();
    this.#tlsDetails = column();
  }

  /** Events kept at most. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Events currently kept. */
  get size(): number {
    return this.#size;
  }

  /**
   * Whether `record` keeps events: true here; a subclass that discards them (S3's data events
   * while they are off) answers false, and the pipeline then renders no event for it.
   */
  get recording(): boolean {
    return true;
  }

  /** Events recorded since creation, including those dropped since. */
  get recorded(): number {
    return this.#recorded;
  }

  /** Counted size of the retained events (their fields' JSON length plus a fixed cost each). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Hands every event recorded from now on, with its ids, to `sink` (the data directory's audit
   * log); `undefined` stops. @example trail.onRecord((event) => log.append(event))
   */
  onRecord(sink: ((event: AuditEvent) => void) | undefined): void {
    this.#sink = sink;
  }

  /**
   * Appends one event in O(1), dropping the oldest when full. The trail assigns the event id, and
   * the request id too when none is given; it keeps the fields, not the object.
   */
  record(event: AuditEventInput): void {
    this.#ids.prepare();
    const slot = this.#place(event.eventTime);
    this.#eventIds[slot] = undefined;
    this.#requestIds[slot] = event.requestId;
    this.#store(slot, event);
    if (this.#sink !== undefined) this.#sink(this.#eventAt(slot, this.#recorded - 1));
  }

  /**
   * Puts back an event recorded earlier, ids included (the data directory's audit log at start):
   * events must come oldest first, and are bounded like new ones.
   * @throws RangeError for an event id that is not a UUID.
   */
  restore(event: AuditEvent): void {
    const id = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/.exec(event.eventId);
    if (id === null) throw new RangeError(`audit event id ${JSON.stringify(event.eventId)} is not a UUID`);
    const slot = this.#place(event.eventTime);
    this.#eventIds[slot] = event.eventId;
    this.#lastRestored = this.#recorded;
    this.#requestIds[slot] = event.requestId === '' && event.eventType === 'AwsServiceEvent' ? undefined : event.requestId;
    this.#store(slot, event);
    this.#classifyRestored(slot);
  }

  /**
   * Names the event names `eventSource` records as data events (S3: its object-level calls), so
   * that restored events of that service without a data-event mark (kept by a version from before
   * `eventCategory`) read as the data events they were: those already restored and those restored
   * from now on. Events recorded through `record` keep the category they were recorded with.
   * @example trail.markDataEvents('s3.amazonaws.com', ['GetObject', 'PutObject'])
   */
  markDataEvents(eventSource: string, eventNames: Iterable<string>): void {
    this.#dataEventNames.set(eventSource, new Set(eventNames));
    for (let index = 0; index < this.#size; index++) this.#classifyRestored((this.#start + index) % this.#capacity);
  }

  /** Marks the restored event in `slot` as a data event if its service names its event name as one. */
  #classifyRestored(slot: number): void {
    // Only restored events keep their own event id; recorded ones derive it.
    if (this.#eventIds[slot] === undefined) return;
    const flags = this.#flags[slot] ?? 0;
    if ((flags & (DATA_EVENT | SERVICE_EVENT)) !== 0) return;
    const source = this.#sites[slot]?.eventSource;
    const names = source === undefined ? undefined : this.#dataEventNames.get(source);
    if (names?.has(this.#names[slot] ?? '')) this.#flags[slot] = flags | DATA_EVENT;
  }

  /** A slot for an event at `time`: drops what falls out of the ring and the 90 days first. */
  #place(time: number): number {
    if (this.#size === this.#capacity) this.#dropOldest();
    while (this.#size > 0 && (this.#times[this.#start] ?? Infinity) < time - EVENT_HISTORY_MS) this.#dropOldest();
    const slot = (this.#start + this.#size) % this.#capacity;
    this.#size += 1;
    if (slot >= this.#times.length) this.#grow(slot + 1);
    return slot;
  }

  /** Lengthens the typed columns to hold at least `slots` (doubling, at most `capacity`); the other columns grow on assignment. */
  #grow(slots: number): void {
    const length = Math.min(this.#capacity, Math.max(slots, this.#times.length * 2));
    const longer = <T extends Float64Array | Uint8Array>(old: T, make: (length: number) => T, width = 1): T => {
      const next = make(length * width);
      next.set(old);
      return next;
    };
    this.#sizes = longer(this.#sizes, (n) => new Float64Array(n));
    this.#times = longer(this.#times, (n) => new Float64Array(n));
    this.#flags = longer(this.#flags, (n) => new Uint8Array(n));
  }

  /** Stores an event's fields in `slot`, bounding them, then keeps the total within budget. */
  #store(slot: number, event: AuditEventInput): void {
    // Each field is measured once: the size decides the omission and is what the event's share of
    // the total counts. `additionalEventData` is bounded the same way (S3 records one per call: how
    // it was signed and sent); absent, it counts as `null` did before.
    const parametersSize = storeBounded(this.#parameters, slot, event.requestParameters);
    const responsesSize = storeBounded(this.#responses, slot, event.responseElements);
    const additionalSize = storeBounded(this.#additional, slot, event.additionalEventData);
    const message =
      event.errorMessage !== undefined && event.errorMessage.length > MAX_FIELD_BYTES ? event.errorMessage.slice(0, MAX_FIELD_BYTES) : event.errorMessage;
    this.#times[slot] = event.eventTime;
    this.#names[slot] = event.eventName;
    const resourcesSize = this.#storeSite(slot, event);
    this.#flags[slot] =
      (event.readOnly ? READ_ONLY : 0) | (event.eventType === 'AwsServiceEvent' ? SERVICE_EVENT : 0) | (event.eventCategory === 'Data' ? DATA_EVENT : 0);
    this.#errorCodes[slot] = event.errorCode;
    this.#errorMessages[slot] = message;
    this.#serviceDetails[slot] = event.serviceEventDetails;
    const tls = event.tlsDetails;
    this.#tlsDetails[slot] = tls;
    this.#recorded += 1;
    // `tlsDetails` holds a version, a cipher's name and the client's Host header: counted for every
    // event, not cut. The header is the client's to choose; over HTTP only Node's `maxHeaderSize`
    // (16 KB by default) bounds it, and the byte budget bounds what the ring keeps of it.
    const tlsSize = tls === undefined ? 0 : this.#tlsSize(tls);
    const size = EVENT_OVERHEAD_BYTES + parametersSize + responsesSize + resourcesSize + additionalSize + tlsSize + (message?.length ?? 0);
    this.#sizes[slot] = size;
    this.#bytes += size;
    while (this.#bytes > this.#maxBytes && this.#size > 1) this.#dropOldest();
  }

  /**
   * Stores the event's call site in `slot`, reusing the last two sites' objects while the fields
   * are the same, and returns the counted size of the resources it brings (0 for a reused site).
   */
  #storeSite(slot: number, event: AuditEventInput): number {
    let site = callSiteOf(event, this.#lastSite, this.#previousSite);
    // A site's resources are counted with the event that brings them (the events that repeat
    // them share the one list), and bounded like the other fields: a list past the limit, which
    // only a request refused for its size could name, is recorded empty (Strongbox's bound:
    // CloudTrail documents none for `resources`, whose ARNs its services keep short).
    let resourcesSize = 0;
    if (site !== this.#lastSite && site !== this.#previousSite) {
      resourcesSize = jsonSize(site.resources, MAX_FIELD_BYTES) + jsonSize(site.resourceAccountIds, MAX_FIELD_BYTES);
      if (resourcesSize > MAX_FIELD_BYTES) [site, resourcesSize] = [{ ...site, resources: NO_RESOURCES, resourceAccountIds: undefined }, NO_RESOURCES_SIZE];
    }
    if (site !== this.#lastSite) {
      this.#previousSite = this.#lastSite;
      this.#lastSite = site;
    }
    this.#sites[slot] = site;
    return resourcesSize;
  }

  /** The JSON size of `tls`, computed once for a run of events that share it (one connection's calls). */
  #tlsSize(tls: TlsDetails): number {
    if (tls !== this.#lastTls) {
      this.#lastTls = tls;
      this.#lastTlsSize = jsonSize(tls, MAX_FIELD_BYTES);
    }
    return this.#lastTlsSize;
  }

  /** Forgets the oldest event, releasing what its slot refers to. */
  #dropOldest(): void {
    const slot = this.#start;
    this.#bytes -= this.#sizes[slot] ?? 0;
    this.#sizes[slot] = 0;
    this.#eventIds[slot] = undefined;
    this.#requestIds[slot] = undefined;
    this.#parameters[slot] = null;
    this.#responses[slot] = null;
    this.#additional[slot] = undefined;
    this.#errorMessages[slot] = undefined;
    this.#serviceDetails[slot] = undefined;
    this.#tlsDetails[slot] = undefined;
    this.#start = this.#start + 1 === this.#capacity ? 0 : this.#start + 1;
    this.#size -= 1;
  }

  /** Every retained event, oldest first. */
  events(): AuditEvent[] {
    const out: AuditEvent[] = [];
    const oldest = this.#recorded - this.#size;
    for (let i = 0; i < this.#size; i++) out.push(this.#eventAt((this.#start + i) % this.#capacity, oldest + i));
    return out;
  }

  /** Every retained event as a CloudTrail record, oldest first. */
  records(): CloudTrailRecord[] {
    return this.events().map(renderRecord);
  }

  /**
   * CloudTrail records matching every given filter, newest first, a page at a time.
   * @throws ServiceError InvalidTimeRangeException, InvalidMaxResultsException or InvalidNextTokenException.
   */
  lookup(query: LookupQuery = {}): LookupResult {
    return lookupRecords(this, query);
  }

  /**
   * The retained events with their sequence numbers, newest first, starting at sequence `from`
   * (inclusive) or at the newest event.
   */
  *newestFirst(from: number = Infinity): Generator<readonly [sequence: number, event: AuditEvent]> {
    const oldest = this.#recorded - this.#size;
    for (let sequence = Math.min(from, this.#recorded - 1); sequence >= oldest; sequence--) {
      yield [sequence, this.#eventAt((this.#start + sequence - oldest) % this.#capacity, sequence)];
    }
  }

  /** Forgets every event (the sequence numbers keep counting, so old page tokens stay invalid). */
  clear(): void {
    this.#size = 0;
    this.#start = 0;
    this.#bytes = 0;
    this.#sizes.fill(0);
    for (const column of [
      this.#eventIds,
      this.#requestIds,
      this.#sites,
      this.#parameters,
      this.#responses,
      this.#additional,
      this.#serviceDetails,
      this.#tlsDetails,
    ] as unknown[][]) {
      column.fill(undefined);
    }
  }

  /**
   * The ids of the event recorded last, written out as UUID text when first read (ReplicateKey's
   * related event shares its call's request id).
   */
  latestIds(): { readonly eventId: string; readonly requestId: string } | undefined {
    return this.#size === 0 ? undefined : new EventIdPair(this, this.#recorded - 1);
  }

  /**
   * The sequence number of the event recorded last (`undefined`: the trail holds none): what a
   * service keeps of an event it tracks on every call (KMS's GetKeyLastUsage), a number, whose
   * ids `eventIdOf` and `requestIdOf` write out when read.
   */
  latestSequence(): number | undefined {
    return this.#size === 0 ? undefined : this.#recorded - 1;
  }

  /**
   * The event id of event `sequence`: also once the event has left the ring, as the trail's own
   * ids are derived from the sequence number. `undefined` for a sequence never recorded, or for a
   * restored event (its id came from the data directory) that has left the ring.
   */
  eventIdOf(sequence: number): string | undefined {
    const slot = this.#retainedSlot(sequence);
    if (slot !== undefined) return this.#eventIds[slot] ?? this.#ids.eventId(sequence);
    return this.#derivable(sequence) ? this.#ids.eventId(sequence) : undefined;
  }

  /**
   * The request id of event `sequence`: the one its call gave while the event is retained,
   * otherwise the one the trail derived for it (its request id when the call gave none, see
   * `latestRequestId`); `undefined` as for `eventIdOf`.
   */
  requestIdOf(sequence: number): string | undefined {
    const slot = this.#retainedSlot(sequence);
    if (slot !== undefined) {
      return this.#requestIds[slot] ?? ((this.#flags[slot] ?? 0) & SERVICE_EVENT ? '' : this.#ids.requestId(sequence));
    }
    return this.#derivable(sequence) ? this.#ids.requestId(sequence) : undefined;
  }

  /** The request id given with the event recorded last, if it was given one. */
  latestRequestId(): string | undefined {
    return this.#size === 0 ? undefined : this.#requestIds[(this.#start + this.#size - 1) % this.#capacity];
  }

  /** The slot of event `sequence` if the ring still holds it. */
  #retainedSlot(sequence: number): number | undefined {
    const oldest = this.#recorded - this.#size;
    if (!Number.isSafeInteger(sequence) || sequence < oldest || sequence >= this.#recorded) return undefined;
    return (this.#start + sequence - oldest) % this.#capacity;
  }

  /** Whether event `sequence` was recorded (not restored), so its ids are derived. */
  #derivable(sequence: number): boolean {
    return Number.isSafeInteger(sequence) && sequence > this.#lastRestored && sequence >= 0 && sequence < this.#recorded;
  }

  /** The event in `slot`, as an object (built on read). */
  // Slots below `#size` were all written by `record`; the fallbacks only satisfy the types.
  #eventAt(slot: number, sequence: number): AuditEvent {
    const flags = this.#flags[slot] ?? 0;
    const additional = this.#additional[slot];
    const errorCode = this.#errorCodes[slot];
    const details = this.#serviceDetails[slot];
    const site = this.#sites[slot] ?? UNKNOWN_SITE;
    const tls = this.#tlsDetails[slot];
    return {
      eventId: this.#eventIds[slot] ?? this.#ids.eventId(sequence),
      eventTime: this.#times[slot] ?? 0,
      eventName: this.#names[slot] ?? '',
      eventSource: site.eventSource,
      resourceType: site.resourceType,
      ...((flags & DATA_EVENT) !== 0 ? { eventCategory: 'Data' as const } : {}),
      ...((flags & SERVICE_EVENT) !== 0 ? { eventType: 'AwsServiceEvent' as const } : {}),
      ...(details === undefined ? {} : { serviceEventDetails: details }),
      region: site.region,
      caller: site.caller,
      sourceIpAddress: site.sourceIpAddress,
      userAgent: site.userAgent,
      requestId: this.#requestIds[slot] ?? ((flags & SERVICE_EVENT) !== 0 ? '' : this.#ids.requestId(sequence)),
      requestParameters: this.#parameters[slot] ?? null,
      responseElements: this.#responses[slot] ?? null,
      ...(additional === undefined ? {} : { additionalEventData: additional }),
      ...(site.resources === undefined ? {} : { resources: site.resources }),
      ...(site.resourceAccountIds === undefined ? {} : { resourceAccountIds: site.resourceAccountIds }),
      readOnly: (flags & READ_ONLY) !== 0,
      recipientAccountId: site.recipientAccountId,
      ...(errorCode === undefined ? {} : { errorCode, errorMessage: this.#errorMessages[slot] ?? '' }),
      ...(tls === undefined ? {} : { tlsDetails: tls }),
    };
  }
}

/**
 * Stores `field` in `column` at `slot`, or `{"omitted": true}` when it is larger than a field may
 * be (see the module documentation), and returns the counted size of what was stored.
 */
function storeBounded(column: (Record<string, unknown> | null | undefined)[], slot: number, field: Record<string, unknown> | null | undefined): number {
  const size = fieldSize(field);
  if (size > MAX_FIELD_BYTES) {
    column[slot] = OMITTED;
    return OMITTED_SIZE;
  }
  column[slot] = field;
  return size;
}
