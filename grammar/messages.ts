// Syntax error messages in the user's terms. Chevrotain's defaults list every
// token sequence it could have accepted; a user wants one line:
// "expected '->' after the source list, found 'tcp'".
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { EOF } from './chevrotain.js';
import * as t from './tokens.js';

const STATEMENT = 'a statement (allow, deny, reject, host, network, group, service, defaults, topology or family)';
const ENDPOINT = "(a name, an address, 'any' or 'self')";

/**
 * What a repetition or an alternative of the grammar expects (its ERR_MSG).
 * The parser passes these, and the messages below recognise the lists and
 * alternatives that share a rule by them.
 */
export const EXPECTED = {
  addresses: 'an address',
  address: 'an IPv4 or IPv6 address',
  endpoints: 'an endpoint',
  endpoint: `an endpoint ${ENDPOINT}`,
  pinTarget: 'a name or an address after the zone',
  services: 'a service',
  service: 'a service (tcp/80, udp, icmp/echo-request or a service name)',
  protocolArgument: 'a port, a port range or an ICMP type',
} as const;

/** How the offending token is named in a message. */
export function describeFound(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the file';
  if (token.tokenType === t.UnterminatedString || token.tokenType === t.StringLiteral) return 'a string';
  const image = token.image.length > 24 ? `${token.image.slice(0, 21)}...` : token.image;
  return `'${image}'`;
}

function label(tokenType: TokenType): string {
  return tokenType === EOF ? 'the end of the file' : (tokenType.LABEL ?? tokenType.name);
}

function is(token: IToken | undefined, ...types: TokenType[]): boolean {
  return token !== undefined && types.includes(token.tokenType);
}

/** What a missing token means where it was missed (rule + token + the token before). */
function expectedPhrase(ruleName: string, expected: TokenType, previous: IToken): string {
  const prev = previous.image;
  const definitionKind: Record<string, string> = {
    hostDefinition: 'host',
    networkDefinition: 'network',
    groupDefinition: 'group',
    serviceDefinition: 'service',
  };
  const kind = definitionKind[ruleName];
  if (kind && expected === t.Identifier) return `a ${kind} name after '${kind}'`;
  if (kind && expected === t.Equals) return `'=' after the ${kind} name`;
  switch (`${ruleName}:${expected.name}`) {
    case 'policyFile:EOF':
      return STATEMENT;
    case 'rule:Arrow':
      return "'->' after the source list";
    case 'topologyStatement:StringLiteral':
      return "the topology file name as a string after 'topology'";
    case 'familyStatement:Identifier':
      return "'ipv4', 'ipv6' or 'dual' after 'family'";
    case 'defaultsBlock:LCurly':
      return "'{' after 'defaults'";
    case 'defaultsBlock:RCurly':
      return "a default (policy, log, established, invalid, loopback) or '}'";
    case 'logOption:StringLiteral':
      return "a string after 'prefix'";
    case 'logOption:Integer':
      return is(previous, t.Burst) ? "a number after 'burst'" : "a rate after 'limit', as in 10/minute";
    case 'logOption:Slash':
      return "'/' and a unit after the rate, as in 10/minute";
    case 'logOption:Identifier':
      return "'second', 'minute', 'hour' or 'day' after '/'";
    case 'ruleOption:StringLiteral':
      return "a string after 'comment'";
    case 'endpoint:RBracket':
      return "']' after the IPv6 address";
    case 'endpoint:IPv6Literal':
      return "an IPv6 address after '['";
    case 'serviceItem:Integer':
      return "an ICMP code after 'TYPE/'";
    case 'portRange:Integer':
      return is(previous, t.Minus) ? "the end of the port range after '-'" : 'a port number';
  }
  return `${label(expected)} after '${prev}'`;
}

/** What an alternative or a required list expected (its ERR_MSG), sharpened by the token before it. */
function alternativePhrase(description: string | undefined, previous: IToken): string {
  switch (description) {
    case EXPECTED.endpoints:
    case EXPECTED.endpoint:
      if (is(previous, t.Arrow)) return `a destination ${ENDPOINT} after '->'`;
      if (is(previous, t.Allow, t.Deny, t.Reject)) return `a source ${ENDPOINT} after '${previous.image}'`;
      if (is(previous, t.Comma)) return `another endpoint ${ENDPOINT} after ','`;
      break;
    case EXPECTED.addresses:
    case EXPECTED.address:
      return `an IPv4 or IPv6 address after '${previous.image}'`;
    case EXPECTED.services:
    case EXPECTED.service:
      return `a service (tcp/80, udp, icmp/echo-request or a service name) after '${previous.image}'`;
    case EXPECTED.protocolArgument:
      return `a port, a port range or an ICMP type after '${previous.image}'`;
  }
  return description ?? 'something else';
}

export const policyErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    return `expected ${expectedPhrase(ruleName, expected, previous)}, found ${describeFound(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected ${STATEMENT}, found ${describeFound(firstRedundant)}`;
  },
  buildNoViableAltMessage({ actual, previous, customUserDescription }) {
    return `expected ${alternativePhrase(customUserDescription, previous)}, found ${describeFound(actual[0]!)}`;
  },
  buildEarlyExitMessage({ actual, previous, customUserDescription }) {
    return `expected ${alternativePhrase(customUserDescription, previous)}, found ${describeFound(actual[0]!)}`;
  },
};
