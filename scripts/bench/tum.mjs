// The TUM university firewall from the corpus, made loadable: the published
// dump masks every MAC as XX:XX:XX:XX:XX:XX, which iptables (and a faithful
// parser) rejects. A temporary copy gets a distinct, valid MAC per mask; the
// corpus itself is never edited.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const MASK = /XX:XX:XX:XX:XX:XX/g;

/** The k-th MAC: locally administered unicast (02:...), the counter in the low three bytes. */
export function counterMac(k) {
  const hex = (b) => b.toString(16).padStart(2, '0');
  return ['02', '00', '00', hex((k >> 16) & 0xff), hex((k >> 8) & 0xff), hex(k & 0xff)].join(':');
}

/** Writes the unmasked copy of `corpusFile` into dir; returns its path and how many MACs were replaced. */
export function writeUnmaskedTum(corpusFile, dir) {
  mkdirSync(dir, { recursive: true });
  let k = 0;
  const text = readFileSync(corpusFile, 'utf8').replace(MASK, () => counterMac(++k));
  const path = join(dir, 'is-tum-net-2015-09.unmasked.rules');
  writeFileSync(path, text);
  return { path, replaced: k };
}
