/**
 * @module
 * A pool of CSPRNG output: refilled 4 KiB at a time, handed out as copies in buffers of their own,
 * each handed-out region wiped from the pool at once, so no byte is ever given out twice or left
 * behind. Nothing here is random itself; `fill` is the platform CSPRNG.
 */

const POOL_SIZE = 4096;

/** Buffered CSPRNG output. */
export class RandomPool {
  readonly #fill: (buffer: Uint8Array) => void;
  readonly #pool = new Uint8Array(POOL_SIZE);
  #offset = POOL_SIZE;

  /** @param fill - fills a buffer with CSPRNG output (e.g. `randomFillSync`). */
  constructor(fill: (buffer: Uint8Array) => void) {
    this.#fill = fill;
  }

  /** `length` random bytes in a new buffer (requests over 4 KiB bypass the pool). */
  take(length: number): Uint8Array {
    if (length > POOL_SIZE) {
      const out = new Uint8Array(length);
      this.#fill(out);
      return out;
    }
    if (this.#offset + length > POOL_SIZE) {
      this.#fill(this.#pool);
      this.#offset = 0;
    }
    const out = this.#pool.slice(this.#offset, this.#offset + length);
    this.#pool.fill(0, this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }
}
