/**
 * Boot script of the EC2 instance behind the ALB (seed: "ECR -> EC2", "LB -> EC2", "EC2 -> S1"): installs Docker,
 * pulls the worker image from ECR with the instance role, and runs it in `serve` mode on the worker port, logging to
 * the instance group's log group. The image writes report exports to S1 under reports/.
 */
import { escapeTerraformTemplate } from '../../modules/core/template';

export interface WorkerUserData {
  readonly region: string;
  /** Registry host, <account>.dkr.ecr.<region>.amazonaws.com. */
  readonly registry: string;
  readonly image: string;
  readonly port: number;
  readonly logGroup: string;
  readonly exportBucket: string;
}

export function renderWorkerUserData(u: WorkerUserData): string {
  const script = [
    '#!/bin/bash',
    'set -euo pipefail',
    'dnf install -y docker',
    'systemctl enable --now docker',
    `aws ecr get-login-password --region ${u.region} | docker login --username AWS --password-stdin ${u.registry}`,
    `docker pull ${u.image}`,
    'docker rm -f worker 2>/dev/null || true',
    [
      'docker run -d --name worker --restart always',
      `-p ${u.port}:${u.port}`,
      `-e AWS_REGION=${u.region} -e EXPORT_BUCKET=${u.exportBucket} -e PORT=${u.port}`,
      `--log-driver awslogs --log-opt awslogs-region=${u.region} --log-opt awslogs-group=${u.logGroup} --log-opt awslogs-stream=worker`,
      '--read-only --cap-drop ALL --security-opt no-new-privileges',
      `${u.image} serve`,
    ].join(' '),
    '',
  ].join('\n');
  return escapeTerraformTemplate(script);
}
