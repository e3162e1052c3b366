import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { jobSlug, MAX_RECEIVE_COUNT, type JobQueueSpec } from '../../server/src/runtimes/lambda/deployment.js';

/** A job kind's queue, its dead-letter queue, and alarms on both. */
export class JobQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(
    scope: Construct,
    id: string,
    props: { spec: JobQueueSpec; prefix: string; alarms: sns.ITopic; oldestAgeAlarmSeconds: number },
  ) {
    super(scope, id);
    const { spec, prefix } = props;
    const name = `${prefix}-${jobSlug(spec.job)}`;
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      queueName: `${name}-dlq`,
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
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    const notify = new actions.SnsAction(props.alarms);
    const dead = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmName: `${name}-dead-letters`,
      alarmDescription: `${spec.job} jobs failed ${MAX_RECEIVE_COUNT} times and wait in ${name}-dlq`,
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
      alarmDescription: `the oldest ${spec.job} job has waited over ${props.oldestAgeAlarmSeconds} s: consumers fall behind`,
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
