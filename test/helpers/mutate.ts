// Mutations of real policies for fuzzing: tokens deleted, duplicated, swapped
// (and line breaks inserted), so the inputs stay close to what people type.
import fc from 'fast-check';

export type Mutation = 'delete' | 'dup' | 'swap' | 'crlf';

export function mutatedTexts(texts: readonly string[], ops: readonly Mutation[], maxEdits: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...texts), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...ops)), { minLength: 1, maxLength: maxEdits }))
    .map(([text, edits]) => {
      const toks = text.match(/"[^"\n]*"|\s+|[^\s"]+/g) ?? [];
      for (const [i, j, op] of edits) {
        if (toks.length === 0) break;
        const a = i % toks.length;
        const b = j % toks.length;
        if (op === 'delete') toks.splice(a, 1);
        else if (op === 'dup') toks.splice(a, 0, toks[b]!);
        else if (op === 'swap') [toks[a], toks[b]] = [toks[b]!, toks[a]!];
        else toks.splice(a, 0, '\r\n');
      }
      return toks.join('');
    });
}
