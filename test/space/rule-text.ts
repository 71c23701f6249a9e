// A tiny test-only reader of rule match text in iptables-save form, so tests
// can write `-s 10.0.0.0/8 -p tcp -m tcp --dport 22` instead of model objects.
// It also reads describe() output, which may repeat `-i`/`-o`/`-p`/`-s`/`-d`
// (`-i br0.+ ! -i br0.10`): a repeated option goes to a further rule, and
// the text means the intersection of the returned rules.
import type { Match, Neg, Rule } from '../../src/ruleset/model.js';

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

const loc = { file: 'test', line: 1, column: 1 };

export function rulesFromText(text: string): Rule[] {
  const rules: Rule[] = [{ loc, matches: [] }];
  const t = tokenize(text);
  let negated = false;
  let match: Match | undefined;
  const put = (key: 'src' | 'dst' | 'inIface' | 'outIface' | 'proto', value: string) => {
    const n: Neg = { value, negated };
    let r = rules.find((x) => x[key] === undefined);
    if (!r) rules.push((r = { loc, matches: [] }));
    r[key] = n;
  };
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]!;
    if (tok === '!') {
      negated = true;
      continue;
    }
    switch (tok) {
      case '-s':
        put('src', t[++i]!);
        break;
      case '-d':
        put('dst', t[++i]!);
        break;
      case '-i':
        put('inIface', t[++i]!);
        break;
      case '-o':
        put('outIface', t[++i]!);
        break;
      case '-p':
        put('proto', t[++i]!);
        break;
      case '-f':
        rules[0]!.fragment = { value: true, negated };
        break;
      case '-m':
        match = { module: t[++i]!, options: [] };
        rules[0]!.matches.push(match);
        break;
      case '-j':
        rules[0]!.target = { name: t[++i]!, goto: false, options: [] };
        match = undefined;
        break;
      default: {
        if (!tok.startsWith('--') || !match) throw new Error(`rule-text: unexpected '${tok}' in: ${text}`);
        const args: string[] = [];
        while (i + 1 < t.length && !t[i + 1]!.startsWith('-') && t[i + 1] !== '!') args.push(t[++i]!);
        match.options.push({ name: tok.slice(2), negated, args });
      }
    }
    negated = false;
  }
  return rules;
}

/** The first rule only, for texts without repeated options. */
export function ruleFromText(text: string): Rule {
  const rs = rulesFromText(text);
  if (rs.length !== 1) throw new Error(`rule-text: repeated option in: ${text}`);
  return { ...rs[0]!, text };
}
