/** teams-adapter Lambda: recall-events (SNS) -> Adaptive Card -> Teams Workflows URL (from Secrets Manager). */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SNSEvent } from 'aws-lambda';
import { handleRecallEvents, SqsDeadLetterSink, type AdapterResult, type DeadLetterSink } from '../shared/adapter';
import { readEnv } from '../shared/config';
import type { PostOptions } from '../shared/http';
import { readSecret } from '../shared/secrets';
import { lazy } from '../../lib/lazy';
import { postRecallEventToTeams, workflowsUrlFromSecret } from './core';

export interface TeamsAdapterRuntime {
  readonly url: string;
  readonly deadLetters: DeadLetterSink;
  readonly post?: PostOptions;
}

export async function teamsRuntimeFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<TeamsAdapterRuntime> {
  const c = readEnv(['teamsSecretArn', 'adapterDlqUrl'], env);
  return { url: workflowsUrlFromSecret(await readSecret(c.teamsSecretArn)), deadLetters: new SqsDeadLetterSink(new SQSClient({}), c.adapterDlqUrl, 'teams-adapter') };
}

export function createTeamsHandler(init: () => Promise<TeamsAdapterRuntime> = () => teamsRuntimeFromEnv()) {
  const runtime = lazy(init);
  return async (event: SNSEvent): Promise<AdapterResult> => {
    const rt = await runtime();
    return handleRecallEvents(event, (e) => postRecallEventToTeams(rt.url, e, rt.post), rt.deadLetters);
  };
}
