// Every implemented check, sorted by code. A check lands by adding its import here;
// codes in the catalogue without a check are simply not run yet.
import type { Check } from './types.js';
import { compareCodeUnits } from './catalogue.js';
import { check as cs101 } from './checks/cs101-shadowed-rule.js';
import { check as cs102 } from './checks/cs102-redundant-rule.js';
import { check as cs103 } from './checks/cs103-unmatchable-rule.js';
import { check as cs201 } from './checks/cs201-missing-established.js';
import { check as cs202 } from './checks/cs202-overly-broad-accept.js';
import { check as cs203 } from './checks/cs203-log-without-limit.js';
import { check as cs204 } from './checks/cs204-default-accept-policy.js';
import { check as cs205 } from './checks/cs205-missing-invalid-drop.js';
import { check as cs206 } from './checks/cs206-deprecated-state-match.js';
import { check as cs207 } from './checks/cs207-missing-loopback.js';
import { check as cs208 } from './checks/cs208-lockout-risk.js';
import { check as cs209 } from './checks/cs209-ipv6-unfiltered.js';
import { check as cs301 } from './checks/cs301-undefined-chain.js';
import { check as cs302 } from './checks/cs302-chain-loop.js';
import { check as cs303 } from './checks/cs303-unused-chain.js';
import { check as cs304 } from './checks/cs304-approximated-match.js';
import { check as cs401 } from './checks/cs401-unknown-interface.js';
import { check as cs402 } from './checks/cs402-mtu-mismatch.js';

export const CHECKS: readonly Check[] = Object.freeze(
  [cs101, cs102, cs103, cs201, cs202, cs203, cs204, cs205, cs206, cs207, cs208, cs209, cs301, cs302, cs303, cs304, cs401, cs402].sort((a, b) => compareCodeUnits(a.code, b.code)),
);
