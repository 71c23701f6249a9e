// Tokens of the policy language (DESIGN.md §2).
//
// Chevrotain's lexer takes the FIRST pattern that matches (not the longest), so
// the order of `allTokens` is the disambiguation policy:
//   - strings and comments first, so `#` inside "..." is text, not a comment;
//   - IPv6 before identifiers and integers, because `fe80::1` starts like the
//     name `fe80` and `2001:db8::/48` like the integer `2001`. The IPv6 pattern
//     only accepts real IPv6 shapes (a `::`, or eight groups), so `db:replicas`
//     and `web:10.0.10.5` still lex as NAME ':' NAME / NAME ':' IPV4;
//   - IPv4 before integers, so `10.0.0.0/24` is one address token while
//     `10/minute` stays INTEGER '/' NAME;
//   - keywords before identifiers, with `longer_alt` so `allowed` is a name.
// An address token carries its `/len` suffix: the AST keeps addresses as written.
import type { ILexerConfig, IToken, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

// Building the lexer, Chevrotain works out which characters each pattern can
// start with, and whether it can match a line break, by parsing the regular
// expression (regexp-to-ast): most of the lexer's set-up time, on every start
// of the CLI. So every regular-expression token states both itself
// (`start_chars_hint`, `line_breaks`), and keywords and punctuation are plain
// strings, which need neither. test/grammar/tokens.test.ts checks the hints
// against Chevrotain's own analysis of the patterns.
const DIGITS = [...'0123456789'];
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'];

/**
 * Spaces and tabs, the whitespace inside a line. A token that can hold a line
 * break makes the lexer copy out its text and search it for line breaks after
 * every match; most whitespace is a space between two words and holds none, so
 * it gets a token of its own, tried first. Both are skipped, and the line and
 * column of every token are the same as with WhiteSpace alone.
 */
export const Blank = createToken({ name: 'Blank', pattern: /[ \t]+/, group: Lexer.SKIPPED, start_chars_hint: [' ', '\t'], line_breaks: false });

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n]+/,
  group: Lexer.SKIPPED,
  start_chars_hint: [' ', '\t', '\r', '\n'],
  line_breaks: true,
});

/**
 * `# ...` to the end of the line. Kept in the `comments` group (not skipped) so
 * tools that read suppressions (`# chainsmith: disable=CS203`) can find them.
 */
export const LineComment = createToken({ name: 'LineComment', pattern: /#[^\r\n]*/, group: 'comments', label: 'a comment', start_chars_hint: ['#'], line_breaks: false });

/** "..." with `\"` and `\\` escapes; never spans a line. */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  label: 'a string',
  start_chars_hint: ['"'],
  line_breaks: false,
});

/**
 * A string cut off by the end of the line. It is a StringLiteral to the parser
 * (so one missing quote does not cascade into a dozen syntax errors) and
 * src/policy/parse.ts reports it as an error.
 */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
  label: 'a string',
  start_chars_hint: ['"'],
  line_breaks: false,
});

const h16 = '[0-9A-Fa-f]{1,4}';
const ipv4Text = '(?:\\d{1,3}\\.){3}\\d{1,3}';
/** Every textual shape of RFC 4291 §2.2 (including a trailing dotted IPv4), then an optional `/len`. */
const ipv6Shapes = [
  `(?:${h16}:){7}${h16}`,
  `(?:${h16}:){6}${ipv4Text}`,
  // Forms with `::`: up to 7 groups split around the `::`, optionally ending in IPv4.
  `(?:(?:${h16}:){0,6}${h16})?::(?:(?:${h16}:){0,5}${ipv4Text}|(?:${h16}:){0,6}${h16})?`,
];
export const IPv6Literal = createToken({
  name: 'IPv6Literal',
  // The lookahead stops `fe80::1x` or `::1.2` from lexing as an address plus junk.
  pattern: new RegExp(`(?:${ipv6Shapes.join('|')})(?:\\/\\d+)?(?![0-9A-Za-z_.:])`),
  start_chars_hint: [...'0123456789abcdefABCDEF:'],
  line_breaks: false,
  label: 'an IPv6 address',
});

export const IPv4Literal = createToken({
  name: 'IPv4Literal',
  pattern: new RegExp(`${ipv4Text}(?:\\/\\d+)?(?![0-9A-Za-z_.])`),
  start_chars_hint: DIGITS,
  line_breaks: false,
  label: 'an IPv4 address',
});

export const Integer = createToken({ name: 'Integer', pattern: /\d+/, label: 'a number', start_chars_hint: DIGITS, line_breaks: false });

/** Names: zones, hosts, services, protocols, ICMP types (`echo-request`), units (`minute`). */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_-]*/,
  label: 'a name',
  start_chars_hint: [...LETTERS, '_'],
  line_breaks: false,
});

export const Arrow = createToken({ name: 'Arrow', pattern: '->', label: "'->'" });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: "','" });
export const Slash = createToken({ name: 'Slash', pattern: '/', label: "'/'" });
export const Minus = createToken({ name: 'Minus', pattern: '-', label: "'-'" });
export const Colon = createToken({ name: 'Colon', pattern: ':', label: "':'" });
export const LCurly = createToken({ name: 'LCurly', pattern: '{', label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: '}', label: "'}'" });
export const LBracket = createToken({ name: 'LBracket', pattern: '[', label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: ']', label: "']'" });
export const Equals = createToken({ name: 'Equals', pattern: '=', label: "'='" });

function keyword(word: string): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return createToken({ name, pattern: word, longer_alt: Identifier, label: `'${word}'` });
}

export const Topology = keyword('topology');
export const Family = keyword('family');
export const Host = keyword('host');
export const Network = keyword('network');
export const Group = keyword('group');
export const Service = keyword('service');
export const Defaults = keyword('defaults');
export const Policy = keyword('policy');
export const Input = keyword('input');
export const Forward = keyword('forward');
export const Output = keyword('output');
export const Log = keyword('log');
export const Drops = keyword('drops');
export const Prefix = keyword('prefix');
export const Limit = keyword('limit');
export const Burst = keyword('burst');
export const Established = keyword('established');
export const Invalid = keyword('invalid');
export const Loopback = keyword('loopback');
export const Accept = keyword('accept');
export const Drop = keyword('drop');
export const Off = keyword('off');
export const Allow = keyword('allow');
export const Deny = keyword('deny');
export const Reject = keyword('reject');
export const Any = keyword('any');
export const Self = keyword('self');
export const CommentKw = keyword('comment');

export const keywordTokens: TokenType[] = [
  Topology, Family, Host, Network, Group, Service, Defaults, Policy, Input, Forward, Output,
  Log, Drops, Prefix, Limit, Burst, Established, Invalid, Loopback, Accept, Drop, Off,
  Allow, Deny, Reject, Any, Self, CommentKw,
];

/** Keywords that begin a top-level statement; they never occur inside one. */
export const statementStartTokens: TokenType[] = [Topology, Family, Host, Network, Group, Service, Defaults, Allow, Deny, Reject];

export const allTokens: TokenType[] = [
  Blank,
  WhiteSpace,
  LineComment,
  StringLiteral,
  UnterminatedString,
  IPv6Literal,
  IPv4Literal,
  Integer,
  Arrow,
  ...keywordTokens,
  Identifier,
  Comma,
  Slash,
  Minus,
  Colon,
  LCurly,
  RCurly,
  LBracket,
  RBracket,
  Equals,
];

/** The lexer's configuration; test/grammar/tokens.test.ts builds a lexer from it with Chevrotain's validations on. */
export const policyLexerConfig: ILexerConfig = {
  positionTracking: 'full',
  // Lines end at '\n' only (a '\r' before it is part of the line break's
  // whitespace), exactly as SourceMap splits them, so carets line up even
  // for text with stray carriage returns.
  lineTerminatorsPattern: /\n/g,
  lineTerminatorCharacters: ['\n'],
  ensureOptimizations: true,
};

/**
 * Chevrotain's lexer, except that its tokens keep their positions in
 * small-integer fields.
 *
 * Chevrotain makes its EOF token, and the tokens it inserts to recover from an
 * error, as object literals with the same fields in the same order as the
 * lexer's tokens, with NaN positions. V8 gives all objects of one shape one
 * representation per field, so every position of every token was a boxed
 * double: six allocations per token, and more as non-optimized code read them.
 * Listing the fields in another order gives the lexer's tokens a shape of their
 * own; compiling a 10,000-rule policy then executes 3% fewer instructions.
 */
class PolicyLexer extends Lexer {
  /** Replaces Chevrotain's (untyped) Lexer.createFullToken: the token for `positionTracking: 'full'`. */
  createFullToken(image: string, startOffset: number, tokenTypeIdx: number, tokenType: TokenType, startLine: number, startColumn: number, imageLength: number): IToken {
    const endOffset = startOffset + imageLength - 1;
    const endColumn = startColumn + imageLength - 1;
    return { tokenType, tokenTypeIdx, image, startOffset, endOffset, startLine, endLine: startLine, startColumn, endColumn };
  }
}

// skipValidations: Chevrotain's checks of the token patterns (unreachable or
// empty patterns, ...) cost a noticeable part of a short run; the patterns are
// fixed, so test/grammar/tokens.test.ts checks them instead of every run.
export const policyLexer = new PolicyLexer(allTokens, { ...policyLexerConfig, skipValidations: true });
