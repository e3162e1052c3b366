// Finding the stage queues at start (a missing queue fails with its name), and creating them where nobody else
// does (start:aws-local, tests): the CDK stack creates the same queues, with the same redrive policy, in AWS.

import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { JOBS_BY_QUEUE, maxReceiveCount, queueNames, type StageQueueUrls } from './stage-queues.js';

/** DLQ messages are kept 14 days (SQS's longest), the stage queues 4 days (its default). */
const DLQ_RETENTION_SECONDS = String(14 * 86_400);

/** Creates every stage queue and its DLQ if missing (CreateQueue is idempotent for equal attributes). */
export async function ensureQueues(
  sqs: SQSClient,
  prefix: string,
  maxAttempts: number,
): Promise<Record<string, StageQueueUrls>> {
  const out: Record<string, StageQueueUrls> = {};
  for (const key of Object.keys(JOBS_BY_QUEUE)) {
    const names = queueNames(prefix, key);
    const dlq = await sqs.send(
      new CreateQueueCommand({ QueueName: names.dlq, Attributes: { MessageRetentionPeriod: DLQ_RETENTION_SECONDS } }),
    );
    const dlqUrl = required(dlq.QueueUrl, names.dlq);
    const arn = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
    const redrivePolicy = JSON.stringify({
      deadLetterTargetArn: required(arn.Attributes?.['QueueArn'], `${names.dlq} ARN`),
      maxReceiveCount: maxReceiveCount(maxAttempts),
    });
    const queue = await sqs.send(
      new CreateQueueCommand({ QueueName: names.name, Attributes: { RedrivePolicy: redrivePolicy } }),
    );
    out[key] = { url: required(queue.QueueUrl, names.name), dlqUrl };
  }
  return out;
}

/** The URLs of every stage queue and DLQ; throws one message naming the missing queue and the setting. */
export async function resolveQueueUrls(sqs: SQSClient, prefix: string): Promise<Record<string, StageQueueUrls>> {
  const out: Record<string, StageQueueUrls> = {};
  for (const key of Object.keys(JOBS_BY_QUEUE)) {
    const names = queueNames(prefix, key);
    const [url, dlqUrl] = await Promise.all([lookUp(sqs, names.name), lookUp(sqs, names.dlq)]);
    out[key] = { url, dlqUrl };
  }
  return out;
}

async function lookUp(sqs: SQSClient, name: string): Promise<string> {
  try {
    const res = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return required(res.QueueUrl, name);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
    if (code === 'QueueDoesNotExist' || code === 'AWS.SimpleQueueService.NonExistentQueue') {
      throw new Error(
        `SQS queue "${name}" does not exist (SQS_QUEUE_PREFIX, AWS_REGION): create it or fix the setting`,
        { cause: err },
      );
    }
    throw err;
  }
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`SQS returned no URL for ${what}`);
  return value;
}
