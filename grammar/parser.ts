// The policy-language grammar (DESIGN.md §2) as a Chevrotain CstParser.
//
// Newlines mean nothing: every statement starts with a keyword that can never
// occur inside another statement (see statementStartTokens), so the end of a
// rule's service list is simply "the next token is not ',' / a name / a number".
// Error recovery is on: a broken statement is skipped up to the next statement
// keyword and parsing goes on, so one run reports every error it can.
import type { CstNode, IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { CstParser, EOF } from './chevrotain.js';
import * as t from './tokens.js';
import { policyErrorMessages } from './messages.js';

export class PolicyParser extends CstParser {
  /**
   * `skipValidations` skips Chevrotain's checks of the grammar itself (ambiguities,
   * left recursion, ...), which would otherwise run on every start of the CLI. The
   * grammar is fixed at build time, so the shared instance skips them and a test
   * (test/grammar/parse.test.ts) builds one with them.
   */
  constructor(errorMessageProvider?: IParserErrorMessageProvider, options: { skipValidations?: boolean } = {}) {
    super(t.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      skipValidations: options.skipValidations ?? false,
      ...(errorMessageProvider ? { errorMessageProvider } : {}),
    });
    this.performSelfAnalysis();
  }

  // The explicit EOF lets Chevrotain's in-repetition recovery skip junk between
  // statements (it needs a token that follows the MANY); without it one stray
  // token would end the parse with "redundant input".
  public policyFile = this.RULE('policyFile', () => {
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(EOF);
  });

  public statement = this.RULE('statement', () => {
    this.OR({
      DEF: [
        { ALT: () => this.SUBRULE(this.topologyStatement) },
        { ALT: () => this.SUBRULE(this.familyStatement) },
        { ALT: () => this.SUBRULE(this.hostDefinition) },
        { ALT: () => this.SUBRULE(this.networkDefinition) },
        { ALT: () => this.SUBRULE(this.groupDefinition) },
        { ALT: () => this.SUBRULE(this.serviceDefinition) },
        { ALT: () => this.SUBRULE(this.defaultsBlock) },
        { ALT: () => this.SUBRULE(this.rule) },
      ],
      ERR_MSG: 'a statement (allow, deny, reject, host, network, group, service, defaults, topology or family)',
    });
  });

  /** `topology "cluster.topology.json"` */
  public topologyStatement = this.RULE('topologyStatement', () => {
    this.CONSUME(t.Topology);
    this.CONSUME(t.StringLiteral);
  });

  /** `family ipv4|ipv6|dual` (the word is checked by the visitor, so a typo gets a precise message). */
  public familyStatement = this.RULE('familyStatement', () => {
    this.CONSUME(t.Family);
    this.CONSUME(t.Identifier);
  });

  /** `host admin = 192.168.10.5[, 2001:db8::5]` */
  public hostDefinition = this.RULE('hostDefinition', () => {
    this.CONSUME(t.Host);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.addressList);
  });

  /** `network office = 198.51.100.0/24, 2001:db8:100::/48` */
  public networkDefinition = this.RULE('networkDefinition', () => {
    this.CONSUME(t.Network);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.addressList);
  });

  public addressList = this.RULE('addressList', () => {
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.address), ERR_MSG: 'an address' });
  });

  public address = this.RULE('address', () => {
    this.OR({
      DEF: [{ ALT: () => this.CONSUME(t.IPv4Literal) }, { ALT: () => this.CONSUME(t.IPv6Literal) }],
      ERR_MSG: 'an IPv4 or IPv6 address',
    });
  });

  /** `group ops = admin, office, 10.9.0.0/16` */
  public groupDefinition = this.RULE('groupDefinition', () => {
    this.CONSUME(t.Group);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.Equals);
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.groupMember), ERR_MSG: 'a group member' });
  });

  public groupMember = this.RULE('groupMember', () => {
    this.OR({
      DEF: [
        { ALT: () => this.CONSUME(t.Identifier) },
        { ALT: () => this.CONSUME(t.IPv4Literal) },
        { ALT: () => this.CONSUME(t.IPv6Literal) },
      ],
      ERR_MSG: 'a name or an address',
    });
  });

  /** `service web = tcp/80, tcp/443` */
  public serviceDefinition = this.RULE('serviceDefinition', () => {
    this.CONSUME(t.Service);
    this.CONSUME(t.Identifier);
    this.CONSUME(t.Equals);
    this.SUBRULE(this.serviceList);
  });

  public serviceList = this.RULE('serviceList', () => {
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.serviceItem), ERR_MSG: 'a service' });
  });

  /**
   * `tcp/80`, `tcp/80,443`, `tcp/1-1023`, `icmp/echo-request`, `icmp/3/4`,
   * a bare protocol (`udp`, `47`) or a service name. Whether a bare name is a
   * protocol or a service is decided by the visitor (protocol names are reserved).
   */
  public serviceItem = this.RULE('serviceItem', () => {
    this.OR({
      DEF: [{ ALT: () => this.CONSUME(t.Identifier, { LABEL: 'protocol' }) }, { ALT: () => this.CONSUME(t.Integer, { LABEL: 'protocol' }) }],
      ERR_MSG: 'a service (tcp/80, udp, icmp/echo-request or a service name)',
    });
    this.OPTION(() => {
      this.CONSUME(t.Slash);
      this.SUBRULE(this.protocolArgument);
    });
  });

  /** What follows `PROTO/`: an ICMP type name, an ICMP type/code, or ports. */
  public protocolArgument = this.RULE('protocolArgument', () => {
    this.OR({
      DEF: [
        { ALT: () => this.CONSUME(t.Identifier, { LABEL: 'icmpTypeName' }) },
        { ALT: () => this.SUBRULE(this.icmpTypeCode) },
        { ALT: () => this.SUBRULE(this.portList) },
      ],
      ERR_MSG: 'a port, a port range or an ICMP type',
    });
  });

  /** `3/4`: ICMP type 3, code 4. */
  public icmpTypeCode = this.RULE('icmpTypeCode', () => {
    this.CONSUME(t.Integer, { LABEL: 'type' });
    this.CONSUME(t.Slash);
    this.CONSUME2(t.Integer, { LABEL: 'code' });
  });

  /**
   * `80,443,8000-8080`. The comma list is greedy: after a port, `, NUMBER`
   * continues the list, so a bare protocol number cannot follow a port item
   * (write it first, or by name).
   */
  public portList = this.RULE('portList', () => {
    this.SUBRULE(this.portRange);
    this.MANY({
      // `, 443` continues the list; `, tcp/22` or `, 6/22` starts the next service item.
      GATE: () => this.LA(2).tokenType === t.Integer && this.LA(3).tokenType !== t.Slash,
      DEF: () => {
        this.CONSUME(t.Comma);
        this.SUBRULE2(this.portRange);
      },
    });
  });

  public portRange = this.RULE('portRange', () => {
    this.CONSUME(t.Integer, { LABEL: 'low' });
    this.OPTION(() => {
      this.CONSUME(t.Minus);
      this.CONSUME2(t.Integer, { LABEL: 'high' });
    });
  });

  /** `defaults { policy input drop  log drops ...  established accept ... }` */
  public defaultsBlock = this.RULE('defaultsBlock', () => {
    this.CONSUME(t.Defaults);
    this.CONSUME(t.LCurly);
    this.MANY(() => this.SUBRULE(this.defaultsEntry));
    this.CONSUME(t.RCurly);
  });

  public defaultsEntry = this.RULE('defaultsEntry', () => {
    this.OR({
      DEF: [
        { ALT: () => this.SUBRULE(this.chainPolicy) },
        { ALT: () => this.SUBRULE(this.logDefault) },
        { ALT: () => this.SUBRULE(this.establishedDefault) },
        { ALT: () => this.SUBRULE(this.invalidDefault) },
        { ALT: () => this.SUBRULE(this.loopbackDefault) },
      ],
      ERR_MSG: "a default (policy, log, established, invalid, loopback) or '}'",
    });
  });

  /** `policy input drop` */
  public chainPolicy = this.RULE('chainPolicy', () => {
    this.CONSUME(t.Policy);
    this.OR({
      DEF: [{ ALT: () => this.CONSUME(t.Input) }, { ALT: () => this.CONSUME(t.Forward) }, { ALT: () => this.CONSUME(t.Output) }],
      ERR_MSG: "a chain ('input', 'forward' or 'output')",
    });
    this.OR2({
      DEF: [{ ALT: () => this.CONSUME(t.Accept) }, { ALT: () => this.CONSUME(t.Drop) }],
      ERR_MSG: "'accept' or 'drop'",
    });
  });

  /** `log drops [prefix "..."] [limit 10/minute] [burst 5]` or `log off` */
  public logDefault = this.RULE('logDefault', () => {
    this.CONSUME(t.Log);
    this.OR({
      DEF: [
        {
          ALT: () => {
            this.CONSUME(t.Drops);
            this.MANY(() => this.SUBRULE(this.logOption));
          },
        },
        { ALT: () => this.CONSUME(t.Off) },
      ],
      ERR_MSG: "'drops' or 'off'",
    });
  });

  public logOption = this.RULE('logOption', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Prefix);
          this.CONSUME(t.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Limit);
          this.CONSUME(t.Integer, { LABEL: 'count' });
          this.CONSUME(t.Slash);
          this.CONSUME(t.Identifier, { LABEL: 'unit' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Burst);
          this.CONSUME2(t.Integer, { LABEL: 'burst' });
        },
      },
    ]);
  });

  public establishedDefault = this.RULE('establishedDefault', () => {
    this.CONSUME(t.Established);
    this.OR({ DEF: [{ ALT: () => this.CONSUME(t.Accept) }, { ALT: () => this.CONSUME(t.Off) }], ERR_MSG: "'accept' or 'off'" });
  });

  public invalidDefault = this.RULE('invalidDefault', () => {
    this.CONSUME(t.Invalid);
    this.OR({ DEF: [{ ALT: () => this.CONSUME(t.Drop) }, { ALT: () => this.CONSUME(t.Off) }], ERR_MSG: "'drop' or 'off'" });
  });

  public loopbackDefault = this.RULE('loopbackDefault', () => {
    this.CONSUME(t.Loopback);
    this.OR({ DEF: [{ ALT: () => this.CONSUME(t.Accept) }, { ALT: () => this.CONSUME(t.Off) }], ERR_MSG: "'accept' or 'off'" });
  });

  /** `allow web, app -> db mysql, tcp/5432 log "db: " comment "..."` */
  public rule = this.RULE('rule', () => {
    this.OR({
      DEF: [{ ALT: () => this.CONSUME(t.Allow) }, { ALT: () => this.CONSUME(t.Deny) }, { ALT: () => this.CONSUME(t.Reject) }],
      ERR_MSG: "'allow', 'deny' or 'reject'",
    });
    this.SUBRULE(this.endpointList, { LABEL: 'sources' });
    this.CONSUME(t.Arrow);
    this.SUBRULE2(this.endpointList, { LABEL: 'destinations' });
    this.OPTION(() => this.SUBRULE(this.serviceList));
    this.MANY(() => this.SUBRULE(this.ruleOption));
  });

  public endpointList = this.RULE('endpointList', () => {
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.endpoint), ERR_MSG: 'an endpoint' });
  });

  /** `any`, `self`, a name, an address, or a zone pin `web:10.0.10.5` / `db:replicas` / `web:[2001:db8::5]`. */
  public endpoint = this.RULE('endpoint', () => {
    this.OR({
      DEF: [
        { ALT: () => this.CONSUME(t.Any) },
        { ALT: () => this.CONSUME(t.Self) },
        { ALT: () => this.CONSUME(t.IPv4Literal) },
        { ALT: () => this.CONSUME(t.IPv6Literal) },
        {
          ALT: () => {
            this.CONSUME(t.Identifier, { LABEL: 'name' });
            this.OPTION(() => {
              this.CONSUME(t.Colon);
              this.SUBRULE(this.pinTarget);
            });
          },
        },
      ],
      ERR_MSG: "an endpoint (a name, an address, 'any' or 'self')",
    });
  });

  /**
   * What a zone pin names. IPv6 goes in brackets because `cafe:2001:db8::5`
   * would itself lex as one IPv6 address; a bare IPv6 is accepted by the
   * grammar only so the visitor can say exactly that.
   */
  public pinTarget = this.RULE('pinTarget', () => {
    this.OR({
      DEF: [
        { ALT: () => this.CONSUME(t.Identifier) },
        { ALT: () => this.CONSUME(t.IPv4Literal) },
        {
          ALT: () => {
            this.CONSUME(t.LBracket);
            this.CONSUME(t.IPv6Literal);
            this.CONSUME(t.RBracket);
          },
        },
        { ALT: () => this.CONSUME2(t.IPv6Literal, { LABEL: 'bareIPv6' }) },
      ],
      ERR_MSG: 'a name or an address after the zone',
    });
  });

  /** `log ["prefix"]` (an optional `prefix` keyword reads like the defaults) or `comment "text"`, in any order. */
  public ruleOption = this.RULE('ruleOption', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Log);
          this.OPTION(() => {
            this.OPTION2(() => this.CONSUME(t.Prefix));
            this.CONSUME(t.StringLiteral);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.CommentKw);
          this.CONSUME2(t.StringLiteral);
        },
      },
    ]);
  });
}

/**
 * The one parser instance the compiler uses (with the messages of ./messages.ts).
 * Building a parser runs Chevrotain's grammar analysis, a noticeable part of a
 * short run, so the CST visitor's base class comes from this instance too.
 * Each parse resets it through `input`, and parsing is synchronous, so sharing is safe.
 * It skips the grammar self-checks (see the constructor).
 */
let shared: PolicyParser | undefined;
export function sharedPolicyParser(): PolicyParser {
  shared ??= new PolicyParser(policyErrorMessages, { skipValidations: true });
  return shared;
}

export type { CstNode, IToken, TokenType };
