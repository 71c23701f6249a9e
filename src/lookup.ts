// Lookup tables keyed by words read from the input (module, target, protocol,
// service, ICMP type and table names). A plain object literal inherits from
// Object.prototype, so `-m constructor` or `*__proto__` in a dump would find a
// built-in function instead of nothing, and crash whatever used it.

/** The entries as a frozen table without a prototype: only its own keys are found. */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
