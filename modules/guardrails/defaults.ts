/** Defaults of the guardrails, as data. */
export const GUARDRAILS_DEFAULTS = {
  /** A suppression's reason must be at least this long (a sentence, not "n/a"). */
  minReasonLength: 20,
  /** Ports that may be open to 0.0.0.0/0 and ::/0 (on internet-facing entry points only: CH-SG-002). */
  publicEntryPorts: [80, 443] as readonly number[],
  /** Retention values CloudWatch Logs accepts (days). */
  logRetentionDays: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as readonly number[],
  /** Minimum log retention in the prod tier (CH-LOGS-002). */
  prodMinLogRetentionDays: 365,
  /** Tiers whose stateful resources must have deletion protection and prevent_destroy. */
  protectedTiers: ['staging', 'prod'] as readonly string[],
  /**
   * Resources holding data that cannot be recreated from elsewhere: they need
   * `lifecycle.prevent_destroy` in protected tiers (CH-STATEFUL-002). OpenSearch
   * and ElastiCache are left out on purpose: the index is rebuilt from the
   * database and the cache starts empty.
   */
  statefulTypes: ['aws_s3_bucket', 'aws_db_instance', 'aws_rds_cluster', 'aws_dynamodb_table', 'aws_ebs_volume', 'aws_efs_file_system'] as readonly string[],
  /** Deletion-protection argument of each database type (CH-STATEFUL-001). */
  deletionProtectionArguments: {
    aws_db_instance: 'deletion_protection',
    aws_rds_cluster: 'deletion_protection',
    aws_dynamodb_table: 'deletion_protection_enabled',
  } as Readonly<Record<string, string>>,
  /** AWS managed policies that amount to administrator access (CH-IAM-001). */
  adminManagedPolicies: ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'] as readonly string[],
  /**
   * Actions that support no resource-level permission, so `Resource: "*"` is
   * the only form IAM accepts (CH-IAM-002). An entry ending in `*` is a prefix
   * ("ec2:Describe*" covers ec2:DescribeSubnets). Extend it (in a pull
   * request, with the AWS "Actions, resources, and condition keys" page as
   * source) rather than suppressing the rule.
   */
  unscopedActions: [
    'acm:ListCertificates',
    'application-autoscaling:DescribeScalableTargets',
    'application-autoscaling:DescribeScalingPolicies',
    'autoscaling:Describe*',
    'cloudfront:ListDistributions',
    'cloudwatch:DescribeAlarms',
    'cloudwatch:GetMetricData',
    'cloudwatch:GetMetricStatistics',
    'cloudwatch:ListMetrics',
    'cloudwatch:PutMetricData',
    'comprehend:DetectDominantLanguage',
    'comprehend:DetectSentiment',
    'dynamodb:ListStreams',
    'dynamodb:ListTables',
    'ec2:CreateNetworkInterface',
    'ec2:DeleteNetworkInterface',
    'ec2:Describe*',
    'ec2:DescribeNetworkInterfaces',
    'ec2:AssignPrivateIpAddresses',
    'ec2:UnassignPrivateIpAddresses',
    'ecr:GetAuthorizationToken',
    'ecs:DeregisterTaskDefinition',
    'ecs:DescribeTaskDefinition',
    'ecs:ListClusters',
    'ecs:ListTaskDefinitions',
    'ecs:RegisterTaskDefinition',
    'elasticloadbalancing:Describe*',
    'iam:ListRoles',
    'kinesis:ListStreams',
    'kms:CreateKey',
    'kms:ListAliases',
    'kms:ListKeys',
    'lambda:ListFunctions',
    'logs:DescribeLogGroups',
    'rekognition:DetectLabels',
    'rekognition:DetectModerationLabels',
    'route53:ListHostedZones',
    's3:ListAllMyBuckets',
    'secretsmanager:GetRandomPassword',
    'secretsmanager:ListSecrets',
    'servicediscovery:DiscoverInstances',
    'sns:ListTopics',
    'sqs:ListQueues',
    'ssm:DescribeParameters',
    'ssmmessages:CreateControlChannel',
    'ssmmessages:CreateDataChannel',
    'ssmmessages:OpenControlChannel',
    'ssmmessages:OpenDataChannel',
    'sts:GetCallerIdentity',
    'translate:TranslateText',
    'xray:GetSamplingRules',
    'xray:GetSamplingStatisticSummaries',
    'xray:GetSamplingTargets',
    'xray:PutTelemetryRecords',
    'xray:PutTraceSegments',
  ] as readonly string[],
  /** Principals whose aws_lambda_permission makes an asynchronous invocation source (CH-LAMBDA-001). */
  asyncInvokePrincipals: ['sns.amazonaws.com', 's3.amazonaws.com', 'events.amazonaws.com', 'logs.amazonaws.com', 'ses.amazonaws.com', 'iot.amazonaws.com', 'cloudwatch.amazonaws.com', 'config.amazonaws.com', 'codecommit.amazonaws.com'] as readonly string[],
  /** ALB listener policies that allow TLS 1.2+ only (prefixes; CH-ALB-001). */
  modernAlbTlsPolicies: ['ELBSecurityPolicy-TLS13-1-2', 'ELBSecurityPolicy-TLS13-1-3', 'ELBSecurityPolicy-TLS-1-2', 'ELBSecurityPolicy-FS-1-2'] as readonly string[],
  /** CloudFront viewer minimum protocol versions that are TLS 1.2+ (CH-CLOUDFRONT-002). */
  modernCloudFrontTlsVersions: ['TLSv1.2_2018', 'TLSv1.2_2019', 'TLSv1.2_2021', 'TLSv1.3_2025'] as readonly string[],
} as const;
