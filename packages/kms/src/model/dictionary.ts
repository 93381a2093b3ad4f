/**
 * @module
 * Records whose keys come from outside (encryption contexts, grant constraints, tags, request
 * members decoded from JSON, persisted state): objects without a prototype. On a plain `{}`,
 * `out['__proto__'] = v` calls `Object.prototype`'s setter instead of storing a key (a string value
 * is silently dropped, an object value replaces the prototype), and reading `out['toString']` finds
 * an inherited function. KMS treats every encryption-context key as an ordinary string, and the
 * official SDKs send `__proto__` on the wire unchanged, so these records must too.
 */

/**
 * An empty record with no prototype: every key, `__proto__`, `constructor` and `toString`
 * included, is an ordinary own key, and absent keys read `undefined`.
 * @example const context = emptyRecord<string>(); context['__proto__'] = 'tenant-A'; Object.keys(context) // ['__proto__']
 */
export function emptyRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/**
 * A record with no prototype from entries (later entries win, as with `Object.fromEntries`).
 * @example recordOf([['__proto__', 'x']])['__proto__'] // 'x'
 */
export function recordOf<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  const out = emptyRecord<V>();
  for (const [key, value] of entries) out[key] = value;
  return out;
}
