import { Construct, IConstruct } from 'constructs';
import { Fn, TerraformLocal, TerraformStack } from 'cdktf';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { ServiceDiscoveryHttpNamespace } from '@cdktf/provider-aws/lib/service-discovery-http-namespace';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { LOG_RETENTION_DAYS, PropRule, validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { escapeTerraformTemplate } from '../core/template';
import { ServiceRole } from '../iam/role';
import { ISecretReference } from '../secret';
import { CLUSTER_DEFAULTS, FARGATE_CPU_MEMORY_MIB, FARGATE_SERVICE_DEFAULTS, FARGATE_SERVICE_SETTINGS } from './defaults';

// ---------------------------------------------------------------------------
// Cluster
// ---------------------------------------------------------------------------

export interface ClusterProps {
  /** Prefix of every resource name, e.g. "classifyhub-dev"; the cluster is "<prefix>-cluster". */
  readonly namePrefix: string;
  /**
   * Name of the Cloud Map HTTP namespace used by Service Connect, e.g.
   * "classifyhub-dev.internal". It becomes the cluster's Service Connect default.
   */
  readonly serviceConnectNamespace: string;
  /**
   * CloudWatch Container Insights.
   * @default 'enabled'
   */
  readonly containerInsights?: 'enabled' | 'enhanced' | 'disabled';
}

/**
 * An ECS cluster (Fargate only, no EC2 capacity) with Container Insights and
 * a Cloud Map HTTP namespace set as its Service Connect default, so every
 * `FargateService` in it can reach the others by their discovery names.
 */
export class Cluster extends Construct {
  readonly cluster: EcsCluster;
  readonly namespace: ServiceDiscoveryHttpNamespace;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const p = withDefaults(CLUSTER_DEFAULTS, props);
    validateProps('Cluster', p, [
      { field: 'namePrefix', valid: (x) => /^[a-z][a-z0-9-]{0,246}$/.test(x.namePrefix), expected: 'lower-case letters, digits and dashes, starting with a letter' },
      {
        field: 'serviceConnectNamespace',
        valid: (x) => x.serviceConnectNamespace.length <= 253 && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(x.serviceConnectNamespace),
        expected: 'a lower-case DNS-style name such as classifyhub-dev.internal',
      },
      { field: 'containerInsights', valid: (x) => ['enabled', 'enhanced', 'disabled'].includes(x.containerInsights), expected: "'enabled', 'enhanced' or 'disabled'" },
    ]);
    this.namespace = new ServiceDiscoveryHttpNamespace(this, 'namespace', {
      name: p.serviceConnectNamespace,
      description: `Service Connect namespace of ${p.namePrefix}`,
      tags: nameTags(p.serviceConnectNamespace),
    });
    this.cluster = new EcsCluster(this, 'cluster', {
      name: `${p.namePrefix}-cluster`,
      setting: [{ name: 'containerInsights', value: p.containerInsights }],
      serviceConnectDefaults: { namespace: this.namespace.arn },
      tags: nameTags(`${p.namePrefix}-cluster`),
    });
  }

  get clusterName(): string {
    return this.cluster.name;
  }

  get clusterArn(): string {
    return this.cluster.arn;
  }

  get namespaceArn(): string {
    return this.namespace.arn;
  }
}

// ---------------------------------------------------------------------------
// FargateService
// ---------------------------------------------------------------------------

/** A Secrets Manager secret (or one JSON key of it) injected as an environment variable. */
export interface SecretValue {
  /** The secret; the execution role is granted read on it. */
  readonly secret: ISecretReference;
  /**
   * Key inside a JSON secret value.
   * @default none - the whole secret value
   */
  readonly jsonKey?: string;
}

/** Start-up ordering between containers of one task. */
export interface ContainerDependency {
  /** Another container of the same task. */
  readonly containerName: string;
  /** HEALTHY needs a healthCheckCommand on that container; COMPLETE/SUCCESS suit init containers. */
  readonly condition: 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';
}

/** One container of the task. */
export interface ContainerProps {
  /** Container name, unique in the task (letters, digits, `_`, `-`). */
  readonly name: string;
  /**
   * Image with an explicit tag or digest, e.g. `${repository.repositoryUrl}:1.4.2`.
   * `:latest` and untagged images are refused: a new tag is what rolls out a release.
   */
  readonly image: string;
  /**
   * If this container stops, the whole task stops.
   * @default true
   */
  readonly essential?: boolean;
  /**
   * TCP port the container listens on (awsvpc: host port = container port).
   * @default none - no port mapping
   */
  readonly port?: number;
  /**
   * Name of the port mapping, used by Service Connect (`serviceConnect.portName`). Needs `port`.
   * @default none - the port is not named and cannot be published with Service Connect
   */
  readonly portName?: string;
  /**
   * Plain environment variables (rendered sorted by name).
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Environment variables read from Secrets Manager at task start (rendered sorted by name).
   * @default none
   */
  readonly secrets?: Readonly<Record<string, SecretValue>>;
  /**
   * Overrides the image's CMD.
   * @default the image's CMD
   */
  readonly command?: readonly string[];
  /**
   * Overrides the image's ENTRYPOINT.
   * @default the image's ENTRYPOINT
   */
  readonly entryPoint?: readonly string[];
  /**
   * Container health check, e.g. `['CMD-SHELL', 'curl -fsS localhost:8080/healthz || exit 1']`
   * (first element `CMD` or `CMD-SHELL`); interval 30 s, timeout 5 s, 3 retries, 60 s start period.
   * @default none - ECS only watches that the process runs
   */
  readonly healthCheckCommand?: readonly string[];
  /**
   * Mount the container's root file system read-only (images that write must use a different path or set false).
   * @default true, or false when the service has enableExecuteCommand (the SSM agent must write)
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * User (name, uid or uid:gid) the process runs as.
   * @default the image's USER
   */
  readonly user?: string;
  /**
   * Containers that must reach a state before this one starts.
   * @default none
   */
  readonly dependsOn?: readonly ContainerDependency[];
  /**
   * Task volumes (from the service's `volumes`) mounted into this container,
   * e.g. a tmpfs-like scratch volume an init container fills for the app.
   * @default none
   */
  readonly mountPoints?: readonly { readonly volume: string; readonly path: string; readonly readOnly?: boolean }[];
}

/** Publishing a port of the service in the cluster's Service Connect namespace. */
export interface ServiceConnectProps {
  /** `portName` of the container port to publish. */
  readonly portName: string;
  /** Name clients use: `http://<discoveryName>:<port>`. */
  readonly discoveryName: string;
  /** Port clients connect to (the client alias); usually the container port. */
  readonly port: number;
}

/** Registering the service's tasks in an ALB/NLB target group. */
export interface LoadBalancerTargetProps {
  /** Target group with target_type "ip" (awsvpc tasks register by IP). */
  readonly targetGroup: LbTargetGroup;
  /** Container receiving the traffic. */
  readonly containerName: string;
  /** That container's port. */
  readonly containerPort: number;
}

export interface FargateServiceProps {
  /** Cluster the service runs in; its namespace makes the service a Service Connect client. */
  readonly cluster: Cluster;
  /** Short service name, e.g. "backend"; the ECS service is "<namePrefix>-<serviceName>". */
  readonly serviceName: string;
  /** Prefix of every resource name, e.g. "classifyhub-dev". */
  readonly namePrefix: string;
  /** VPC of the subnets (holds the service's security group). */
  readonly vpc: Vpc;
  /** Private subnets the tasks run in (no public IP is assigned; none may be tagged Tier=public). */
  readonly subnets: readonly Subnet[];
  /** Containers of the task, in order; at least one essential. */
  readonly containers: readonly ContainerProps[];
  /** Name of the CloudWatch log group the containers (and the Service Connect proxy) log to. */
  readonly logGroupName: string;
  /** Retention of the log group, days (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /**
   * Task CPU units (1024 = 1 vCPU).
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory, MiB; must be a valid Fargate combination with `cpu`.
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * CPU architecture of the task (images must be built for it).
   * @default 'X86_64'
   */
  readonly cpuArchitecture?: 'X86_64' | 'ARM64';
  /**
   * Publish a container port in the cluster's Service Connect namespace.
   * @default none - the service is only a Service Connect client
   */
  readonly serviceConnect?: ServiceConnectProps;
  /**
   * Tasks started when the service is created. Later changes are ignored
   * (lifecycle.ignore_changes): autoscaling owns the running count.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Fewest tasks autoscaling keeps.
   * @default 2
   */
  readonly minCapacity?: number;
  /**
   * Most tasks autoscaling starts.
   * @default 6
   */
  readonly maxCapacity?: number;
  /**
   * Average CPU utilisation target tracking aims for, percent.
   * @default 60
   */
  readonly targetCpuPercent?: number;
  /**
   * Average memory utilisation target, percent.
   * @default none - no memory scaling policy
   */
  readonly targetMemoryPercent?: number;
  /**
   * Register tasks in a load balancer target group.
   * @default none - not behind a load balancer
   */
  readonly loadBalancerTarget?: LoadBalancerTargetProps;
  /**
   * Seconds load balancer health checks are ignored after a task starts. Only with `loadBalancerTarget`.
   * @default 60 with a load balancer target, otherwise not set
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Names of task-scoped ephemeral volumes (Fargate task storage, gone with the
   * task) that containers can mount with `mountPoints`.
   * @default none
   */
  readonly volumes?: readonly string[];
  /**
   * ECS Exec (`aws ecs execute-command`): grants ssmmessages to the task role.
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SC_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;
const TOKEN_ONLY = /^\$\{TfToken\[[^\]]+\]\}$/;
const isPort = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;
const isPercent = (n: unknown): boolean => typeof n === 'number' && n > 0 && n <= 100;

/** True when an image names a tag (not "latest") or a digest; a string that is only a token cannot be checked. */
function imageIsPinned(image: string): boolean {
  if (TOKEN_ONLY.test(image)) return true;
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  if (colon === -1) return false;
  const tag = last.slice(colon + 1);
  return tag !== 'latest' && (TOKEN_ONLY.test(tag) || /^\w[\w.-]{0,127}$/.test(tag));
}

/** Escapes `${`/`%{` in literal text, leaving CDKTF token markers (they resolve to references) alone. */
function escapeLiterals(value: unknown): unknown {
  if (typeof value === 'string') {
    return value
      .split(/(\$\{TfToken\[[^\]]*\]\})/)
      .map((part, i) => (i % 2 === 1 ? part : escapeTerraformTemplate(part)))
      .join('');
  }
  if (Array.isArray(value)) return value.map(escapeLiterals);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeLiterals(v)]));
  }
  return value;
}

/** Construct path below the stack, snake-joined: the peer's Terraform address name, used in rule IDs. */
function pathId(c: IConstruct): string {
  const scopes = c.node.scopes;
  const stack = TerraformStack.of(c);
  return scopes
    .slice(scopes.indexOf(stack) + 1)
    .map((s) => s.node.id)
    .join('_')
    .replace(/[^A-Za-z0-9_-]/g, '_');
}

const byName = <T>(record: Readonly<Record<string, T>> | undefined): [string, T][] =>
  Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * An ECS service on Fargate in private subnets: task definition (awsvpc,
 * read-only root file systems, awslogs), execution and task roles, a security
 * group with only outbound HTTPS until connected with `allowFrom`/`allowTo`,
 * Service Connect (always a client; a server with `serviceConnect`), rolling
 * deployments with circuit breaker and rollback, and target-tracking
 * autoscaling that owns the running task count.
 */
export class FargateService extends Construct {
  readonly service: EcsService;
  readonly taskDefinition: EcsTaskDefinition;
  readonly securityGroup: SecurityGroup;
  readonly taskRole: ServiceRole;
  readonly executionRole: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly scalingTarget: AppautoscalingTarget;
  /** `<discoveryName>:<port>` other services use, when the service publishes one with Service Connect. */
  readonly serviceConnectAddress?: string;
  private readonly cluster: Cluster;
  /** The task's containers as given (for attachToTargetGroup's checks). */
  readonly containers: readonly ContainerProps[];

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const p = withDefaults(FARGATE_SERVICE_DEFAULTS, props);
    this.containers = props.containers;
    this.cluster = p.cluster;
    validateFargateServiceProps(p);
    const fullName = `${p.namePrefix}-${p.serviceName}`;
    const S = FARGATE_SERVICE_SETTINGS;

    this.logGroup = new CloudwatchLogGroup(this, 'log_group', {
      name: p.logGroupName,
      retentionInDays: p.logRetentionDays,
      tags: nameTags(fullName),
    });
    // The log group ARN is arn:aws:logs:<region>:<account>:log-group:<name>: the region without a data source.
    // A local keeps the quoted ":" out of container_definitions, which stays parseable JSON.
    const logRegion = new TerraformLocal(this, 'log_region', Fn.element(Fn.split(':', this.logGroup.arn), 3)).asString;
    const awslogs = (streamPrefix: string) => ({
      logDriver: 'awslogs',
      options: { 'awslogs-group': this.logGroup.name, 'awslogs-region': logRegion, 'awslogs-stream-prefix': streamPrefix },
    });

    this.executionRole = new ServiceRole(this, 'execution_role', {
      roleName: `${fullName}-execution`,
      assumedBy: 'ecs-tasks.amazonaws.com',
      description: `ECS agent of ${fullName}: pulls images, reads secrets, writes logs`,
    });
    this.executionRole.addToPolicy({
      sid: 'WriteServiceLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.arn, `${this.logGroup.arn}:*`],
    });
    const granted = new Set<ISecretReference>();
    for (const c of p.containers) {
      for (const [, v] of byName(c.secrets)) {
        if (granted.has(v.secret)) continue;
        granted.add(v.secret);
        v.secret.grantRead(this.executionRole);
      }
    }

    this.taskRole = new ServiceRole(this, 'task_role', {
      roleName: `${fullName}-task`,
      assumedBy: 'ecs-tasks.amazonaws.com',
      description: `Application containers of ${fullName}`,
    });
    if (p.enableExecuteCommand) {
      this.taskRole.addToPolicy({
        // The SSM message channels of ECS Exec have no ARN to scope to: IAM requires "*".
        sid: 'EcsExecSsmMessagesResourceStarRequired',
        actions: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
        resources: ['*'],
      });
    }

    const containerDefinitions = p.containers.map((c) => {
      const def: Record<string, unknown> = { name: c.name, image: c.image, essential: c.essential ?? true };
      if (c.entryPoint) def.entryPoint = [...c.entryPoint];
      if (c.command) def.command = [...c.command];
      if (c.user !== undefined) def.user = c.user;
      def.readonlyRootFilesystem = c.readonlyRootFilesystem ?? !p.enableExecuteCommand;
      if (c.port !== undefined) {
        def.portMappings = [{ ...(c.portName ? { name: c.portName } : {}), containerPort: c.port, hostPort: c.port, protocol: 'tcp' }];
      }
      const env = byName(c.environment);
      if (env.length) def.environment = env.map(([name, value]) => ({ name, value }));
      const secrets = byName(c.secrets);
      if (secrets.length) {
        def.secrets = secrets.map(([name, v]) => ({
          name,
          valueFrom: v.jsonKey === undefined ? v.secret.secretArn : `${v.secret.secretArn}:${v.jsonKey}::`,
        }));
      }
      if (c.healthCheckCommand) {
        def.healthCheck = {
          command: [...c.healthCheckCommand],
          interval: S.healthCheck.intervalSeconds,
          timeout: S.healthCheck.timeoutSeconds,
          retries: S.healthCheck.retries,
          startPeriod: S.healthCheck.startPeriodSeconds,
        };
      }
      if (c.dependsOn?.length) def.dependsOn = c.dependsOn.map((d) => ({ containerName: d.containerName, condition: d.condition }));
      if (c.mountPoints?.length) def.mountPoints = c.mountPoints.map((m) => ({ sourceVolume: m.volume, containerPath: m.path, readOnly: m.readOnly ?? false }));
      def.logConfiguration = awslogs(p.serviceName);
      return escapeLiterals(def);
    });

    this.taskDefinition = new EcsTaskDefinition(this, 'task_definition', {
      family: fullName,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(p.cpu),
      memory: String(p.memoryMiB),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: p.cpuArchitecture },
      executionRoleArn: this.executionRole.roleArn,
      taskRoleArn: this.taskRole.roleArn,
      containerDefinitions: JSON.stringify(containerDefinitions),
      ...(p.volumes?.length ? { volume: p.volumes.map((name) => ({ name })) } : {}),
      // A new revision is registered and the service switched to it before the old one is deregistered.
      lifecycle: { createBeforeDestroy: true },
      tags: nameTags(fullName),
    });

    this.securityGroup = new SecurityGroup(this, 'security_group', {
      name: fullName,
      description: `ECS service ${p.serviceName} of ${p.namePrefix}`,
      vpcId: p.vpc.id,
      tags: nameTags(fullName),
    });
    new VpcSecurityGroupEgressRule(this, 'egress_https', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS to AWS APIs (ECR, Secrets Manager, CloudWatch Logs) through NAT or VPC endpoints',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: S.egressHttpsCidr,
    });

    const lb = p.loadBalancerTarget;
    const sc = p.serviceConnect;
    if (sc) this.serviceConnectAddress = `${sc.discoveryName}:${sc.port}`;
    this.service = new EcsService(this, 'service', {
      name: fullName,
      cluster: p.cluster.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: p.desiredCount,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: {
        subnets: p.subnets.map((s) => s.id),
        securityGroups: [this.securityGroup.id],
        assignPublicIp: false,
      },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: S.deploymentMinimumHealthyPercent,
      deploymentMaximumPercent: S.deploymentMaximumPercent,
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true,
      enableExecuteCommand: p.enableExecuteCommand,
      waitForSteadyState: false,
      loadBalancer: lb ? [{ targetGroupArn: lb.targetGroup.arn, containerName: lb.containerName, containerPort: lb.containerPort }] : undefined,
      healthCheckGracePeriodSeconds: lb ? (p.healthCheckGracePeriodSeconds ?? S.loadBalancedHealthCheckGracePeriodSeconds) : undefined,
      serviceConnectConfiguration: {
        enabled: true,
        namespace: p.cluster.namespaceArn,
        logConfiguration: awslogs(`${p.serviceName}-service-connect`),
        service: sc ? [{ portName: sc.portName, discoveryName: sc.discoveryName, clientAlias: { port: sc.port, dnsName: sc.discoveryName } }] : undefined,
      },
      // Autoscaling changes the running count; Terraform only sets the initial one.
      lifecycle: { ignoreChanges: ['desired_count'] },
      tags: nameTags(fullName),
    });

    this.scalingTarget = new AppautoscalingTarget(this, 'scaling_target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${p.cluster.clusterName}/${this.service.name}`,
      minCapacity: p.minCapacity,
      maxCapacity: p.maxCapacity,
    });
    const trackingPolicy = (id: string, suffix: string, metric: string, target: number) =>
      new AppautoscalingPolicy(this, id, {
        name: `${fullName}-${suffix}`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: this.scalingTarget.serviceNamespace,
        scalableDimension: this.scalingTarget.scalableDimension,
        resourceId: this.scalingTarget.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: target,
          predefinedMetricSpecification: { predefinedMetricType: metric },
          scaleInCooldown: S.scaleInCooldownSeconds,
          scaleOutCooldown: S.scaleOutCooldownSeconds,
        },
      });
    trackingPolicy('cpu_scaling', 'cpu', 'ECSServiceAverageCPUUtilization', p.targetCpuPercent);
    if (p.targetMemoryPercent !== undefined) {
      trackingPolicy('memory_scaling', 'memory', 'ECSServiceAverageMemoryUtilization', p.targetMemoryPercent);
    }
  }

  /** Name of the ECS service in AWS ("<namePrefix>-<serviceName>"). */
  get serviceName(): string {
    return this.service.name;
  }

  get clusterName(): string {
    return this.cluster.clusterName;
  }

  /**
   * Registers the tasks in a target group made after the service - for a load
   * balancer whose target needs this service's security group first. Same
   * checks as the `loadBalancerTarget` prop.
   */
  attachToTargetGroup(target: LoadBalancerTargetProps, healthCheckGracePeriodSeconds: number = FARGATE_SERVICE_SETTINGS.loadBalancedHealthCheckGracePeriodSeconds): void {
    const container = this.containers.find((c) => c.name === target.containerName);
    validateProps('FargateService', { target, healthCheckGracePeriodSeconds }, [
      { field: 'target.containerName', valid: () => container !== undefined, expected: `one of the containers ${JSON.stringify(this.containers.map((c) => c.name))}` },
      { field: 'target.containerPort', valid: (x) => container === undefined || container.port === x.target.containerPort, expected: `the port of container ${target.containerName} (${container?.port ?? 'none'})` },
      { field: 'healthCheckGracePeriodSeconds', valid: (x) => Number.isInteger(x.healthCheckGracePeriodSeconds) && x.healthCheckGracePeriodSeconds >= 0, expected: 'a whole number >= 0' },
    ]);
    this.service.putLoadBalancer([{ targetGroupArn: target.targetGroup.arn, containerName: target.containerName, containerPort: target.containerPort }]);
    this.service.healthCheckGracePeriodSeconds = healthCheckGracePeriodSeconds;
  }

  /**
   * Lets `peer` open TCP connections to this service on `port`: an ingress
   * rule on this service's security group (`ingress_from_<peer>_<port>`).
   * The peer's own egress is its owner's business.
   */
  allowFrom(peer: SecurityGroup, port: number, description: string): void {
    checkRule('FargateService.allowFrom', port, description);
    new VpcSecurityGroupIngressRule(this, `ingress_from_${pathId(peer)}_${port}`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: peer.id,
      description,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
    });
  }

  /**
   * Lets this service open TCP connections to `peer` on `port`: an egress rule
   * on this service's group (`egress_to_<peer>_<port>`) and an ingress rule on
   * the peer's group from this one (`peer_ingress_<peer>_<port>`).
   */
  allowTo(peer: SecurityGroup, port: number, description: string): void {
    checkRule('FargateService.allowTo', port, description);
    const peerId = pathId(peer);
    new VpcSecurityGroupEgressRule(this, `egress_to_${peerId}_${port}`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: peer.id,
      description,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
    });
    new VpcSecurityGroupIngressRule(this, `peer_ingress_${peerId}_${port}`, {
      securityGroupId: peer.id,
      referencedSecurityGroupId: this.securityGroup.id,
      description,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
    });
  }
}

function checkRule(owner: string, port: number, description: string): void {
  validateProps(owner, { port, description }, [
    { field: 'port', valid: (x) => isPort(x.port), expected: 'a whole number from 1 to 65535' },
    // Security group rule descriptions: up to 255 characters of a restricted set.
    { field: 'description', valid: (x) => /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/.test(x.description), expected: "1-255 characters of letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*" },
  ]);
}

type ResolvedServiceProps = FargateServiceProps & typeof FARGATE_SERVICE_DEFAULTS & { cpuArchitecture: string };

/** Validates on a plain view of the props (no constructs), so every message can show the value. */
function validateFargateServiceProps(p: ResolvedServiceProps): void {
  const containers = p.containers.map((c) => ({
    ...c,
    secrets: c.secrets && Object.fromEntries(Object.entries(c.secrets).map(([k, v]) => [k, { jsonKey: v.jsonKey }])),
  }));
  const containerNames = p.containers.map((c) => c.name);
  const portNames = p.containers.flatMap((c) => (c.portName ? [c.portName] : []));
  const lb = p.loadBalancerTarget;
  const view = {
    serviceName: p.serviceName,
    namePrefix: p.namePrefix,
    executionRoleName: `${p.namePrefix}-${p.serviceName}-execution`,
    subnets: p.subnets.map((s) => ({ tier: (s.tagsInput ?? {}).Tier ?? 'untagged' })),
    cpu: p.cpu,
    memoryMiB: p.memoryMiB,
    cpuArchitecture: p.cpuArchitecture,
    containers,
    containerNames,
    portNames,
    serviceConnect: p.serviceConnect,
    desiredCount: p.desiredCount,
    minCapacity: p.minCapacity,
    maxCapacity: p.maxCapacity,
    targetCpuPercent: p.targetCpuPercent,
    targetMemoryPercent: p.targetMemoryPercent,
    loadBalancerTarget: lb && { containerName: lb.containerName, containerPort: lb.containerPort, targetType: lb.targetGroup.targetTypeInput ?? 'instance (provider default)' },
    healthCheckGracePeriodSeconds: p.healthCheckGracePeriodSeconds,
    logGroupName: p.logGroupName,
    logRetentionDays: p.logRetentionDays,
    enableExecuteCommand: p.enableExecuteCommand,
  };
  type View = typeof view;
  const memories = FARGATE_CPU_MEMORY_MIB[p.cpu] ?? [];
  const rules: PropRule<View>[] = [
    { field: 'serviceName', valid: (x) => /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(x.serviceName), expected: '1-32 lower-case letters, digits or dashes, starting with a letter' },
    { field: 'executionRoleName', valid: (x) => x.executionRoleName.length <= 64, expected: 'at most 64 characters: shorten namePrefix or serviceName ("<namePrefix>-<serviceName>-execution" is an IAM role name)' },
    { field: 'subnets', valid: (x) => x.subnets.length >= 1 && x.subnets.every((s) => s.tier !== 'public'), expected: 'at least one subnet, none tagged Tier=public (tasks run in private subnets)' },
    { field: 'cpu', valid: (x) => FARGATE_CPU_MEMORY_MIB[x.cpu] !== undefined, expected: `one of ${Object.keys(FARGATE_CPU_MEMORY_MIB).join(', ')}` },
    {
      field: 'memoryMiB',
      valid: (x) => memories.includes(x.memoryMiB),
      expected: memories.length ? `with cpu ${p.cpu}, one of ${memories.join(', ')}` : `a valid Fargate size (cpu ${p.cpu} is not one)`,
    },
    { field: 'cpuArchitecture', valid: (x) => ['X86_64', 'ARM64'].includes(x.cpuArchitecture), expected: "'X86_64' or 'ARM64'" },
    { field: 'containers', valid: (x) => x.containers.some((c) => c.essential ?? true), expected: 'at least one essential container (essential defaults to true)' },
    { field: 'containerNames', valid: (x) => new Set(x.containerNames).size === x.containerNames.length, expected: 'unique container names' },
    { field: 'portNames', valid: (x) => new Set(x.portNames).size === x.portNames.length, expected: 'unique portName values' },
    { field: 'minCapacity', valid: (x) => Number.isInteger(x.minCapacity) && x.minCapacity >= 1, expected: 'a whole number >= 1' },
    { field: 'maxCapacity', valid: (x) => Number.isInteger(x.maxCapacity) && x.maxCapacity >= x.minCapacity, expected: `a whole number >= minCapacity (${p.minCapacity})` },
    {
      field: 'desiredCount',
      valid: (x) => Number.isInteger(x.desiredCount) && x.desiredCount >= x.minCapacity && x.desiredCount <= x.maxCapacity,
      expected: `a whole number from minCapacity (${p.minCapacity}) to maxCapacity (${p.maxCapacity})`,
    },
    { field: 'targetCpuPercent', valid: (x) => isPercent(x.targetCpuPercent), expected: 'a percentage above 0, at most 100' },
    { field: 'targetMemoryPercent', valid: (x) => x.targetMemoryPercent === undefined || isPercent(x.targetMemoryPercent), expected: 'a percentage above 0, at most 100' },
    { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
    { field: 'logGroupName', valid: (x) => /^[\w.\-/#]{1,512}$/.test(x.logGroupName), expected: '1-512 characters of [A-Za-z0-9_.-/#]' },
    {
      field: 'healthCheckGracePeriodSeconds',
      valid: (x) => x.healthCheckGracePeriodSeconds === undefined || (x.loadBalancerTarget !== undefined && Number.isInteger(x.healthCheckGracePeriodSeconds) && x.healthCheckGracePeriodSeconds >= 0 && x.healthCheckGracePeriodSeconds <= 2147483647),
      expected: 'nothing unless loadBalancerTarget is set (ECS rejects a grace period without a load balancer), then a whole number >= 0',
    },
  ];
  if (view.serviceConnect) {
    rules.push(
      { field: 'serviceConnect.portName', valid: (x) => x.portNames.includes(x.serviceConnect!.portName), expected: `the portName of a container (container port names: ${JSON.stringify(portNames)})` },
      { field: 'serviceConnect.discoveryName', valid: (x) => SC_NAME.test(x.serviceConnect!.discoveryName), expected: 'up to 64 lower-case letters, digits, _ or -, starting and ending with a letter or digit' },
      { field: 'serviceConnect.port', valid: (x) => isPort(x.serviceConnect!.port), expected: 'a whole number from 1 to 65535' },
    );
  }
  if (view.loadBalancerTarget) {
    const target = p.containers.find((c) => c.name === lb!.containerName);
    rules.push(
      { field: 'loadBalancerTarget.containerName', valid: () => target !== undefined, expected: `one of the containers ${JSON.stringify(containerNames)}` },
      { field: 'loadBalancerTarget.containerPort', valid: (x) => target === undefined || target.port === x.loadBalancerTarget!.containerPort, expected: `the port of container ${lb!.containerName} (${target?.port ?? 'none'})` },
      { field: 'loadBalancerTarget.targetType', valid: (x) => x.loadBalancerTarget!.targetType === 'ip', expected: "a target group with targetType 'ip' (awsvpc tasks register by IP)" },
    );
  }
  p.containers.forEach((c, i) => {
    const at = `containers.${i}`;
    const envKeys = Object.keys(c.environment ?? {});
    const secretKeys = Object.keys(c.secrets ?? {});
    rules.push(
      { field: `${at}.name`, valid: () => /^[A-Za-z0-9_-]{1,255}$/.test(c.name), expected: '1-255 letters, digits, _ or -' },
      { field: `${at}.image`, valid: () => imageIsPinned(c.image), expected: 'an image with an explicit tag other than latest (repository:tag) or a digest (@sha256:...)' },
      { field: `${at}.port`, valid: () => c.port === undefined || isPort(c.port), expected: 'a whole number from 1 to 65535' },
      { field: `${at}.portName`, valid: () => c.portName === undefined || (c.port !== undefined && SC_NAME.test(c.portName)), expected: 'a port (set port) and up to 64 lower-case letters, digits, _ or -' },
      { field: `${at}.environment`, valid: () => envKeys.every((k) => ENV_NAME.test(k) && !secretKeys.includes(k)), expected: 'variable names of [A-Za-z0-9_] not starting with a digit, none also in secrets' },
      { field: `${at}.secrets`, valid: () => secretKeys.every((k) => ENV_NAME.test(k) && (c.secrets![k].jsonKey === undefined || /^[^:]{1,512}$/.test(c.secrets![k].jsonKey!))), expected: 'variable names of [A-Za-z0-9_] not starting with a digit, jsonKey without ":"' },
      { field: `${at}.healthCheckCommand`, valid: () => c.healthCheckCommand === undefined || (c.healthCheckCommand.length >= 2 && ['CMD', 'CMD-SHELL'].includes(c.healthCheckCommand[0])), expected: "['CMD', exe, args...] or ['CMD-SHELL', 'shell command']" },
      {
        field: `${at}.dependsOn`,
        valid: () =>
          (c.dependsOn ?? []).every((d) => {
            const other = p.containers.find((o) => o.name === d.containerName);
            return other !== undefined && other !== c && ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'].includes(d.condition) && (d.condition !== 'HEALTHY' || other.healthCheckCommand !== undefined);
          }),
        expected: `other containers of the task (${JSON.stringify(containerNames)}); HEALTHY only on a container with healthCheckCommand`,
      },
      {
        field: `${at}.mountPoints`,
        valid: () => (c.mountPoints ?? []).every((m) => (p.volumes ?? []).includes(m.volume) && m.path.startsWith('/')),
        expected: `volumes declared in the service's volumes (${JSON.stringify(p.volumes ?? [])}) and absolute paths`,
      },
      { field: `${at}.readonlyRootFilesystem`, valid: () => !(p.enableExecuteCommand && c.readonlyRootFilesystem === true), expected: 'not true with enableExecuteCommand (the ECS Exec agent writes to the container file system)' },
    );
  });
  validateProps('FargateService', view, rules);
}
