import { Construct, Node } from 'constructs';
import { TerraformElement, TerraformStack } from 'cdktf';
import { declareStateBackend, type StateEnvironment } from './state-backend';

export interface ReadableStackProps {
  /**
   * The environment the stack belongs to. Its `state` names the S3 backend the stack declares
   * (`<keyPrefix><stack>/terraform.tfstate` in the environment's state bucket, see ./state-backend.ts), so
   * `npm run deploy` and `npx cdktf deploy <stack>` use the same state. Every system stack passes it.
   * @default none - no backend: Terraform's local default (module tests and fixtures)
   */
  readonly environment?: StateEnvironment;
}

/**
 * A stack whose Terraform addresses are the construct path in snake case,
 * without hash suffixes: `aws_instance.docker_host_instance` rather than
 * `aws_instance.DockerHost_Instance_1A2B3C4D`. Addresses are a public
 * contract (state moves, reviews), so a collision is an error, never a
 * silent rename. Given the environment, the stack declares its S3 state backend.
 */
export class ReadableStack extends TerraformStack {
  private readonly allocated = new Map<string, string>();

  constructor(scope: Construct, id: string, props: ReadableStackProps = {}) {
    super(scope, id);
    if (props.environment) declareStateBackend(this, props.environment);
  }

  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = element instanceof Node ? element : element.node;
    const parts = node.scopes.slice(node.scopes.indexOf(this) + 1).map((s) => s.node.id);
    const id = parts.join('_').replace(/[^A-Za-z0-9_-]/g, '_');
    const owner = this.allocated.get(id);
    if (owner !== undefined && owner !== node.path) {
      throw new Error(`Terraform address collision in stack ${this.node.id}: "${id}" is used by ${owner} and ${node.path}`);
    }
    this.allocated.set(id, node.path);
    return id;
  }
}
