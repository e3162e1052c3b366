import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  JOB_MAX_ATTEMPTS,
  JOBS_BY_QUEUE,
  maxReceiveCount,
  queueNames,
  type StageConsumerSpec,
} from '@tweeter/server/deployment';

/**
 * A stage's queue and its dead-letter queue, named as the SQS adapter finds them (queueNames with SQS_QUEUE_PREFIX),
 * with the adapter's redrive policy, and alarms on both.
 */
export class StageQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(
    scope: Construct,
    id: string,
    props: {
      stage: string;
      spec: StageConsumerSpec;
      /** SQS_QUEUE_PREFIX. */
      queuePrefix: string;
      alarms: sns.ITopic;
      oldestAgeAlarmSeconds: number;
    },
  ) {
    super(scope, id);
    const { spec, stage } = props;
    const { name, dlq } = queueNames(props.queuePrefix, stage);
    const receives = maxReceiveCount(JOB_MAX_ATTEMPTS);
    const jobs = (JOBS_BY_QUEUE[stage] ?? []).join(', ');
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      queueName: dlq,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: name,
      // A received batch must not come back while its function may still be running (AWS advises 6x).
      visibilityTimeout: Duration.seconds(6 * spec.timeoutSeconds),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: receives },
    });
    const notify = new actions.SnsAction(props.alarms);
    const dead = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmName: `${name}-dead-letters`,
      alarmDescription: `${stage} jobs (${jobs}) were received ${receives} times or failed for good and wait in ${dlq}`,
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const behind = new cloudwatch.Alarm(this, 'OldestMessageAlarm', {
      alarmName: `${name}-behind`,
      alarmDescription: `the oldest ${stage} job has waited over ${props.oldestAgeAlarmSeconds} s: consumers fall behind`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: props.oldestAgeAlarmSeconds,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    dead.addAlarmAction(notify);
    behind.addAlarmAction(notify);
  }
}
