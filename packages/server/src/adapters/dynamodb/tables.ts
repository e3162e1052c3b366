// The DynamoDB table layout of the AWS shape: one definition read by the adapters, the local provisioning
// (`start:aws-local`, tests on dynalite) and the CDK stack, so the three can never disagree.
//
// Two tables:
// - `main`: every entity but feed entries, single-table style. Items are keyed `pk`/`sk` (strings); what each
//   key prefix means is documented in docs/aws.md. Two sparse, all-projected global secondary indexes
//   (`gsi1`, `gsi2`) serve the second access path of an entity (e.g. a user's followees, an author's story,
//   pending fan-outs); an item without the index's key attributes is not in the index.
// - `feeds`: home-feed entries only, so their capacity can be set apart (they are most of the writes). `pk` is
//   the owner, `sk` the status id (newest first = descending). Feeds are bounded (FEED_MAX_ENTRIES), so an
//   unfollow purge reads the owner's feed. The local secondary index `byAuthor` (`pk`, `authorSk`) served that
//   purge when feeds were unbounded; entries are no longer written with `authorSk`, so it holds only older
//   entries (the trim ages them out) and costs no writes. It stays defined because an LSI can be neither added to
//   nor removed from an existing table: dropping it would make the CDK stack replace the feeds table.
//
// Expiry (sessions, idempotency keys, retained messages, WebSocket connections) is filtered at read time;
// the `ttl` attribute (epoch seconds) only lets DynamoDB reclaim storage, hours or days late.

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface TableNames {
  main: string;
  feeds: string;
}

export const TTL_ATTRIBUTE = 'ttl';

export const MAIN_INDEXES = {
  gsi1: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
  gsi2: { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' },
} as const;

export const FEED_INDEXES = {
  byAuthor: { name: 'byAuthor', sk: 'authorSk' },
} as const;

/** CreateTable inputs for both tables (on-demand billing); the CDK stack mirrors these key schemas. */
export function tableDefinitions(names: TableNames): CreateTableCommandInput[] {
  const gsi = (index: { name: string; pk: string; sk: string }) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.pk, KeyType: 'HASH' as const },
      { AttributeName: index.sk, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return [
    {
      TableName: names.main,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: MAIN_INDEXES.gsi1.pk, AttributeType: 'S' },
        { AttributeName: MAIN_INDEXES.gsi1.sk, AttributeType: 'S' },
        { AttributeName: MAIN_INDEXES.gsi2.pk, AttributeType: 'S' },
        { AttributeName: MAIN_INDEXES.gsi2.sk, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [gsi(MAIN_INDEXES.gsi1), gsi(MAIN_INDEXES.gsi2)],
    },
    {
      TableName: names.feeds,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: FEED_INDEXES.byAuthor.sk, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: FEED_INDEXES.byAuthor.name,
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: FEED_INDEXES.byAuthor.sk, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    },
  ];
}
