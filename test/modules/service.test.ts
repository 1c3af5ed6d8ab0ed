import { Construct } from 'constructs';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { ServiceDiscoveryHttpNamespace } from '@cdktf/provider-aws/lib/service-discovery-http-namespace';
import { Cluster, FargateService, FargateServiceProps } from '../../modules/service';
import { FARGATE_CPU_MEMORY_MIB } from '../../modules/service/defaults';
import { Secret } from '../../modules/secret';
import { ContainerRepository } from '../../modules/container-registry';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>>; locals?: Record<string, string> };
/** Synthesizes constructs in a ReadableStack, so addresses are the ones stacks get. */
const synth = (build: (scope: Construct) => void): Json => JSON.parse(synthFixture(build)) as Json;
const synthString = (build: (scope: Construct) => void): string => JSON.stringify(synth(build));

interface Base {
  cluster: Cluster;
  vpc: Vpc;
  subnets: Subnet[];
}
const base = (scope: Construct): Base => {
  const vpc = new Vpc(scope, 'vpc', { cidrBlock: '10.1.0.0/16' });
  const subnets = [1, 2].map((n) => new Subnet(scope, `private_subnet_${n}`, { vpcId: vpc.id, cidrBlock: `10.1.${n}.0/24`, tags: { Tier: 'private' } }));
  const cluster = new Cluster(scope, 'cluster', { namePrefix: 't', serviceConnectNamespace: 't.internal' });
  return { cluster, vpc, subnets };
};
const service = (scope: Construct, b: Base, id = 'backend_service', extra: Partial<FargateServiceProps> = {}) =>
  new FargateService(scope, id, {
    cluster: b.cluster,
    serviceName: id.replace(/_service$/, ''),
    namePrefix: 't',
    vpc: b.vpc,
    subnets: b.subnets,
    containers: [{ name: 'app', image: 'example.com/app:1.0.0', port: 8080, portName: 'http' }],
    logGroupName: `/t/${id}`,
    logRetentionDays: 14,
    ...extra,
  });
const containersOf = (json: Json, id = 'backend_service') => JSON.parse(json.resource.aws_ecs_task_definition[`${id}_task_definition`].container_definitions);
const policyOf = (json: Json, address: string) => JSON.parse(json.resource.aws_iam_role_policy[address].policy);

describe('Cluster', () => {
  test('cluster with Container Insights and the HTTP namespace as Service Connect default', () => {
    const json = synth((s) => base(s));
    expect(json.resource.aws_ecs_cluster.cluster_cluster).toMatchObject({
      name: 't-cluster',
      setting: [{ name: 'containerInsights', value: 'enabled' }],
      service_connect_defaults: { namespace: '${aws_service_discovery_http_namespace.cluster_namespace.arn}' },
    });
    expect(json.resource.aws_service_discovery_http_namespace.cluster_namespace.name).toBe('t.internal');
  });
  test('containerInsights can be changed; a bad namespace name is refused with its value', () => {
    const out = synthString((s) => new Cluster(s, 'c', { namePrefix: 't', serviceConnectNamespace: 'a.internal', containerInsights: 'enhanced' }));
    expect(out).toHaveResourceWithProperties(EcsCluster, { setting: [{ name: 'containerInsights', value: 'enhanced' }] });
    expect(out).toHaveResource(ServiceDiscoveryHttpNamespace);
    expect(() => synth((s) => new Cluster(s, 'c', { namePrefix: 't', serviceConnectNamespace: 'Bad_Name' }))).toThrow(/serviceConnectNamespace: received "Bad_Name"; expected a lower-case DNS-style name/);
  });
});

describe('FargateService task definition', () => {
  test('Fargate, awsvpc, sizes, roles, runtime platform, create-before-destroy', () => {
    const json = synth((s) => service(s, base(s), 'backend_service', { cpu: 1024, memoryMiB: 2048, cpuArchitecture: 'ARM64' }));
    expect(json.resource.aws_ecs_task_definition.backend_service_task_definition).toMatchObject({
      family: 't-backend',
      requires_compatibilities: ['FARGATE'],
      network_mode: 'awsvpc',
      cpu: '1024',
      memory: '2048',
      runtime_platform: { operating_system_family: 'LINUX', cpu_architecture: 'ARM64' },
      execution_role_arn: '${aws_iam_role.backend_service_execution_role_role.arn}',
      task_role_arn: '${aws_iam_role.backend_service_task_role_role.arn}',
      lifecycle: { create_before_destroy: true },
    });
  });

  test('container JSON: stable key order, sorted env and secrets, valueFrom with jsonKey, ports, logs, health check', () => {
    const json = synth((s) => {
      const b = base(s);
      const db = new Secret(s, 'db_secret', { secretName: 't/db', description: 'db' });
      const jwt = new Secret(s, 'jwt_secret', { secretName: 't/jwt', description: 'jwt' });
      service(s, b, 'backend_service', {
        containers: [
          {
            name: 'app',
            image: 'example.com/app:1.2.3',
            port: 8080,
            portName: 'http',
            environment: { ZED: 'z', ALPHA: 'a', TEMPLATE: 'keep ${THIS} literal' },
            secrets: { JWT_KEY: { secret: jwt }, DB_PASSWORD: { secret: db, jsonKey: 'password' } },
            command: ['serve', '--port', '8080'],
            healthCheckCommand: ['CMD-SHELL', 'curl -fsS localhost:8080/healthz || exit 1'],
            user: '1000',
          },
        ],
      });
    });
    const [app] = containersOf(json);
    expect(Object.keys(app)).toEqual(['name', 'image', 'essential', 'command', 'user', 'readonlyRootFilesystem', 'portMappings', 'environment', 'secrets', 'healthCheck', 'logConfiguration']);
    expect(app).toMatchObject({ name: 'app', image: 'example.com/app:1.2.3', essential: true, readonlyRootFilesystem: true, user: '1000' });
    expect(app.portMappings).toEqual([{ name: 'http', containerPort: 8080, hostPort: 8080, protocol: 'tcp' }]);
    expect(app.environment).toEqual([
      { name: 'ALPHA', value: 'a' },
      { name: 'TEMPLATE', value: 'keep $${THIS} literal' },
      { name: 'ZED', value: 'z' },
    ]);
    expect(app.secrets).toEqual([
      { name: 'DB_PASSWORD', valueFrom: '${aws_secretsmanager_secret.db_secret_secret.arn}:password::' },
      { name: 'JWT_KEY', valueFrom: '${aws_secretsmanager_secret.jwt_secret_secret.arn}' },
    ]);
    expect(app.healthCheck).toEqual({ command: ['CMD-SHELL', 'curl -fsS localhost:8080/healthz || exit 1'], interval: 30, timeout: 5, retries: 3, startPeriod: 60 });
    expect(app.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': '${aws_cloudwatch_log_group.backend_service_log_group.name}',
        'awslogs-region': '${local.backend_service_log_region}',
        'awslogs-stream-prefix': 'backend',
      },
    });
    // The region comes from the log group ARN through a local, so the JSON above stays parseable.
    expect(json.locals!.backend_service_log_region).toBe('${element(split(":", aws_cloudwatch_log_group.backend_service_log_group.arn), 3)}');
    expect(json.resource.aws_cloudwatch_log_group.backend_service_log_group).toMatchObject({ name: '/t/backend_service', retention_in_days: 14 });
  });

  test('synthesis is deterministic', () => {
    const build = (s: Construct) => service(s, base(s));
    expect(synthString(build)).toBe(synthString(build));
  });
});

describe('FargateService ECS service', () => {
  test('private, circuit breaker with rollback, rolling 100/200, tags propagated, desired_count ignored', () => {
    const json = synth((s) => service(s, base(s)));
    expect(json.resource.aws_ecs_service.backend_service_service).toMatchObject({
      name: 't-backend',
      cluster: '${aws_ecs_cluster.cluster_cluster.arn}',
      task_definition: '${aws_ecs_task_definition.backend_service_task_definition.arn}',
      launch_type: 'FARGATE',
      platform_version: 'LATEST',
      desired_count: 2,
      network_configuration: {
        assign_public_ip: false,
        subnets: ['${aws_subnet.private_subnet_1.id}', '${aws_subnet.private_subnet_2.id}'],
        security_groups: ['${aws_security_group.backend_service_security_group.id}'],
      },
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      propagate_tags: 'SERVICE',
      enable_ecs_managed_tags: true,
      enable_execute_command: false,
      wait_for_steady_state: false,
      lifecycle: { ignore_changes: ['desired_count'] },
    });
    expect(json.resource.aws_ecs_service.backend_service_service.load_balancer).toBeUndefined();
    expect(json.resource.aws_ecs_service.backend_service_service.health_check_grace_period_seconds).toBeUndefined();
  });

  test('always a Service Connect client; a server with serviceConnect', () => {
    const json = synth((s) => {
      const b = base(s);
      service(s, b, 'backend_service', { serviceConnect: { portName: 'http', discoveryName: 'backend', port: 8080 } });
      service(s, b, 'worker_service', { containers: [{ name: 'worker', image: 'example.com/worker:1.0.0' }] });
    });
    const backend = json.resource.aws_ecs_service.backend_service_service.service_connect_configuration;
    expect(backend).toMatchObject({
      enabled: true,
      namespace: '${aws_service_discovery_http_namespace.cluster_namespace.arn}',
      service: [{ port_name: 'http', discovery_name: 'backend', client_alias: { port: 8080, dns_name: 'backend' } }],
      log_configuration: { log_driver: 'awslogs', options: expect.objectContaining({ 'awslogs-stream-prefix': 'backend-service-connect' }) },
    });
    const worker = json.resource.aws_ecs_service.worker_service_service.service_connect_configuration;
    expect(worker.enabled).toBe(true);
    expect(worker.namespace).toBe('${aws_service_discovery_http_namespace.cluster_namespace.arn}');
    expect(worker.service).toBeUndefined();
  });

  test('load balancer target with default grace period', () => {
    const out = synthString((s) => {
      const b = base(s);
      const tg = new LbTargetGroup(s, 'tg', { name: 't-tg', port: 8080, protocol: 'HTTP', targetType: 'ip', vpcId: b.vpc.id });
      service(s, b, 'backend_service', { loadBalancerTarget: { targetGroup: tg, containerName: 'app', containerPort: 8080 } });
    });
    expect(out).toHaveResourceWithProperties(EcsService, {
      load_balancer: [{ target_group_arn: '${aws_lb_target_group.tg.arn}', container_name: 'app', container_port: 8080 }],
      health_check_grace_period_seconds: 60,
    });
    expect(out).toHaveResource(EcsTaskDefinition);
  });

  test('target-tracking autoscaling on CPU, and memory when asked', () => {
    const json = synth((s) => service(s, base(s), 'backend_service', { minCapacity: 2, maxCapacity: 10, desiredCount: 3, targetCpuPercent: 50, targetMemoryPercent: 75 }));
    expect(json.resource.aws_appautoscaling_target.backend_service_scaling_target).toMatchObject({
      service_namespace: 'ecs',
      scalable_dimension: 'ecs:service:DesiredCount',
      resource_id: 'service/${aws_ecs_cluster.cluster_cluster.name}/${aws_ecs_service.backend_service_service.name}',
      min_capacity: 2,
      max_capacity: 10,
    });
    const cpu = json.resource.aws_appautoscaling_policy.backend_service_cpu_scaling;
    expect(cpu).toMatchObject({
      name: 't-backend-cpu',
      policy_type: 'TargetTrackingScaling',
      resource_id: '${aws_appautoscaling_target.backend_service_scaling_target.resource_id}',
      target_tracking_scaling_policy_configuration: {
        target_value: 50,
        predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' },
        scale_in_cooldown: 300,
        scale_out_cooldown: 60,
      },
    });
    const memory = json.resource.aws_appautoscaling_policy.backend_service_memory_scaling;
    expect(memory.target_tracking_scaling_policy_configuration).toMatchObject({ target_value: 75, predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageMemoryUtilization' } });
    expect(json.resource.aws_ecs_service.backend_service_service.desired_count).toBe(3);
  });

  test('no memory policy by default', () => {
    const json = synth((s) => service(s, base(s)));
    expect(Object.keys(json.resource.aws_appautoscaling_policy)).toEqual(['backend_service_cpu_scaling']);
  });
});

describe('FargateService IAM', () => {
  test('execution role: logs on its group, each secret read once, ECR pull from the caller; task role empty', () => {
    const json = synth((s) => {
      const b = base(s);
      const db = new Secret(s, 'db_secret', { secretName: 't/db', description: 'db' });
      const repo = new ContainerRepository(s, 'backend_repository', { repositoryName: 't/backend' });
      const svc = service(s, b, 'backend_service', {
        containers: [
          { name: 'app', image: `${repo.repositoryUrl}:1.0.0`, secrets: { DB_USER: { secret: db, jsonKey: 'username' }, DB_PASSWORD: { secret: db, jsonKey: 'password' } } },
          { name: 'migrate', image: `${repo.repositoryUrl}:1.0.0`, essential: false, secrets: { DB_PASSWORD: { secret: db, jsonKey: 'password' } } },
        ],
      });
      repo.grantPull(svc.executionRole);
    });
    expect(json.resource.aws_iam_role.backend_service_execution_role_role.name).toBe('t-backend-execution');
    expect(JSON.parse(json.resource.aws_iam_role.backend_service_execution_role_role.assume_role_policy).Statement[0].Principal).toEqual({ Service: 'ecs-tasks.amazonaws.com' });
    const policy = policyOf(json, 'backend_service_execution_role_policy');
    expect(policy.Statement.map((st: any) => st.Sid)).toEqual(['WriteServiceLogs', 'ReadDbSecret', 'PullBackendRepository', 'EcrLoginForBackendRepository']);
    expect(policy.Statement[0]).toMatchObject({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: ['${aws_cloudwatch_log_group.backend_service_log_group.arn}', '${aws_cloudwatch_log_group.backend_service_log_group.arn}:*'],
    });
    expect(policy.Statement[1]).toMatchObject({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: '${aws_secretsmanager_secret.db_secret_secret.arn}' });
    expect(json.resource.aws_iam_role.backend_service_task_role_role.name).toBe('t-backend-task');
    expect(json.resource.aws_iam_role_policy.backend_service_task_role_policy).toBeUndefined();
  });

  test('ECS Exec: ssmmessages on "*" for the task role, root file system writable by default', () => {
    const json = synth((s) => service(s, base(s), 'backend_service', { enableExecuteCommand: true }));
    const policy = policyOf(json, 'backend_service_task_role_policy');
    expect(policy.Statement).toEqual([
      {
        Sid: 'EcsExecSsmMessagesResourceStarRequired',
        Effect: 'Allow',
        Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
        Resource: '*',
      },
    ]);
    expect(json.resource.aws_ecs_service.backend_service_service.enable_execute_command).toBe(true);
    expect(containersOf(json)[0].readonlyRootFilesystem).toBe(false);
  });
});

describe('FargateService security group', () => {
  test('only HTTPS out by default; allowTo adds egress here and ingress on the peer; allowFrom adds ingress here', () => {
    const json = synth((s) => {
      const b = base(s);
      const backend = service(s, b, 'backend_service');
      const gateway = service(s, b, 'gateway_service');
      gateway.allowTo(backend.securityGroup, 8080, 'gateway to backend');
      backend.allowFrom(gateway.securityGroup, 9090, 'metrics from gateway');
    });
    expect(json.resource.aws_security_group.backend_service_security_group).toMatchObject({ name: 't-backend', vpc_id: '${aws_vpc.vpc.id}' });
    expect(json.resource.aws_security_group.backend_service_security_group.ingress).toBeUndefined();
    const egress = json.resource.aws_vpc_security_group_egress_rule;
    expect(egress.backend_service_egress_https).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp', cidr_ipv4: '0.0.0.0/0' });
    expect(egress.gateway_service_egress_to_backend_service_security_group_8080).toMatchObject({
      security_group_id: '${aws_security_group.gateway_service_security_group.id}',
      referenced_security_group_id: '${aws_security_group.backend_service_security_group.id}',
      from_port: 8080,
      to_port: 8080,
      description: 'gateway to backend',
    });
    const ingress = json.resource.aws_vpc_security_group_ingress_rule;
    expect(Object.keys(ingress).sort()).toEqual(['backend_service_ingress_from_gateway_service_security_group_9090', 'gateway_service_peer_ingress_backend_service_security_group_8080']);
    expect(ingress.gateway_service_peer_ingress_backend_service_security_group_8080).toMatchObject({
      security_group_id: '${aws_security_group.backend_service_security_group.id}',
      referenced_security_group_id: '${aws_security_group.gateway_service_security_group.id}',
      from_port: 8080,
    });
    expect(ingress.backend_service_ingress_from_gateway_service_security_group_9090).toMatchObject({
      security_group_id: '${aws_security_group.backend_service_security_group.id}',
      referenced_security_group_id: '${aws_security_group.gateway_service_security_group.id}',
      from_port: 9090,
      to_port: 9090,
    });
  });
  test('rule helpers refuse a bad port', () => {
    expect(() =>
      synth((s) => {
        const b = base(s);
        const a = service(s, b, 'a_service');
        a.allowFrom(service(s, b, 'b_service').securityGroup, 70000, 'x');
      }),
    ).toThrow(/FargateService.allowFrom: invalid props\n {2}- port: received 70000; expected a whole number from 1 to 65535/);
  });
});

describe('FargateService validation', () => {
  const fails = (extra: Partial<FargateServiceProps>, build?: (s: Construct, b: Base) => Partial<FargateServiceProps>) => () =>
    synth((s) => {
      const b = base(s);
      service(s, b, 'backend_service', { ...extra, ...(build ? build(s, b) : {}) });
    });

  test('Fargate cpu/memory combinations', () => {
    expect(fails({ cpu: 256, memoryMiB: 4096 })).toThrow(/memoryMiB: received 4096; expected with cpu 256, one of 512, 1024, 2048/);
    expect(fails({ cpu: 300 })).toThrow(/cpu: received 300; expected one of 256, 512, 1024, 2048, 4096, 8192, 16384/);
    expect(FARGATE_CPU_MEMORY_MIB[4096]).toContain(30720);
    expect(FARGATE_CPU_MEMORY_MIB[16384].at(-1)).toBe(122880);
  });
  test('capacities: min <= desired <= max', () => {
    expect(fails({ desiredCount: 1 })).toThrow(/desiredCount: received 1; expected a whole number from minCapacity \(2\) to maxCapacity \(6\)/);
    expect(fails({ minCapacity: 4, maxCapacity: 3, desiredCount: 4 })).toThrow(/maxCapacity: received 3; expected a whole number >= minCapacity \(4\)/);
  });
  test('containers: one essential, unique names, pinned images, sound env and health checks', () => {
    expect(fails({ containers: [{ name: 'a', image: 'x/a:1', essential: false }] })).toThrow(/containers: received .*expected at least one essential container/);
    expect(fails({ containers: [{ name: 'a', image: 'x/a:1' }, { name: 'a', image: 'x/b:1' }] })).toThrow(/containerNames: received \["a","a"\]; expected unique container names/);
    expect(fails({ containers: [{ name: 'a', image: 'x/a:latest' }] })).toThrow(/containers\.0\.image: received "x\/a:latest"; expected an image with an explicit tag/);
    expect(fails({ containers: [{ name: 'a', image: 'localhost:5000/a' }] })).toThrow(/containers\.0\.image: received "localhost:5000\/a"/);
    expect(fails({ containers: [{ name: 'a', image: 'x/a:1', environment: { '1BAD': 'x' } }] })).toThrow(/containers\.0\.environment: received \{"1BAD":"x"\}/);
    expect(fails({ containers: [{ name: 'a', image: 'x/a:1', healthCheckCommand: ['curl localhost'] }] })).toThrow(/containers\.0\.healthCheckCommand: received \["curl localhost"\]; expected \['CMD'/);
    expect(fails({ containers: [{ name: 'a', image: 'x/a:1', portName: 'http' }] })).toThrow(/containers\.0\.portName: received "http"; expected a port \(set port\)/);
    expect(fails({ containers: [{ name: 'a', image: 'x/a:1', dependsOn: [{ containerName: 'b', condition: 'HEALTHY' }] }, { name: 'b', image: 'x/b:1' }] })).toThrow(
      /containers\.0\.dependsOn: received \[\{"containerName":"b","condition":"HEALTHY"\}\]; expected other containers .*HEALTHY only on a container with healthCheckCommand/,
    );
  });
  test('secrets: the message shows the jsonKey, not the secret construct', () => {
    expect(
      fails({}, (s) => ({ containers: [{ name: 'a', image: 'x/a:1', secrets: { DB: { secret: new Secret(s, 'sec', { secretName: 't/s', description: 'd' }), jsonKey: 'a:b' } } }] })),
    ).toThrow(/containers\.0\.secrets: received \{"DB":\{"jsonKey":"a:b"\}\}/);
  });
  test('Service Connect needs a container portName', () => {
    expect(fails({ serviceConnect: { portName: 'grpc', discoveryName: 'backend', port: 8080 } })).toThrow(/serviceConnect\.portName: received "grpc"; expected the portName of a container \(container port names: \["http"\]\)/);
  });
  test('load balancer target: container, port, ip target type; grace period only with it', () => {
    expect(
      fails({}, (s, b) => ({ loadBalancerTarget: { targetGroup: new LbTargetGroup(s, 'tg', { port: 80, protocol: 'HTTP', vpcId: b.vpc.id }), containerName: 'web', containerPort: 80 } })),
    ).toThrow(/loadBalancerTarget\.containerName: received "web"[\s\S]*loadBalancerTarget\.targetType: received "instance \(provider default\)"/);
    expect(
      fails({}, (s, b) => ({ loadBalancerTarget: { targetGroup: new LbTargetGroup(s, 'tg', { port: 80, protocol: 'HTTP', targetType: 'ip', vpcId: b.vpc.id }), containerName: 'app', containerPort: 80 } })),
    ).toThrow(/loadBalancerTarget\.containerPort: received 80; expected the port of container app \(8080\)/);
    expect(fails({ healthCheckGracePeriodSeconds: 30 })).toThrow(/healthCheckGracePeriodSeconds: received 30; expected nothing unless loadBalancerTarget is set/);
  });
  test('public subnets, log retention and ECS Exec with a read-only root file system are refused', () => {
    expect(fails({}, (s, b) => ({ subnets: [new Subnet(s, 'pub', { vpcId: b.vpc.id, cidrBlock: '10.1.9.0/24', tags: { Tier: 'public' } })] }))).toThrow(/subnets: received \[\{"tier":"public"\}\]/);
    expect(fails({ logRetentionDays: 10 })).toThrow(/logRetentionDays: received 10; expected one of 1, 3, 5/);
    expect(fails({ enableExecuteCommand: true, containers: [{ name: 'a', image: 'x/a:1', readonlyRootFilesystem: true }] })).toThrow(/containers\.0\.readonlyRootFilesystem: received true; expected not true with enableExecuteCommand/);
  });
  test('all problems are reported at once', () => {
    expect(fails({ cpu: 256, memoryMiB: 8192, desiredCount: 9 })).toThrow(/memoryMiB: received 8192[\s\S]*desiredCount: received 9/);
  });
});

describe('FargateService volumes and late target groups', () => {
  test('task-scoped volumes are declared on the task and mounted per container; undeclared volumes are refused', () => {
    const json = synth((s) =>
      service(s, base(s), 'backend_service', {
        volumes: ['secrets'],
        containers: [
          { name: 'init', image: 'example.com/cli:2.0.0', essential: false, mountPoints: [{ volume: 'secrets', path: '/run/secrets' }] },
          { name: 'app', image: 'example.com/app:1.0.0', port: 8080, portName: 'http', dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }], mountPoints: [{ volume: 'secrets', path: '/run/secrets', readOnly: true }] },
        ],
      }),
    );
    expect(json.resource.aws_ecs_task_definition.backend_service_task_definition.volume).toEqual([{ name: 'secrets' }]);
    const [init, app] = containersOf(json);
    expect(init.mountPoints).toEqual([{ sourceVolume: 'secrets', containerPath: '/run/secrets', readOnly: false }]);
    expect(app.mountPoints).toEqual([{ sourceVolume: 'secrets', containerPath: '/run/secrets', readOnly: true }]);
    expect(() =>
      synth((s) => service(s, base(s), 'backend_service', { containers: [{ name: 'app', image: 'example.com/app:1.0.0', mountPoints: [{ volume: 'scratch', path: '/tmp' }] }] })),
    ).toThrow(/containers\.0\.mountPoints: received \[\{"volume":"scratch","path":"\/tmp"\}\]; expected volumes declared in the service's volumes \(\[\]\)/);
  });

  test('attachToTargetGroup registers the tasks after the fact, with the same checks', () => {
    const out = synthString((s) => {
      const b = base(s);
      const svc = service(s, b);
      const tg = new LbTargetGroup(s, 'tg', { name: 't-tg', port: 8080, protocol: 'HTTP', targetType: 'ip', vpcId: b.vpc.id });
      svc.attachToTargetGroup({ targetGroup: tg, containerName: 'app', containerPort: 8080 });
      expect(() => svc.attachToTargetGroup({ targetGroup: tg, containerName: 'app', containerPort: 9090 })).toThrow(/target\.containerPort: received 9090; expected the port of container app \(8080\)/);
    });
    expect(out).toHaveResourceWithProperties(EcsService, {
      load_balancer: [{ target_group_arn: '${aws_lb_target_group.tg.arn}', container_name: 'app', container_port: 8080 }],
      health_check_grace_period_seconds: 60,
    });
  });
});
