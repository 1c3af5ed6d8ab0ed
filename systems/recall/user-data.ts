/**
 * The script has no double quotes: it is passed to Terraform's base64encode() (launch templates
 * take base64 user data), whose argument cannot contain them.
 *
 * First-boot script of the web and backend instances (Amazon Linux 2023): Docker, an ECR login
 * with the instance role, and the application container pinned to its image tag. The image
 * reference is in the script, so a new tag in the environment file makes a new launch template
 * version and the Auto Scaling group replaces its instances (instance refresh).
 */
import { escapeTerraformTemplate } from '../../modules/core/template';

export interface UserDataProps {
  /** Region of the ECR registry. */
  readonly region: string;
  /** Repository URL (a Terraform reference is fine: it is interpolated by Terraform). */
  readonly repositoryUrl: string;
  /** Image tag (pinned in the environment file). */
  readonly imageTag: string;
  /** Port the container listens on (host port too). */
  readonly port: number;
  /** Environment of the container (values may be Terraform references). */
  readonly environment: Readonly<Record<string, string>>;
}

/** Values go into a quoted heredoc: no quotes (Terraform's base64encode argument cannot hold double quotes either), no newlines. */
const SAFE_VALUE = /^[^'"\n]*$/;

export function instanceUserData(props: UserDataProps): string {
  const envLines = Object.entries(props.environment).map(([k, v]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(k) || !SAFE_VALUE.test(v)) throw new Error(`instanceUserData: environment ${k}=${JSON.stringify(v)} must be an upper-case name and a value without quotes or newlines`);
    return `${k}=${v}`;
  });
  const registry = props.repositoryUrl.includes('${') ? props.repositoryUrl : escapeTerraformTemplate(props.repositoryUrl);
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    'dnf install -y docker',
    'systemctl enable --now docker',
    `REGISTRY='${registry}'`,
    `IMAGE=$REGISTRY:${props.imageTag}`,
    `aws ecr get-login-password --region ${props.region} | docker login --username AWS --password-stdin $(echo $REGISTRY | cut -d/ -f1)`,
    "cat > /etc/app.env <<'ENV'",
    ...envLines,
    'ENV',
    `docker run -d --restart=always --name app --env-file /etc/app.env -p ${props.port}:${props.port} $IMAGE`,
    '',
  ].join('\n');
}
