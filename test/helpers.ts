import { App, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ReadableStack } from '../modules/core/stack';
import { loadEnvironment } from '../environments/lib/load';
import type { Environment } from '../environments/lib/schema';
import { addClassifyHubStacks, atStage } from '../systems/classifyhub/app';
import type { StageSlug } from '../systems/classifyhub/stages';
import { filesInUserData } from '../systems/classifyhub/host/user-data';
import { userDataText } from '../modules/docker-host';

export interface SynthJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
  provider: Record<string, unknown[]>;
  terraform: Record<string, unknown>;
}

/** Synthesizes the ClassifyHub stack of an environment (optionally at another stage). */
export function synthClassifyHub(env: Environment | string, stage?: StageSlug): SynthJson {
  const environment = typeof env === 'string' ? loadEnvironment(env) : env;
  const app = Testing.app();
  const [stack] = addClassifyHubStacks(app as App, [stage ? atStage(environment, stage) : environment]);
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

/** "type.name" of every resource. */
export function addresses(json: SynthJson): string[] {
  return Object.entries(json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)).sort();
}

export function resourceTypes(json: SynthJson): Set<string> {
  return new Set(Object.keys(json.resource ?? {}));
}

/** The files the Docker host's user data writes, as Terraform hands the user data to EC2. */
export function hostFilesOf(json: SynthJson): Map<string, string> {
  return filesInUserData(userDataOf(json));
}

export function userDataOf(json: SynthJson): string {
  // Plain `user_data`, or gzip-compressed `user_data_base64` (DockerHost userDataEncoding "gzip").
  return userDataText(json.resource.aws_instance.docker_host_instance as { user_data?: string; user_data_base64?: string });
}

/** Synthesizes constructs in a ReadableStack with an us-east-1 provider, so addresses are the ones real stacks get. */
export function synthFixture(build: (scope: Construct) => void): string {
  const stack = new ReadableStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  return Testing.synth(stack);
}
