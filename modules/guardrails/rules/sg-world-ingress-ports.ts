import type { Rule } from '../types';
import { NOT_APPLICABLE, verdict } from '../helpers';
import { GUARDRAILS_DEFAULTS } from '../defaults';
import { INGRESS_TYPES, describe, worldIngress } from '../shared/security-groups';

export const sgWorldIngressPorts: Rule = {
  id: 'CH-SG-001',
  severity: 'error',
  resourceTypes: INGRESS_TYPES,
  title: `No ingress from 0.0.0.0/0 or ::/0 except TCP ${GUARDRAILS_DEFAULTS.publicEntryPorts.join('/')}`,
  why: 'SSH, RDP, database and cache ports open to the internet are found by scanners within minutes.',
  fix: 'allow the port from a security group (allowFrom(peer, ...)) or a narrow CIDR; shell access goes through SSM Session Manager',
  checkov: ['CKV_AWS_24', 'CKV_AWS_25', 'CKV_AWS_277'],
  check(resource) {
    const open = worldIngress(resource);
    if (!open.length) return NOT_APPLICABLE;
    const allowed = GUARDRAILS_DEFAULTS.publicEntryPorts as readonly number[];
    const bad = open.filter((i) => !(i.protocol === 'tcp' && i.fromPort === i.toPort && allowed.includes(i.fromPort)));
    return verdict(bad.map((i) => `opens ${describe(i)}`));
  },
};
