// The policy-language grammar (DESIGN.md §2) as a Chevrotain CstParser.
//
// Newlines mean nothing: every statement starts with a keyword that can never
// occur inside another statement (see statementStartTokens), so the end of a
// rule's service list is simply "the next token is not ',' / a name / a number".
// Error recovery is on: a broken statement is skipped up to the next statement
// keyword and parsing goes on, so one run reports every error it can.
import type { AtLeastOneSepMethodOpts, CstNode, DSLMethodOptsWithErr, GrammarAction, IParserErrorMessageProvider, IToken, OrMethodOpts, TokenType } from 'chevrotain';
import { CstParser, EOF } from './chevrotain.js';
import * as t from './tokens.js';
import { EXPECTED, policyErrorMessages } from './messages.js';

/**
 * The labels of tokens in the rules every statement runs through, made once:
 * an options literal in a CONSUME would be a new object at every call.
 */
const LABEL = {
  protocol: { LABEL: 'protocol' },
  icmpTypeName: { LABEL: 'icmpTypeName' },
  icmpType: { LABEL: 'icmpType' },
  icmpCode: { LABEL: 'icmpCode' },
  low: { LABEL: 'low' },
  high: { LABEL: 'high' },
  name: { LABEL: 'name' },
  pinName: { LABEL: 'pinName' },
  pinIPv4: { LABEL: 'pinIPv4' },
  pinIPv6: { LABEL: 'pinIPv6' },
  bareIPv6: { LABEL: 'bareIPv6' },
  sources: { LABEL: 'sources' },
  destinations: { LABEL: 'destinations' },
} as const;

export class PolicyParser extends CstParser {
  // The arguments of the DSL calls in the rules that every statement runs
  // through: built at their first call, then reused (`??=` below). Written in
  // place they would be new objects and closures at every call, a dozen for
  // each endpoint: a third of what parsing allocated, and 6% of the
  // instructions of compiling a 10,000-rule policy. This is the pattern of
  // Chevrotain's performance guide ("Caching Arrays of Alternatives"); it holds
  // because no alternative reads a variable of its rule's call. The fields are
  // declared here so the parser keeps one shape.
  private statementAlternatives?: OrMethodOpts<unknown>;
  private actionAlternatives?: OrMethodOpts<unknown>;
  private ruleServices?: GrammarAction<void>;
  private ruleServiceList?: AtLeastOneSepMethodOpts<unknown>;
  private ruleOptions?: GrammarAction<void>;
  private endpointListItems?: AtLeastOneSepMethodOpts<unknown>;
  private endpointAlternatives?: OrMethodOpts<unknown>;
  private zonePin?: GrammarAction<void>;
  private pinAlternatives?: OrMethodOpts<unknown>;
  private protocolAlternatives?: OrMethodOpts<unknown>;
  private protocolArgument?: GrammarAction<void>;
  private argumentAlternatives?: OrMethodOpts<unknown>;
  private morePorts?: DSLMethodOptsWithErr<void>;
  private rangeEnd?: GrammarAction<void>;

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

  /**
   * Starts the CST node of a rule invocation. Replaces Chevrotain's internal
   * TreeBuilder.cstInvocationStateUpdate (v11), which makes each node's
   * children an `Object.create(null)` object: V8 keeps such an object as a hash
   * table from the start, slower to fill and to read (the visitor reads every
   * key) than a plain object, which keeps its keys in its shape; for a
   * 10,000-rule policy the whole compile executes 2% fewer instructions. The
   * plain object's prototype is Object.prototype, which no key can reach: keys
   * are rule, token and label names, none of which names a property of it
   * (test/grammar/parse.test.ts checks that).
   */
  cstInvocationStateUpdate(fullRuleName: string): void {
    const node: CstNode = { name: fullRuleName, children: {} };
    const tree = this as unknown as { CST_STACK: CstNode[]; setInitialNodeLocation(node: CstNode): void };
    tree.setInitialNodeLocation(node); // nothing without nodeLocationTracking, as here
    tree.CST_STACK.push(node);
  }

  // The explicit EOF lets Chevrotain's in-repetition recovery skip junk between
  // statements (it needs a token that follows the MANY); without it one stray
  // token would end the parse with "redundant input".
  public policyFile = this.RULE('policyFile', () => {
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(EOF);
  });

  public statement = this.RULE('statement', () => {
    this.OR((this.statementAlternatives ??= {
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
    }));
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
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.address), ERR_MSG: EXPECTED.addresses });
  });

  public address = this.RULE('address', () => {
    this.OR({
      DEF: [{ ALT: () => this.CONSUME(t.IPv4Literal) }, { ALT: () => this.CONSUME(t.IPv6Literal) }],
      ERR_MSG: EXPECTED.address,
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
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.serviceItem), ERR_MSG: EXPECTED.services });
  });

  /**
   * `tcp/80`, `tcp/80,443`, `tcp/1-1023`, `icmp/echo-request`, `icmp/3/4`,
   * a bare protocol (`udp`, `47`) or a service name. Whether a bare name is a
   * protocol or a service is decided by the visitor (protocol names are reserved).
   *
   * What follows `PROTO/` (an ICMP type name, an ICMP type/code, or ports) is
   * part of this rule rather than rules of its own: every rule invocation costs
   * the parser a CST node and its bookkeeping, and this runs for every service
   * of every rule.
   */
  public serviceItem = this.RULE('serviceItem', () => {
    this.OR((this.protocolAlternatives ??= {
      DEF: [{ ALT: () => this.CONSUME(t.Identifier, LABEL.protocol) }, { ALT: () => this.CONSUME(t.Integer, LABEL.protocol) }],
      ERR_MSG: EXPECTED.service,
    }));
    this.OPTION((this.protocolArgument ??= () => {
      this.CONSUME(t.Slash);
      this.OR2((this.argumentAlternatives ??= {
        DEF: [
          { ALT: () => this.CONSUME2(t.Identifier, LABEL.icmpTypeName) },
          {
            // `3/4`: ICMP type 3, code 4.
            ALT: () => {
              this.CONSUME2(t.Integer, LABEL.icmpType);
              this.CONSUME2(t.Slash);
              this.CONSUME3(t.Integer, LABEL.icmpCode);
            },
          },
          {
            // `80,443,8000-8080`. The comma list is greedy: after a port, `, NUMBER`
            // continues the list, so a bare protocol number cannot follow a port item
            // (write it first, or by name).
            ALT: () => {
              this.SUBRULE(this.portRange);
              this.MANY((this.morePorts ??= {
                // `, 443` continues the list; `, tcp/22` or `, 6/22` starts the next service item.
                GATE: () => this.LA(2).tokenType === t.Integer && this.LA(3).tokenType !== t.Slash,
                DEF: () => {
                  this.CONSUME(t.Comma);
                  this.SUBRULE2(this.portRange);
                },
              }));
            },
          },
        ],
        ERR_MSG: EXPECTED.protocolArgument,
      }));
    }));
  });

  public portRange = this.RULE('portRange', () => {
    this.CONSUME(t.Integer, LABEL.low);
    this.OPTION((this.rangeEnd ??= () => {
      this.CONSUME(t.Minus);
      this.CONSUME2(t.Integer, LABEL.high);
    }));
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

  /**
   * `allow web, app -> db mysql, tcp/5432 log "db: " comment "..."`
   *
   * The service list is a repetition in this rule rather than a rule of its
   * own: nearly every statement of a large policy is a rule, and each rule
   * invocation costs the parser a CST node and its bookkeeping (and the visitor
   * a node to walk). The endpoint lists stay rules: a list left empty by an
   * error (`allow -> web`) is recovered at the end of its rule, so the rest of
   * the statement is still parsed and checked.
   */
  public rule = this.RULE('rule', () => {
    this.OR((this.actionAlternatives ??= {
      DEF: [{ ALT: () => this.CONSUME(t.Allow) }, { ALT: () => this.CONSUME(t.Deny) }, { ALT: () => this.CONSUME(t.Reject) }],
      ERR_MSG: "'allow', 'deny' or 'reject'",
    }));
    this.SUBRULE(this.endpointList, LABEL.sources);
    this.CONSUME(t.Arrow);
    this.SUBRULE2(this.endpointList, LABEL.destinations);
    this.OPTION((this.ruleServices ??= () => {
      this.AT_LEAST_ONE_SEP((this.ruleServiceList ??= { SEP: t.Comma, DEF: () => this.SUBRULE(this.serviceItem), ERR_MSG: EXPECTED.services }));
    }));
    this.MANY((this.ruleOptions ??= () => this.SUBRULE(this.ruleOption)));
  });

  public endpointList = this.RULE('endpointList', () => {
    this.AT_LEAST_ONE_SEP((this.endpointListItems ??= { SEP: t.Comma, DEF: () => this.SUBRULE(this.endpoint), ERR_MSG: EXPECTED.endpoints }));
  });

  /**
   * `any`, `self`, a name, an address, or a zone pin `web:10.0.10.5` /
   * `db:replicas` / `web:[2001:db8::5]`. IPv6 goes in brackets because
   * `cafe:2001:db8::5` would itself lex as one IPv6 address; a bare IPv6 after
   * the zone is accepted by the grammar only so the visitor can say exactly that.
   */
  public endpoint = this.RULE('endpoint', () => {
    this.OR((this.endpointAlternatives ??= {
      DEF: [
        { ALT: () => this.CONSUME(t.Any) },
        { ALT: () => this.CONSUME(t.Self) },
        { ALT: () => this.CONSUME(t.IPv4Literal) },
        { ALT: () => this.CONSUME(t.IPv6Literal) },
        {
          ALT: () => {
            this.CONSUME(t.Identifier, LABEL.name);
            this.OPTION((this.zonePin ??= () => {
              this.CONSUME(t.Colon);
              this.OR2((this.pinAlternatives ??= {
                DEF: [
                  { ALT: () => this.CONSUME2(t.Identifier, LABEL.pinName) },
                  { ALT: () => this.CONSUME2(t.IPv4Literal, LABEL.pinIPv4) },
                  {
                    ALT: () => {
                      this.CONSUME(t.LBracket);
                      this.CONSUME2(t.IPv6Literal, LABEL.pinIPv6);
                      this.CONSUME(t.RBracket);
                    },
                  },
                  { ALT: () => this.CONSUME3(t.IPv6Literal, LABEL.bareIPv6) },
                ],
                ERR_MSG: EXPECTED.pinTarget,
              }));
            }));
          },
        },
      ],
      ERR_MSG: EXPECTED.endpoint,
    }));
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
