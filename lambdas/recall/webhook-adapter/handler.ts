/** webhook-adapter Lambda: recall-events (SNS) -> signed JSON POST to the URL held in Secrets Manager. */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SNSEvent } from 'aws-lambda';
import { handleRecallEvents, SqsDeadLetterSink, type AdapterResult, type DeadLetterSink } from '../shared/adapter';
import { readEnv } from '../shared/config';
import type { PostOptions } from '../shared/http';
import { readSecret } from '../shared/secrets';
import { lazy } from '../../lib/lazy';
import { deliverWebhook, webhookTargetFromSecret, type WebhookTarget } from './core';

export interface WebhookAdapterRuntime {
  readonly target: WebhookTarget;
  readonly deadLetters: DeadLetterSink;
  readonly post?: PostOptions;
}

export async function webhookRuntimeFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<WebhookAdapterRuntime> {
  const c = readEnv(['webhookSecretArn', 'adapterDlqUrl'], env);
  return { target: webhookTargetFromSecret(await readSecret(c.webhookSecretArn)), deadLetters: new SqsDeadLetterSink(new SQSClient({}), c.adapterDlqUrl, 'webhook-adapter') };
}

export function createWebhookHandler(init: () => Promise<WebhookAdapterRuntime> = () => webhookRuntimeFromEnv()) {
  const runtime = lazy(init);
  return async (event: SNSEvent): Promise<AdapterResult> => {
    const rt = await runtime();
    return handleRecallEvents(event, (e) => deliverWebhook(rt.target, e, rt.post), rt.deadLetters);
  };
}
