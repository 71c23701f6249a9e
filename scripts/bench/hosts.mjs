// Deterministic host-to-host rule tuples shared by every generator, so the
// compile, lint and diff inputs describe the same kind of traffic.
//
// Rule i gets a source host, a destination host and a port such that no two
// rules of one generated file are equal, up to well past 100,000 rules:
// - sources walk 50,000 hosts in order;
// - destinations walk the same 50,000 hosts in a scrambled order
//   (7919 is prime, hence coprime with 50,000, so i*7919 mod 50,000 is a
//   permutation);
// - rules i and i+50,000 share both hosts but differ in port, because the
//   port cycles over 64,000 values, which 50,000 does not divide.

const HOSTS = 50_000;
const SCRAMBLE = 7919;
const PORTS = 64_000;
const FIRST_PORT = 1024;

/** The i-th host (0 <= i < 50,000) of a /16 whose first two octets are `prefix`: avoids .0 and .255. */
export function hostAddress(prefix, i) {
  const h = i % HOSTS;
  return `${prefix}.${1 + Math.floor(h / 250)}.${1 + (h % 250)}`;
}

/** The source index, destination index and port of rule i. */
export function ruleTuple(i) {
  return {
    src: i % HOSTS,
    dst: (i * SCRAMBLE) % HOSTS,
    port: FIRST_PORT + (i % PORTS),
  };
}
