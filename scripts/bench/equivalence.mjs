// Checks that the two sides of the compile comparison really produce the
// same ruleset, so the timing compares like with like. ferm prints long
// option names in its own order; chainsmith prints iptables-save's spelling
// plus source comments. Both are reduced to: per chain, the ordered list of
// rules, each rule an order-free set of (option, value) pairs.

const LONG_TO_SHORT = {
  '--in-interface': '-i',
  '--out-interface': '-o',
  '--source': '-s',
  '--destination': '-d',
  '--protocol': '-p',
  '--match': '-m',
  '--jump': '-j',
};

/** Splits a rule line into words, keeping "quoted strings" whole. */
function words(line) {
  return line.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
}

function normaliseRule(rest) {
  const pairs = [];
  let current = null;
  for (const w of words(rest)) {
    if (w.startsWith('-')) {
      current = [LONG_TO_SHORT[w] ?? w, []];
      pairs.push(current);
    } else if (current) {
      current[1].push(w);
    }
  }
  const kept = [];
  for (const [opt, values] of pairs) {
    let v = values.join(' ');
    // The implicit protocol match (-m tcp) and the comment match are spelling, not meaning.
    if (opt === '-m' && (v === 'tcp' || v === 'udp' || v === 'comment')) continue;
    if (opt === '--comment') continue;
    if ((opt === '-s' || opt === '-d') && !v.includes('/')) v += '/32';
    if (opt === '--ctstate') v = v.split(',').sort().join(',');
    kept.push(`${opt} ${v}`);
  }
  return kept.sort().join(' ');
}

/** Chain name -> normalised rules, in order, from iptables-restore text. */
export function normalisedChains(text) {
  const chains = new Map();
  for (const line of text.split('\n')) {
    const m = line.match(/^-A (\S+) (.*)$/);
    if (!m) continue;
    if (!chains.has(m[1])) chains.set(m[1], []);
    chains.get(m[1]).push(normaliseRule(m[2]));
  }
  return chains;
}

/** `{ same: true, rules }` or `{ same: false, detail }` naming the first difference. */
export function compareRulesets(fermOut, chainsmithOut) {
  const a = normalisedChains(fermOut);
  const b = normalisedChains(chainsmithOut);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  let rules = 0;
  for (const name of names) {
    const ra = a.get(name) ?? [];
    const rb = b.get(name) ?? [];
    const n = Math.max(ra.length, rb.length);
    for (let i = 0; i < n; i++) {
      if (ra[i] !== rb[i]) {
        return { same: false, detail: `chain ${name}, rule ${i + 1}: ferm "${ra[i] ?? '(none)'}" vs chainsmith "${rb[i] ?? '(none)'}"` };
      }
    }
    rules += n;
  }
  return { same: true, rules };
}
