import { Construct, Node } from 'constructs';
import { TerraformElement, TerraformStack } from 'cdktf';

/**
 * A stack whose Terraform addresses are the construct path in snake case,
 * without hash suffixes: `aws_instance.docker_host_instance` rather than
 * `aws_instance.DockerHost_Instance_1A2B3C4D`. Addresses are a public
 * contract (state moves, reviews), so a collision is an error, never a
 * silent rename.
 */
export class ReadableStack extends TerraformStack {
  private readonly allocated = new Map<string, string>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
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
