// The lexer's disambiguation rules (grammar/tokens.ts): which text becomes which token.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from '../../grammar/chevrotain.js';
import { allTokens, policyLexer, policyLexerConfig } from '../../grammar/tokens.js';

function lex(text: string): string[] {
  const r = policyLexer.tokenize(text);
  assert.equal(r.errors, [], `lexing ${JSON.stringify(text)}`);
  return r.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

const cases: Array<[string, string[]]> = [
  ['web:10.0.10.5', ['Identifier:web', 'Colon::', 'IPv4Literal:10.0.10.5']],
  ['db:replicas', ['Identifier:db', 'Colon::', 'Identifier:replicas']],
  ['cafe:beef', ['Identifier:cafe', 'Colon::', 'Identifier:beef']],
  ['web:[2001:db8::5]', ['Identifier:web', 'Colon::', 'LBracket:[', 'IPv6Literal:2001:db8::5', 'RBracket:]']],
  ['tcp/80,443', ['Identifier:tcp', 'Slash:/', 'Integer:80', 'Comma:,', 'Integer:443']],
  ['tcp/1-1023', ['Identifier:tcp', 'Slash:/', 'Integer:1', 'Minus:-', 'Integer:1023']],
  ['icmp/echo-request', ['Identifier:icmp', 'Slash:/', 'Identifier:echo-request']],
  ['icmpv6/neighbor-solicitation', ['Identifier:icmpv6', 'Slash:/', 'Identifier:neighbor-solicitation']],
  ['10/minute', ['Integer:10', 'Slash:/', 'Identifier:minute']],
  ['10.0.0.0/24', ['IPv4Literal:10.0.0.0/24']],
  ['2001:db8:100::/48', ['IPv6Literal:2001:db8:100::/48']],
  ['::1 fe80::1 :: ::ffff:1.2.3.4', ['IPv6Literal:::1', 'IPv6Literal:fe80::1', 'IPv6Literal:::', 'IPv6Literal:::ffff:1.2.3.4']],
  ['1:2:3:4:5:6:7:8/64', ['IPv6Literal:1:2:3:4:5:6:7:8/64']],
  ['a -> b', ['Identifier:a', 'Arrow:->', 'Identifier:b']],
  ['allow allowed deny-list app_1', ['Allow:allow', 'Identifier:allowed', 'Identifier:deny-list', 'Identifier:app_1']],
  ['"a \\" b \\\\" # trailing', ['StringLiteral:"a \\" b \\\\"']],
  ['defaults { }', ['Defaults:defaults', 'LCurly:{', 'RCurly:}']],
  ['comment "x"', ['Comment:comment', 'StringLiteral:"x"']],
];

for (const [text, expected] of cases) {
  test(`lexes ${text}`, () => assert.equal(lex(text), expected));
}

test('the token patterns pass Chevrotain\'s lexer validations (the shared lexer skips them)', () => {
  const checked = new Lexer(allTokens, { ...policyLexerConfig, skipValidations: false });
  assert.equal(checked.lexerDefinitionErrors, []);
  assert.equal(checked.tokenize('allow web -> db tcp/5432').tokens.length, 7);
});

/** The tables a built lexer chooses patterns by (Chevrotain internals, read only by this test). */
interface LexerTables {
  charCodeToPatternIdxToConfig: { defaultMode: Array<Array<{ tokenType: TokenType }> | undefined> };
  patternIdxToConfig: { defaultMode: Array<{ tokenType: TokenType; canLineTerminator: boolean }> };
}

test('the start characters and line breaks the tokens state are what Chevrotain finds in their patterns', () => {
  // The regular-expression tokens again without their hints, so the lexer analyses their patterns itself.
  const analysed = allTokens.map((tok) => (typeof tok.PATTERN === 'string' ? tok : createToken({ name: tok.name, pattern: tok.PATTERN as RegExp, group: tok.GROUP })));
  const tables = (tokens: TokenType[]) => {
    const lexer = new Lexer(tokens, { ...policyLexerConfig, skipValidations: true }) as unknown as LexerTables;
    return {
      byStartChar: lexer.charCodeToPatternIdxToConfig.defaultMode.map((configs) => (configs ?? []).map((c) => c.tokenType.name)),
      lineBreaks: lexer.patternIdxToConfig.defaultMode.map((c) => `${c.tokenType.name}: ${c.canLineTerminator}`),
    };
  };
  assert.equal(tables(allTokens), tables(analysed));
});

test('a string never spans lines: the rest of the line is an unterminated string', () => {
  const r = policyLexer.tokenize('"abc\n"x"');
  assert.equal(r.tokens.map((t) => t.tokenType.name), ['UnterminatedString', 'StringLiteral']);
});

test('comments are kept aside, not given to the parser', () => {
  const r = policyLexer.tokenize('allow # chainsmith: disable=CS203 -- reason\n');
  assert.equal(r.tokens.map((t) => t.image), ['allow']);
  assert.equal((r.groups['comments'] ?? []).map((t) => t.image), ['# chainsmith: disable=CS203 -- reason']);
});

test.run();
