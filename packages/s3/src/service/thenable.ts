/**
 * @module
 * Telling a thenable from a value, as `await` does, for code that awaits only when it must.
 */

/**
 * Whether `value` is a thenable (a promise of any realm, or a PromiseLike), as `await` treats it.
 * @example isThenable(Promise.resolve(1)) // true; isThenable({ caller }) // false
 */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
