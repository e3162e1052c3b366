import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import {
  BINARY_TYPES,
  FUNCTIONS,
  JOB_MAX_ATTEMPTS,
  JOBS_BY_QUEUE,
  SCHEDULED_JOBS,
  STAGE_CONSUMERS,
  jobSlug,
} from '@tweeter/server/deployment';
import { DataPlane, type FeedCapacity } from './data.js';
import { tweeterFunction } from './functions.js';
import { mediaCdn } from './media-cdn.js';
import { StageQueue } from './stage-queues.js';

export interface TweeterStackProps extends StackProps {
  /** Prefix of table and queue names (several deployments can share an account). */
  prefix?: string;
  /** Stage name of both APIs. */
  stageName?: string;
  feedCapacity?: FeedCapacity;
  /** Absolute URL clients reach the API at (custom domain or the ApiUrl output), for image URLs. */
  publicUrl?: string;
  /** Who gets the alarms (an SNS email subscription); alarms go to the AlarmTopic output either way. */
  alarmEmail?: string;
  /** Alarm when a queue's oldest message is older than this (default 300 s). */
  oldestAgeAlarmSeconds?: number;
  /** API Gateway throttling of the REST stage (requests/s and burst). */
  apiRateLimit?: number;
  apiBurstLimit?: number;
  /** Serve images through CloudFront (MEDIA_URL); default true. */
  mediaCdn?: boolean;
}

/** Tweeter serverless: DynamoDB, SQS + DLQs, Lambda, API Gateway REST + WebSocket, S3, EventBridge. */
export class TweeterStack extends Stack {
  constructor(scope: Construct, id: string, props: TweeterStackProps = {}) {
    super(scope, id, props);
    const prefix = props.prefix ?? 'tweeter';
    const stageName = props.stageName ?? 'prod';
    const data = new DataPlane(this, 'Data', {
      names: { main: `${prefix}-main`, feeds: `${prefix}-feeds` },
      feedCapacity: props.feedCapacity ?? { mode: 'on-demand' },
    });
    const alarms = new sns.Topic(this, 'AlarmTopic', { displayName: `${prefix} alarms` });
    if (props.alarmEmail) alarms.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    // The SQS adapter's stage queues (stage-queues.ts), each with its DLQ and its own consumer function.
    const queuePrefix = `${prefix}-`;
    const stages = Object.keys(JOBS_BY_QUEUE).map((stage) => {
      const spec = STAGE_CONSUMERS[stage];
      if (!spec) throw new Error(`no consumer settings for the stage queue "${stage}" (STAGE_CONSUMERS)`);
      const queue = new StageQueue(this, `Queue-${stage}`, {
        stage,
        spec,
        queuePrefix,
        alarms,
        oldestAgeAlarmSeconds: props.oldestAgeAlarmSeconds ?? 300,
      });
      return { stage, spec, queue };
    });
    const queues = stages.map((s) => s.queue);

    // The WebSocket API first: every function's settings name its stage (live events go through it).
    const webSocketApi = new apigwv2.WebSocketApi(this, 'StreamApi', {
      apiName: `${prefix}-stream`,
      description: 'Tweeter live stream (the protocol of /api/v1/stream)',
    });
    const stage = new apigwv2.WebSocketStage(this, 'StreamStage', {
      webSocketApi,
      stageName,
      autoDeploy: true,
      throttle: { rateLimit: 1000, burstLimit: 2000 },
    });

    const environment: Record<string, string> = {
      LOG_LEVEL: 'info',
      // Production mode: the config refuses test-only settings (CARD_FETCH_ALLOW_LOOPBACK).
      NODE_ENV: 'production',
      DATA_DIR: '/tmp/tweeter',
      ...(props.publicUrl ? { PUBLIC_URL: props.publicUrl } : {}),
      // Live stream (this part's settings, config/env.ts).
      TWEETER_REALTIME: 'apigw',
      WEBSOCKET_MANAGEMENT_ENDPOINT: stage.callbackUrl,
      STREAM_URL: stage.url,
      // Data plane: store, queues and blobs on AWS.
      TWEETER_STORE: 'dynamodb',
      TWEETER_QUEUE: 'sqs',
      TWEETER_BLOBS: 's3',
      DYNAMODB_TABLE_MAIN: data.main.tableName,
      DYNAMODB_TABLE_FEEDS: data.feeds.tableName,
      SQS_QUEUE_PREFIX: queuePrefix,
      JOB_MAX_ATTEMPTS: String(JOB_MAX_ATTEMPTS),
      S3_BUCKET: data.images.bucketName,
    };

    const http = tweeterFunction(this, 'HttpFunction', {
      ...FUNCTIONS.http,
      environment,
      description: 'The HTTP API (API Gateway REST proxy → Fastify)',
    });
    const stream = tweeterFunction(this, 'StreamFunction', {
      ...FUNCTIONS.websocket,
      environment,
      description: 'WebSocket $connect, $disconnect and $default',
    });
    const exporter = tweeterFunction(this, 'ExportFunction', {
      ...FUNCTIONS.export,
      environment,
      description: 'GET /api/v1/me/export, streamed (API Gateway response streaming)',
    });
    const schedule = tweeterFunction(this, 'ScheduleFunction', {
      ...FUNCTIONS.schedule,
      environment,
      description: 'Scheduled jobs (retention, sweepers, reconciliation)',
    });
    const consumers = stages.map(({ stage, spec, queue }) => {
      const fn = tweeterFunction(this, `JobFunction-${stage}`, {
        entry: FUNCTIONS.jobs.entry,
        memoryMb: spec.memoryMb,
        timeoutSeconds: spec.timeoutSeconds,
        ...(spec.decodesImages ? { decodesImages: true } : {}),
        environment,
        description: `${stage} jobs from SQS (${(JOBS_BY_QUEUE[stage] ?? []).join(', ')})`,
      });
      fn.addEventSource(
        new SqsEventSource(queue.queue, {
          batchSize: spec.batchSize,
          maxConcurrency: spec.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
      return fn;
    });

    // Least privilege: each function gets the data it touches, nothing account-wide.
    for (const fn of [http, ...consumers, schedule]) {
      data.main.grantReadWriteData(fn);
      data.feeds.grantReadWriteData(fn);
      for (const q of queues) q.queue.grantSendMessages(fn);
    }
    data.main.grantReadWriteData(stream);
    // The export reads the account (and, like every token check, may remove an expired session).
    data.main.grantReadWriteData(exporter);
    // The HTTP function stores uploads and signs direct PUTs; media.process decodes them; the sweeps delete blobs.
    data.images.grantReadWrite(http);
    for (const fn of [...consumers, schedule]) data.images.grantReadWrite(fn);
    for (const fn of consumers) for (const q of queues) q.deadLetters.grantSendMessages(fn);
    for (const fn of [http, stream, ...consumers]) webSocketApi.grantManageConnections(fn);

    const integration = (name: string) => new WebSocketLambdaIntegration(name, stream);
    webSocketApi.addRoute('$connect', { integration: integration('ConnectIntegration') });
    webSocketApi.addRoute('$disconnect', { integration: integration('DisconnectIntegration') });
    // The reply to each frame (ack or error) is the route response.
    webSocketApi.addRoute('$default', { integration: integration('MessageIntegration'), returnResponse: true });

    const api = new apigw.LambdaRestApi(this, 'HttpApi', {
      restApiName: `${prefix}-api`,
      handler: http,
      // The proxy is added below (what `proxy: true` does), so that the export route can have a resource of its own.
      proxy: false,
      cloudWatchRole: false,
      binaryMediaTypes: [...BINARY_TYPES],
      endpointTypes: [apigw.EndpointType.REGIONAL],
      deployOptions: {
        stageName,
        throttlingRateLimit: props.apiRateLimit ?? 1000,
        throttlingBurstLimit: props.apiBurstLimit ?? 2000,
      },
    });

    // The export is the one route whose answer can pass the 6 MB of a buffered Lambda response: its own function,
    // invoked in response-streaming mode, on a resource more specific than the proxy (so it wins the match).
    api.root.addProxy();
    api.root.resourceForPath('api/v1/me/export').addMethod(
      'GET',
      new apigw.LambdaIntegration(exporter, {
        proxy: true,
        responseTransferMode: apigw.ResponseTransferMode.STREAM,
        timeout: Duration.seconds(FUNCTIONS.export.timeoutSeconds),
      }),
    );

    // Image URLs point at the CDN: every function that renders a status or a user hands them out.
    const cdn =
      props.mediaCdn === false
        ? null
        : mediaCdn(this, { api, stageName, functions: [http, stream, exporter, schedule, ...consumers] });

    for (const { job, everyMs } of SCHEDULED_JOBS) {
      new events.Rule(this, `Schedule-${jobSlug(job.name)}`, {
        description: `runs ${job.name} every ${Math.round(everyMs / 60_000)} min`,
        schedule: events.Schedule.rate(Duration.minutes(Math.max(1, Math.round(everyMs / 60_000)))),
        targets: [
          new targets.LambdaFunction(schedule, {
            event: events.RuleTargetInput.fromObject({ task: job.name }),
            retryAttempts: 2,
          }),
        ],
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'HTTP API base URL (append api/v1/...)' });
    new CfnOutput(this, 'WebSocketUrl', {
      value: stage.url,
      description: 'live stream URL (GET /api/v1/meta gives it too)',
    });
    new CfnOutput(this, 'ManagementEndpoint', { value: stage.callbackUrl });
    new CfnOutput(this, 'MainTable', { value: data.main.tableName });
    new CfnOutput(this, 'FeedsTable', { value: data.feeds.tableName });
    new CfnOutput(this, 'ImagesBucket', { value: data.images.bucketName });
    if (cdn) new CfnOutput(this, 'MediaUrl', { value: `https://${cdn.distributionDomainName}` });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topicArn });
  }
}
