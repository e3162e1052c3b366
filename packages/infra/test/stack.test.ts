import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FUNCTIONS,
  JOB_MAX_ATTEMPTS,
  JOBS_BY_QUEUE,
  maxReceiveCount,
  queueNames,
  SCHEDULED_JOBS,
  STAGE_CONSUMERS,
  tableDefinitions,
} from '@tweeter/server/deployment';
import { TweeterStack, type TweeterStackProps } from '../src/tweeter-stack.js';

// The synthesized template, bundling skipped (the bundles are checked by `npm run synth`).
function synth(props: TweeterStackProps = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new TweeterStack(app, 'Tweeter', props));
}

let t: Template;
beforeAll(() => {
  t = synth();
}, 120_000);

const functions = () => t.findResources('AWS::Lambda::Function');

describe('the Tweeter stack', () => {
  it('has the resources of the design, counted', () => {
    const queues = Object.keys(JOBS_BY_QUEUE).length;
    t.resourceCountIs('AWS::DynamoDB::Table', 2);
    t.resourceCountIs('AWS::SQS::Queue', 2 * queues);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2 * queues);
    t.resourceCountIs('AWS::Lambda::Function', 4 + queues);
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', queues);
    t.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    t.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    t.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    t.resourceCountIs('AWS::ApiGatewayV2::Route', 3);
    t.resourceCountIs('AWS::S3::Bucket', 1);
    t.resourceCountIs('AWS::Events::Rule', SCHEDULED_JOBS.length);
    t.resourceCountIs('AWS::ApiGateway::Account', 0); // cloudWatchRole: false
    t.resourceCountIs('AWS::CloudFront::Distribution', 1);
  });

  it('mirrors tableDefinitions: keys, indexes, TTL, on-demand by default', () => {
    for (const def of tableDefinitions({ main: 'tweeter-main', feeds: 'tweeter-feeds' })) {
      t.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: def.TableName,
        KeySchema: def.KeySchema,
        AttributeDefinitions: Match.arrayWith(def.AttributeDefinitions ?? []),
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        ...(def.GlobalSecondaryIndexes
          ? { GlobalSecondaryIndexes: def.GlobalSecondaryIndexes.map((g) => Match.objectLike(g)) }
          : {}),
        ...(def.LocalSecondaryIndexes
          ? { LocalSecondaryIndexes: def.LocalSecondaryIndexes.map((l) => Match.objectLike(l)) }
          : {}),
      });
    }
  });

  it('provisions the feed table when asked, leaving the main table on demand', () => {
    const p = synth({ feedCapacity: { mode: 'provisioned', readUnits: 100, writeUnits: 400 } });
    p.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'tweeter-feeds',
      ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 400 },
    });
    p.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'tweeter-main', BillingMode: 'PAY_PER_REQUEST' });
  });

  it("creates the SQS adapter's stage queues with its redrive policy, visibility 6x the consumer's timeout, and alarms", () => {
    for (const [stage, jobs] of Object.entries(JOBS_BY_QUEUE)) {
      const spec = STAGE_CONSUMERS[stage];
      if (!spec) throw new Error(`no consumer for ${stage}`);
      const { name, dlq } = queueNames('tweeter-', stage);
      t.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: name,
        VisibilityTimeout: 6 * spec.timeoutSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { maxReceiveCount: maxReceiveCount(JOB_MAX_ATTEMPTS), deadLetterTargetArn: Match.anyValue() },
      });
      t.hasResourceProperties('AWS::SQS::Queue', { QueueName: dlq, MessageRetentionPeriod: 14 * 86_400 });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${name}-dead-letters`,
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        AlarmActions: Match.anyValue(),
      });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${name}-behind`,
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: 300,
      });
      t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        BatchSize: spec.batchSize,
        ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      t.hasResourceProperties('AWS::Lambda::Function', {
        Description: `${stage} jobs from SQS (${jobs.join(', ')})`,
        Timeout: spec.timeoutSeconds,
        MemorySize: spec.memoryMb,
      });
    }
  });

  it('runs every function on Node 22 (arm64, the image decoders x86_64) with source maps and the live settings', () => {
    const all = Object.values(functions());
    expect(all).toHaveLength(4 + Object.keys(JOBS_BY_QUEUE).length);
    for (const fn of all) {
      const props = fn.Properties as Record<string, unknown>;
      expect(props.Runtime).toBe('nodejs22.x');
      // The HTTP function and the media queue's decode uploads: x86_64, the architecture of the sharp they carry.
      const decodes = /HTTP API|media\.process/.test(String(props.Description));
      expect(props.Architectures).toEqual([decodes ? 'x86_64' : 'arm64']);
      const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        TWEETER_REALTIME: 'apigw',
        SQS_QUEUE_PREFIX: 'tweeter-',
        JOB_MAX_ATTEMPTS: String(JOB_MAX_ATTEMPTS),
      });
      expect(env.WEBSOCKET_MANAGEMENT_ENDPOINT).toBeDefined();
      expect(env.STREAM_URL).toBeDefined();
    }
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('HTTP API'),
      Timeout: FUNCTIONS.http.timeoutSeconds,
      MemorySize: FUNCTIONS.http.memoryMb,
    });
  });

  it('serves /media/* through CloudFront (cached, GET and HEAD only) and hands its URL to every function', () => {
    t.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const dist = Object.values(t.findResources('AWS::CloudFront::Distribution'))[0]?.Properties as {
      DistributionConfig: {
        CacheBehaviors: { PathPattern: string; CachePolicyId: string; AllowedMethods: string[] }[];
        DefaultCacheBehavior: { CachePolicyId: string };
        Origins: { OriginPath: string }[];
      };
    };
    const config = dist.DistributionConfig;
    const media = config.CacheBehaviors.find((b) => b.PathPattern === '/media/*');
    // CachingOptimized and CachingDisabled, AWS's managed cache policies.
    expect(media?.CachePolicyId).toBe('658327ea-f89d-4fab-a63d-7e88639e58f6');
    expect(media?.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(config.DefaultCacheBehavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(config.Origins[0]?.OriginPath).toBe('/prod');
    for (const fn of Object.values(functions())) {
      const env = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
      expect(JSON.stringify(env['MEDIA_URL'])).toContain('MediaCdn');
    }
    expect(synth({ mediaCdn: false }).findResources('AWS::CloudFront::Distribution')).toEqual({});
  });

  it('lets browsers PUT direct uploads into the bucket and expires the staged ones after a day', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['PUT'] })] },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ Prefix: 'uploads/', ExpirationInDays: 1, Status: 'Enabled' })],
      },
    });
  });

  it('serves HTTP through a REST API proxy and the stream through a WebSocket API with a route response', () => {
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      BinaryMediaTypes: ['image/png', 'image/jpeg', 'image/webp'],
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    t.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET' });
    for (const key of ['$connect', '$disconnect', '$default']) {
      t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key });
    }
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      RouteResponseSelectionExpression: '$default',
    });
    t.resourceCountIs('AWS::ApiGatewayV2::RouteResponse', 1);
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'prod', AutoDeploy: true });
    t.hasOutput('ApiUrl', {});
    t.hasOutput('WebSocketUrl', {});
  });

  it('streams GET /api/v1/me/export from a function of its own (response streaming, past the 6 MB of a buffered answer)', () => {
    t.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'export' });
    t.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      Integration: Match.objectLike({
        Type: 'AWS_PROXY',
        ResponseTransferMode: 'STREAM',
        TimeoutInMillis: FUNCTIONS.export.timeoutSeconds * 1000,
        Uri: Match.objectLike({
          'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('response-streaming-invocations')])]),
        }),
      }),
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('export'),
      Timeout: FUNCTIONS.export.timeoutSeconds,
    });
  });

  it('keeps the image bucket private and encrypted', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
  });

  it('runs each scheduled job from its own EventBridge rule with the task name as input', () => {
    for (const { job, everyMs } of SCHEDULED_JOBS) {
      const minutes = everyMs / 60_000;
      t.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
        Targets: [Match.objectLike({ Input: JSON.stringify({ task: job.name }) })],
      });
    }
  });

  it('grants least privilege: no wildcard resource, no wildcard action', () => {
    for (const policy of Object.values(t.findResources('AWS::IAM::Policy'))) {
      const statements = (policy.Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } })
        .PolicyDocument.Statement;
      for (const s of statements) {
        expect([s.Action].flat()).not.toContain('*');
        expect([s.Resource].flat()).not.toContain('*');
      }
    }
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'execute-api:ManageConnections' })]),
      },
    });
  });
});
