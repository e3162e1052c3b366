import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { tableDefinitions, TTL_ATTRIBUTE, type TableNames } from '@tweeter/server/deployment';

/** The feed table's capacity: on-demand (default) or provisioned read/write units. */
export type FeedCapacity = { mode: 'on-demand' } | { mode: 'provisioned'; readUnits: number; writeUnits: number };

/**
 * The two DynamoDB tables exactly as `tableDefinitions` describes them (one definition for the adapters,
 * local provisioning and this stack), with TTL on `ttl`, point-in-time recovery, and the S3 bucket for images.
 */
export class DataPlane extends Construct {
  readonly main: dynamodb.Table;
  readonly feeds: dynamodb.Table;
  readonly images: s3.Bucket;

  constructor(scope: Construct, id: string, props: { names: TableNames; feedCapacity: FeedCapacity }) {
    super(scope, id);
    const [main, feeds] = tableDefinitions(props.names);
    if (!main || !feeds) throw new Error('tableDefinitions must describe the main and the feeds table');
    this.main = table(this, 'Main', main, { mode: 'on-demand' });
    this.feeds = table(this, 'Feeds', feeds, props.feedCapacity);
    this.images = new s3.Bucket(this, 'Images', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      // Browsers PUT large uploads straight here with a presigned URL (POST /api/v1/media/uploads); the signature,
      // not the origin, is what authorizes a write, so any origin may send one.
      cors: [{ allowedMethods: [s3.HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['*'], maxAge: 3600 }],
      // Staged uploads whose complete call never came: gone after a day (the job deletes the others at once).
      lifecycleRules: [{ prefix: 'uploads/', expiration: Duration.days(1) }],
    });
  }
}

type Definition = ReturnType<typeof tableDefinitions>[number];

function table(scope: Construct, id: string, def: Definition, capacity: FeedCapacity): dynamodb.Table {
  const types = new Map((def.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  const attribute = (name: string | undefined): dynamodb.Attribute => {
    const type = name === undefined ? undefined : types.get(name);
    if (!name || !type) throw new Error(`${def.TableName}: attribute ${name} has no definition`);
    const kinds = {
      S: dynamodb.AttributeType.STRING,
      N: dynamodb.AttributeType.NUMBER,
      B: dynamodb.AttributeType.BINARY,
    };
    return { name, type: kinds[type as keyof typeof kinds] };
  };
  const keyOf = (schema: Definition['KeySchema'], kind: 'HASH' | 'RANGE') =>
    schema?.find((k) => k.KeyType === kind)?.AttributeName;
  const billing =
    capacity.mode === 'on-demand'
      ? { billingMode: dynamodb.BillingMode.PAY_PER_REQUEST }
      : {
          billingMode: dynamodb.BillingMode.PROVISIONED,
          readCapacity: capacity.readUnits,
          writeCapacity: capacity.writeUnits,
        };
  const t = new dynamodb.Table(scope, id, {
    tableName: def.TableName,
    partitionKey: attribute(keyOf(def.KeySchema, 'HASH')),
    sortKey: attribute(keyOf(def.KeySchema, 'RANGE')),
    timeToLiveAttribute: TTL_ATTRIBUTE,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.RETAIN,
    ...billing,
  });
  for (const gsi of def.GlobalSecondaryIndexes ?? []) {
    t.addGlobalSecondaryIndex({
      indexName: gsi.IndexName as string,
      partitionKey: attribute(keyOf(gsi.KeySchema, 'HASH')),
      sortKey: attribute(keyOf(gsi.KeySchema, 'RANGE')),
      projectionType: projection(gsi.Projection?.ProjectionType),
      ...(capacity.mode === 'provisioned'
        ? { readCapacity: capacity.readUnits, writeCapacity: capacity.writeUnits }
        : {}),
    });
  }
  for (const lsi of def.LocalSecondaryIndexes ?? []) {
    t.addLocalSecondaryIndex({
      indexName: lsi.IndexName as string,
      sortKey: attribute(keyOf(lsi.KeySchema, 'RANGE')),
      projectionType: projection(lsi.Projection?.ProjectionType),
    });
  }
  return t;
}

function projection(type: string | undefined): dynamodb.ProjectionType {
  if (type === 'KEYS_ONLY') return dynamodb.ProjectionType.KEYS_ONLY;
  if (type === 'INCLUDE') throw new Error('INCLUDE projections are not mirrored: list the attributes here first');
  return dynamodb.ProjectionType.ALL;
}
