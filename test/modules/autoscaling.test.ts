/**
 * modules/autoscaling: the launch template (IMDSv2, hop limit, monitoring, encrypted root volume), the group's
 * instance refresh and target tracking (recall's usage, the defaults), the fixed-size group with a log group behind a
 * load balancer target group (ingestion's usage), and the props rules. (Merged from modules/instance-group.)
 */
import { Construct } from 'constructs';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { AUTOSCALING_DEFAULTS, AutoScalingGroup, type AutoScalingGroupProps } from '../../modules/autoscaling';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };

function base(s: Construct): Pick<AutoScalingGroupProps, 'vpc' | 'subnets' | 'amiId' | 'instanceType'> {
  const vpc = new Vpc(s, 'vpc', { cidrBlock: '10.0.0.0/16' });
  const subnets = ['10.0.1.0/24', '10.0.2.0/24'].map((cidrBlock, i) => new Subnet(s, `private_${i + 1}`, { vpcId: vpc.id, cidrBlock }));
  return { vpc, subnets, amiId: 'ami-0123456789abcdef0', instanceType: 't3.small' };
}

const targetGroup = (s: Construct, id: string) => new LbTargetGroup(s, id, { name: id, port: 8080, protocol: 'HTTP', targetType: 'instance', vpcId: 'vpc-1' });

describe('defaults (recall: web and backend groups)', () => {
  let groups: AutoScalingGroup[] = [];
  const json = JSON.parse(
    synthFixture((s) => {
      const web = new AutoScalingGroup(s, 'web', { ...base(s), namePrefix: 'recall-dev-store-web', minSize: 2, maxSize: 4, userData: '#!/bin/bash\necho hi\n' });
      web.addTargetGroup(targetGroup(s, 'web-tg'));
      const plain = new AutoScalingGroup(s, 'plain', { ...base(new Construct(s, 'other')), namePrefix: 'plain', minSize: 1, maxSize: 3 });
      groups = [web, plain];
    }),
  ) as Json;
  const r = (type: string) => json.resource[type] ?? {};

  test('launch template: IMDSv2 required with a hop limit of 1, detailed monitoring, encrypted gp3 root volume, base64 user data, no public IP or key', () => {
    const lt = r('aws_launch_template').web_launch_template;
    expect(lt.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' });
    expect(AUTOSCALING_DEFAULTS.metadataHopLimit).toBe(1);
    expect(lt.monitoring).toEqual({ enabled: true });
    expect(lt.block_device_mappings).toEqual([{ device_name: '/dev/xvda', ebs: { volume_size: 20, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' } }]);
    expect(lt.user_data).toBe('${base64encode("#!/bin/bash\\necho hi\\n")}');
    expect(lt.key_name).toBeUndefined();
    expect(lt.network_interfaces).toBeUndefined();
    expect(r('aws_launch_template').plain_launch_template.user_data).toBeUndefined();
    expect(r('aws_iam_role').web_role_role.name).toBe('recall-dev-store-web-instance');
  });

  test('instance refresh: rolling on every launch template version, 50 % healthy, warm-up, auto-rollback', () => {
    for (const id of ['web_group', 'plain_group']) {
      const g = r('aws_autoscaling_group')[id];
      expect(g.instance_refresh).toEqual({ strategy: 'Rolling', preferences: { min_healthy_percentage: 50, instance_warmup: '300', auto_rollback: true, skip_matching: false } });
      expect(g.launch_template.version).toMatch(/^\$\{aws_launch_template\.\w+_launch_template\.latest_version\}$/);
      expect(g.lifecycle).toEqual({ ignore_changes: ['desired_capacity'] });
    }
  });

  test('target tracking on average CPU; ELB health checks once a target group is attached, EC2 otherwise; no log group', () => {
    expect(r('aws_autoscaling_policy').web_cpu_target_tracking).toMatchObject({ policy_type: 'TargetTrackingScaling', target_tracking_configuration: { target_value: 50 } });
    expect(Object.keys(r('aws_autoscaling_policy')).sort()).toEqual(['plain_cpu_target_tracking', 'web_cpu_target_tracking']);
    expect(r('aws_autoscaling_group').web_group).toMatchObject({ min_size: 2, max_size: 4, desired_capacity: 2, health_check_type: 'ELB', target_group_arns: ['${aws_lb_target_group.web-tg.arn}'] });
    expect(r('aws_autoscaling_group').plain_group.health_check_type).toBe('EC2');
    expect(r('aws_autoscaling_group').plain_group.target_group_arns).toBeUndefined();
    expect(json.resource.aws_cloudwatch_log_group).toBeUndefined();
    expect(groups.map((g) => [g.scalingPolicy !== undefined, g.logGroup])).toEqual([[true, undefined], [true, undefined]]);
  });

  test('a target group attaches once', () => {
    expect(() =>
      synthFixture((s) => {
        const tg = targetGroup(s, 'tg');
        new AutoScalingGroup(s, 'g', { ...base(s), namePrefix: 'g', minSize: 1, maxSize: 2, targetGroups: [tg] }).addTargetGroup(tg);
      }),
    ).toThrow('target group test/tg is already attached');
  });
});

describe("ingestion's usage: one instance behind an ALB rule, containers logging to /ec2/<namePrefix>", () => {
  const json = JSON.parse(
    synthFixture((s) => {
      const worker = new AutoScalingGroup(s, 'ec2_reports', {
        ...base(s),
        namePrefix: 'ingestion-dev-ec2-reports',
        minSize: 1,
        maxSize: 1,
        rootVolumeGiB: 30,
        metadataHopLimit: 2,
        logRetentionDays: 14,
        userData: '#!/bin/bash\ndocker run -d --log-driver awslogs --log-opt awslogs-group=/ec2/ingestion-dev-ec2-reports worker serve\n',
      });
      worker.addTargetGroup(targetGroup(s, 'reports'));
    }),
  ) as Json;
  const r = (type: string) => json.resource[type] ?? {};

  test('fixed size 1, no scaling policy, registered in the target group with ELB health checks, still refreshed on a new template', () => {
    expect(r('aws_autoscaling_group').ec2_reports_group).toMatchObject({
      min_size: 1,
      max_size: 1,
      desired_capacity: 1,
      health_check_type: 'ELB',
      target_group_arns: ['${aws_lb_target_group.reports.arn}'],
      instance_refresh: { strategy: 'Rolling' },
    });
    expect(json.resource.aws_autoscaling_policy).toBeUndefined();
  });

  test('IMDSv2 still required, hop limit 2 for the container; 30 GiB root volume; user data from the script', () => {
    const lt = r('aws_launch_template').ec2_reports_launch_template;
    expect(lt.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 2, instance_metadata_tags: 'disabled' });
    expect(lt.block_device_mappings[0].ebs).toMatchObject({ volume_size: 30, encrypted: 'true' });
    expect(lt.user_data).toContain('awslogs-group=/ec2/ingestion-dev-ec2-reports');
  });

  test('log group /ec2/<namePrefix> with its retention; the role may write streams in it and nothing else', () => {
    expect(r('aws_cloudwatch_log_group').ec2_reports_log_group).toMatchObject({ name: '/ec2/ingestion-dev-ec2-reports', retention_in_days: 14 });
    const policy = JSON.parse(r('aws_iam_role_policy').ec2_reports_role_policy.policy) as { Statement: { Sid: string; Action: string[]; Resource: string | string[] }[] };
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '${aws_cloudwatch_log_group.ec2_reports_log_group.arn}:*' });
    expect(policy.Statement[0].Sid).toMatch(/^WriteLogs/);
    expect(r('aws_iam_role_policy_attachment')).not.toEqual({});
  });
});

test('bad props name the field and the value received', () => {
  const bad = (over: Partial<AutoScalingGroupProps>) => () =>
    synthFixture((s) => new AutoScalingGroup(s, 'g', { ...base(s), namePrefix: 'g', minSize: 1, maxSize: 1, ...over } as AutoScalingGroupProps));
  expect(bad({ metadataHopLimit: 3 as 1 })).toThrow(/metadataHopLimit: received 3; expected 1 or 2/);
  expect(bad({ logRetentionDays: 13 })).toThrow(/logRetentionDays: received 13; expected one of 1, 3, 5/);
  expect(bad({ minSize: 2, maxSize: 1 })).toThrow(/maxSize: received 1; expected a whole number from minSize \(2\) to 1000/);
  expect(bad({ rootVolumeGiB: 4, amiId: 'ubuntu' })).toThrow(/amiId: received "ubuntu"[\s\S]*rootVolumeGiB: received 4/);
  const oneSubnet = () => synthFixture((s) => new AutoScalingGroup(s, 'g', { ...base(s), subnets: base(new Construct(s, 'x')).subnets.slice(0, 1), namePrefix: 'g', minSize: 1, maxSize: 1 }));
  expect(oneSubnet).toThrow(/subnets: received \["test\/x\/private_1"\]; expected at least 2 distinct subnets/);
});
