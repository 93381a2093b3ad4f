/**
 * @module
 * An event's event and request ids, written out as UUID text only when first read: a service that
 * asks for the ids of every call it makes (ReplicateKey's related event shares its call's request
 * id) pays for the text only when it uses it.
 */

/** Where the ids come from (`AuditTrail`). */
export interface IdsBySequence {
  eventIdOf(sequence: number): string | undefined;
  requestIdOf(sequence: number): string | undefined;
}

/** An event's ids, written out when first read (`AuditTrail.latestIds`). */
export class EventIdPair {
  readonly #trail: IdsBySequence;
  readonly #sequence: number;
  #eventId: string | undefined;
  #requestId: string | undefined;

  constructor(trail: IdsBySequence, sequence: number) {
    this.#trail = trail;
    this.#sequence = sequence;
  }

  get eventId(): string {
    this.#eventId ??= this.#trail.eventIdOf(this.#sequence) ?? '';
    return this.#eventId;
  }

  get requestId(): string {
    this.#requestId ??= this.#trail.requestIdOf(this.#sequence) ?? '';
    return this.#requestId;
  }
}
