import type { Rule } from '../types';
import { block, blocks, isTrue, verdict } from '../helpers';

export const ebsEncryption: Rule = {
  id: 'CH-EBS-001',
  severity: 'error',
  resourceTypes: ['aws_ebs_volume', 'aws_instance', 'aws_launch_template'],
  title: 'EBS volumes encrypted (volumes, instance root and block devices, launch templates)',
  why: 'Unencrypted volumes and their snapshots expose data to anyone who can copy or share a snapshot.',
  fix: 'set encrypted = true on the volume / root_block_device / ebs_block_device / launch template ebs block',
  checkov: ['CKV_AWS_3', 'CKV_AWS_8'],
  check(resource) {
    const c = resource.config;
    const problems: string[] = [];
    if (resource.type === 'aws_ebs_volume') {
      if (!isTrue(c.encrypted)) problems.push(`encrypted is ${JSON.stringify(c.encrypted ?? null)}`);
    } else if (resource.type === 'aws_instance') {
      if (!isTrue(block(c.root_block_device).encrypted)) problems.push('root_block_device.encrypted is not true');
      blocks(c.ebs_block_device).forEach((d) => {
        if (!isTrue(d.encrypted)) problems.push(`ebs_block_device ${String(d.device_name)} is not encrypted`);
      });
    } else {
      blocks(c.block_device_mappings).forEach((m) => {
        const ebs = blocks(m.ebs);
        if (ebs.length && !ebs.every((e) => isTrue(e.encrypted))) problems.push(`block_device_mappings ${String(m.device_name)} ebs.encrypted is not true`);
      });
    }
    return verdict(problems);
  },
};
