/**
 * Messages on the errors queue (product-validation-errors):
 *  - `validation_error`: one per rejected row (seed step 4), sent by the validator;
 *  - `upload_finished`: the upload needs no more validation (all rows have an outcome, or the
 *    parser failed it). The error processor then writes the report and notifies, once.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { ERROR_TYPES } from './catalog';

export const RowErrorSchema = z.object({
  error_type: z.enum(ERROR_TYPES),
  error_field: z.string().nullable(),
  message: z.string(),
});
export type RowError = z.infer<typeof RowErrorSchema>;

export const ValidationErrorMessageSchema = z.object({
  type: z.literal('validation_error'),
  upload_id: z.string().min(1),
  vendor_id: z.string().min(1),
  record_id: z.string().min(1),
  row_number: z.number().int(),
  line_number: z.number().int().nullable(),
  sku: z.string().nullable(),
  vendor_product_id: z.string().nullable(),
  errors: z.array(RowErrorSchema).min(1),
});
export type ValidationErrorMessage = z.infer<typeof ValidationErrorMessageSchema>;

export const UploadFinishedMessageSchema = z.object({
  type: z.literal('upload_finished'),
  upload_id: z.string().min(1),
});
export type UploadFinishedMessage = z.infer<typeof UploadFinishedMessageSchema>;

export const QueueMessageSchema = z.discriminatedUnion('type', [ValidationErrorMessageSchema, UploadFinishedMessageSchema]);
export type QueueMessage = z.infer<typeof QueueMessageSchema>;

/** Parses a queue message body; the error names the problem and the offending field. */
export function parseQueueMessage(body: string): QueueMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error(`queue message is not JSON: ${body.slice(0, 80)}`);
  }
  const res = QueueMessageSchema.safeParse(json);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    throw new Error(`queue message invalid at "${issue.path.join('.')}": ${issue.message}`);
  }
  return res.data;
}

const SQS_BATCH = 10;

/**
 * JSON that SQS accepts: SQS refuses U+FFFE and U+FFFF (valid in UTF-8 files), so they are
 * written as JSON escapes; JSON.stringify already escapes the control characters.
 */
export function sqsSafeJson(message: QueueMessage): string {
  return JSON.stringify(message).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Sends messages with SendMessageBatch (10 per call, 4 calls in flight), retrying failed entries. */
export async function sendQueueMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly QueueMessage[],
  maxAttempts = 4,
): Promise<void> {
  const groups: QueueMessage[][] = [];
  for (let i = 0; i < messages.length; i += SQS_BATCH) groups.push(messages.slice(i, i + SQS_BATCH));
  const sendGroup = async (group: QueueMessage[]) => {
    let entries = group.map((m, i) => ({ Id: String(i), MessageBody: sqsSafeJson(m) }));
    for (let attempt = 1; entries.length > 0; attempt++) {
      const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const failed = new Set((res.Failed ?? []).map((f) => f.Id));
      if (failed.size === 0) return;
      if (attempt >= maxAttempts) {
        const f = res.Failed![0]!;
        throw new Error(`SQS: ${failed.size} message(s) not sent after ${attempt} attempts (${f.Code}: ${f.Message ?? ''})`);
      }
      entries = entries.filter((e) => failed.has(e.Id));
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  };
  for (let i = 0; i < groups.length; i += 4) await Promise.all(groups.slice(i, i + 4).map(sendGroup));
}
