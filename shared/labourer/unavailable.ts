// Handler of a labourer service whose issue is not done yet. The router answers 501 for its actions
// and never creates its tasks, so events only reach it when sent by hand; they are logged as refused
// and consumed (a retry could never succeed), never reported as done.
import type { SQSEvent, SQSBatchResponse, Context, SQSRecord } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { unwrapBody } from '../aws/sqs-envelope.js';
import { sqsConsumer } from '../aws/sqs-consumer.js';

export function unavailableLabourer(service: string) {
  const logger = new Logger({ serviceName: `caribou-${service}` });
  const refuse = async (record: SQSRecord): Promise<void> => {
    let type: unknown;
    try {
      const payload = unwrapBody(record.body).payload as { type?: unknown } | undefined;
      type = payload?.type;
    } catch {
      type = undefined;
    }
    logger.error('refused: service not available yet', {
      answer: { status: 501, message: `${service} is not available yet` },
      type: type ?? null,
      messageId: record.messageId,
    });
  };
  const consume = sqsConsumer(refuse);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    return consume(event, context);
  };
}
