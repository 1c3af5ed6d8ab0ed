import type { IGrantable } from '../iam/policy';
import { pascalCase } from '../core/tags';

/** CloudWatch namespaces: 1-255 characters, no leading colon, not in the reserved "AWS/" space. */
const NAMESPACE = /^(?!AWS\/)(?!:)[A-Za-z0-9._#:/-]{1,255}$/;

/**
 * Lets the grantee publish custom metrics (`cloudwatch:PutMetricData`) to
 * exactly one namespace. PutMetricData has no resource-level permissions, so
 * the statement's Resource is "*" and the `cloudwatch:namespace` condition key
 * does the scoping: a call naming any other namespace is denied.
 */
export function grantPutMetricData(grantee: IGrantable, namespace: string): void {
  if (!NAMESPACE.test(namespace)) {
    throw new Error(`grantPutMetricData: namespace: received ${JSON.stringify(namespace)}; expected 1-255 characters of [A-Za-z0-9._#:/-], not starting with "AWS/" or ":"`);
  }
  grantee.addToPolicy(
    {
      sid: `PutMetricData${pascalCase(namespace.replace(/[^A-Za-z0-9]+/g, '_'))}`,
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
    },
    `grantPutMetricData(${namespace})`,
  );
}
