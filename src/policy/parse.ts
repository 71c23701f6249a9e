// Policy text -> AST + located diagnostics (lexing, syntax, syntax-level ranges).
// The grammar lives in grammar/; this module runs the three stages and turns
// Chevrotain's errors into Diagnostics. It never throws for bad input:
// parsePolicyOrThrow is the variant that does, with a ChainsmithError.
import type { IRecognitionException, IToken } from 'chevrotain';
import { ChainsmithError, type Diagnostic, type Location } from '../diagnostics.js';
import type { PolicyFile } from './ast.js';
import { sharedPolicyParser } from '../../grammar/parser.js';
import { Allow, Deny, policyLexer, Reject, statementStartTokens, UnterminatedString } from '../../grammar/tokens.js';
import { isRealToken, PolicyAstBuilder, type VisitResult } from '../../grammar/visitor.js';

// Building a Chevrotain parser runs a grammar analysis; do it once.
const parser = sharedPolicyParser;

export interface ParseResult {
  ast: PolicyFile;
  diagnostics: Diagnostic[];
}

export function parsePolicy(text: string, file: string): ParseResult {
  const parsed = parseStatementByStatement(text, file) ?? parseWholeFile(text, file);
  return { ast: parsed.ast, diagnostics: sortAndDedupe(parsed.diagnostics) };
}

/** The reference parse on its own, for the test that the fast path agrees with it. */
export function parsePolicyWholeFile(text: string, file: string): ParseResult {
  const parsed = parseWholeFile(text, file);
  return { ast: parsed.ast, diagnostics: sortAndDedupe(parsed.diagnostics) };
}

/**
 * The reference parse: the whole text in one token vector and one `policyFile`
 * CST, with Chevrotain's error recovery, so one run reports every lexing and
 * syntax error it can.
 */
function parseWholeFile(text: string, file: string): VisitResult {
  const lexed = policyLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  const lexErrorSpans: Array<[number, number]> = [];

  for (const e of lexed.errors) {
    const bad = text.slice(e.offset, e.offset + e.length);
    lexErrorSpans.push([e.offset, e.offset + e.length]);
    const loc: Location = { file, line: e.line ?? 1, column: e.column ?? 1 };
    if (!bad.includes('\n')) loc.endColumn = loc.column + bad.length;
    diagnostics.push({ severity: 'error', message: unexpectedCharactersMessage(bad), loc });
  }
  for (const tok of lexed.tokens) {
    if (tok.tokenType === UnterminatedString) {
      diagnostics.push({ severity: 'error', message: `unterminated string: add the closing '"' on this line`, loc: tokenLoc(file, tok) });
    }
  }

  const p = parser();
  p.input = lexed.tokens;
  const cst = p.policyFile();
  diagnostics.push(...syntaxDiagnostics(p.errors, lexed.tokens, lexErrorSpans, file));
  p.input = []; // the shared parser would otherwise keep every token alive
  const built = new PolicyAstBuilder(file, text).build(cst);
  return { ast: built.ast, diagnostics: [...diagnostics, ...built.diagnostics] };
}

/**
 * How much text is lexed at a time by the fast path (it is cut after a newline).
 * A block's tokens stay alive until its last statement is parsed, so a garbage
 * collection in between copies them: at 64 KB (some 16,000 tokens) that was
 * nearly every token of a large policy; at 4 KB it is a few hundred.
 */
const BLOCK_CHARS = 4 * 1024;

/**
 * The fast path for text without lexing or syntax errors. It lexes a block of
 * lines at a time and parses each statement on its own, turning it into AST at
 * once, so neither the tokens nor the CST of the whole file are ever alive: for
 * 100,000 rules those are over a million objects each, and the garbage
 * collector spent more time on them than the lexer and parser did.
 *
 * Blocks end right after a '\n', which no token but skipped whitespace can
 * contain, so a block's tokens are exactly the whole-text lexer's, once their
 * offsets and lines are moved by where the block starts. Statements can be cut
 * apart before parsing because every statement starts with a keyword that
 * never occurs inside one (statementStartTokens); without errors a statement
 * parsed alone gets the same CST as inside the file, as the grammar's decisions
 * look only at tokens inside the statement, where the statement's end (EOF)
 * and the next statement's keyword are equally impossible.
 *
 * Anything else (a lexing error, an unterminated string, a statement that does
 * not parse cleanly with no recovery) returns undefined, and the caller parses
 * the whole text the reference way: errors and recovery are exactly its.
 */
function parseStatementByStatement(text: string, file: string): VisitResult | undefined {
  const p = parser();
  const builder = new PolicyAstBuilder(file, text);
  const statementStarts = new Set(statementStartTokens);
  let statement: IToken[] = [];
  // Reading `p.errors` copies the list (a lodash clone per statement showed in
  // profiles), so the parser is given this one to add its errors to instead.
  const errors: IRecognitionException[] = [];
  const parseStatement = (): boolean => {
    p.input = statement;
    p.errors = errors;
    // Nearly every statement of a large policy is a rule, and only a rule starts
    // with allow, deny or reject: the `statement` rule would choose its `rule`
    // alternative for it. Parsing it as a `rule` directly saves a rule
    // invocation, the choice among eight alternatives and a CST node per rule.
    const first = statement[0]!.tokenType;
    const isRule = first === Allow || first === Deny || first === Reject;
    const cst = isRule ? p.rule() : p.statement();
    // Chevrotain records leftover tokens as an error too, so no error = exactly one whole statement.
    if (errors.length > 0) return false;
    if (isRule) builder.rule(cst.children as Parameters<PolicyAstBuilder['rule']>[0]);
    else builder.visit(cst);
    statement = [];
    return true;
  };

  let blockStart = 0;
  let lineBase = 0; // lines before the block
  try {
    while (blockStart < text.length) {
      const newline = text.indexOf('\n', blockStart + BLOCK_CHARS);
      const blockEnd = newline < 0 ? text.length : newline + 1;
      const lexed = policyLexer.tokenize(text.slice(blockStart, blockEnd));
      if (lexed.errors.length > 0) return undefined;
      for (const tok of lexed.tokens) {
        if (tok.tokenType === UnterminatedString) return undefined;
        tok.startOffset += blockStart;
        tok.endOffset! += blockStart;
        tok.startLine! += lineBase;
        tok.endLine! += lineBase;
        if (statementStarts.has(tok.tokenType) && statement.length > 0 && !parseStatement()) return undefined;
        statement.push(tok);
      }
      for (let i = text.indexOf('\n', blockStart); i >= 0 && i < blockEnd; i = text.indexOf('\n', i + 1)) lineBase++;
      blockStart = blockEnd;
    }
    if (statement.length > 0 && !parseStatement()) return undefined;
    return builder.result();
  } finally {
    p.input = []; // the shared parser would otherwise keep tokens alive
  }
}

/** As parsePolicy, but any error is thrown as a ChainsmithError carrying every diagnostic. */
export function parsePolicyOrThrow(text: string, file: string): PolicyFile {
  const { ast, diagnostics } = parsePolicy(text, file);
  if (diagnostics.some((d) => d.severity === 'error')) throw new ChainsmithError(diagnostics);
  return ast;
}

function unexpectedCharactersMessage(bad: string): string {
  if (bad === ';') return "unexpected ';': statements end by themselves, no ';' is needed";
  const cut = bad.length > 24 ? `${bad.slice(0, 21)}...` : bad;
  // Control characters would garble the terminal; show them as escapes.
  const shown = cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return bad.length === 1 ? `unexpected character '${shown}'` : `unexpected characters '${shown}'`;
}

function tokenLoc(file: string, tok: IToken): Location {
  return { file, line: tok.startLine!, column: tok.startColumn!, endColumn: tok.endColumn! + 1 };
}

/**
 * Chevrotain's recognition errors as diagnostics, minus the echoes of one
 * mistake: after a broken statement, the tokens recovery leaves behind are
 * reported again as "expected a statement"; and a token right beside an
 * unlexable character is usually the same typo (`=>` is '=' plus a bad '>').
 */
function syntaxDiagnostics(errors: IRecognitionException[], tokens: IToken[], lexErrorSpans: Array<[number, number]>, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const statementStarts = new Set(statementStartTokens);
  let lastErrorOffset: number | undefined;
  for (const e of errors) {
    const tok = e.token;
    const real = isRealToken(tok);
    const atTopLevel = e.context.ruleStack.length <= 1;
    if (real && atTopLevel && lastErrorOffset !== undefined) {
      const startsNewStatement = tokens.some((t) => statementStarts.has(t.tokenType) && t.startOffset > lastErrorOffset! && t.startOffset <= tok.startOffset);
      if (!startsNewStatement) continue;
    }
    if (real && besideLexError(tok, tokens, lexErrorSpans)) continue;
    const loc = real ? errorLoc(file, tok, tokens, atTopLevel) : endOfInput(file, tokens);
    out.push({ severity: 'error', message: e.message, loc });
    lastErrorOffset = real ? tok.startOffset : Number.POSITIVE_INFINITY;
  }
  return out;
}

/** True when no other token lies between `tok` and an unlexable character. */
function besideLexError(tok: IToken, tokens: IToken[], spans: Array<[number, number]>): boolean {
  const i = tokens.indexOf(tok);
  const prevEnd = i > 0 ? tokens[i - 1]!.endOffset! + 1 : 0;
  const nextStart = i + 1 < tokens.length ? tokens[i + 1]!.startOffset : Number.POSITIVE_INFINITY;
  return spans.some(([start, end]) => (start >= tok.endOffset! + 1 && start < nextStart) || (end <= tok.startOffset && end > prevEnd));
}

/**
 * A missing piece is reported where it is missing: when the unexpected token
 * is on a later line than the token before it (`comment` at the end of a line,
 * the next rule below), point just after that earlier token, as compilers do
 * for a missing ';'. A stray token between statements is reported where it is.
 */
function errorLoc(file: string, tok: IToken, tokens: IToken[], atTopLevel: boolean): Location {
  const i = tokens.indexOf(tok);
  const prev = i > 0 ? tokens[i - 1] : undefined;
  if (atTopLevel || !prev || !isRealToken(prev) || prev.endLine === tok.startLine) return tokenLoc(file, tok);
  return { file, line: prev.endLine!, column: prev.endColumn! + 1 };
}

/** Where "found the end of the file" points: just after the last token (1:1 for an empty file). */
function endOfInput(file: string, tokens: IToken[]): Location {
  const last = [...tokens].reverse().find(isRealToken);
  if (!last) return { file, line: 1, column: 1 };
  return { file, line: last.endLine!, column: last.endColumn! + 1 };
}

function sortAndDedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = `${d.loc.line}:${d.loc.column}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
}
