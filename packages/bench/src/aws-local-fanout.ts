// `tweeter bench fanout --shape aws-local`: the fan-out of one post to N followers on the AWS shape (DynamoDB on
// dynalite, SQS on fauxqs, in this process), next to the course's way of doing it (one PutItem per follower, 10 in
// flight, followers paged 25 at a time) against the same dynalite. Write requests are counted at dynalite itself.

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createDocumentClient,
  mapLimit,
  loadConfig,
  createNodeRuntime,
  startAwsLocalEmulators,
  provisionEmulators,
  withEmulatorCredentials,
  EMULATOR_CREDENTIALS,
  AWS_LOCAL_NAMES,
  buildApp,
} from '@tweeter/server/tooling/aws-local';
import { childEnvironment, hashPassword, userAlias, type UserRecord } from '@tweeter/server/tooling';
import { ApiClient } from './api-client.js';
import { machine, type ScenarioResult } from './result.js';
import { sleep, type TargetOptions } from './setup.js';

const COURSE_TABLES = { main: 'course-main', feeds: 'course-feeds' };
const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const COURSE_PAGE = 25;
const COURSE_IN_FLIGHT = 10;
const CHECKED_FEEDS = 50;

/** Runs both fan-outs on one pair of emulators and reports their times and DynamoDB write requests. */
export async function runAwsLocalFanout(
  params: { followers: number; celebrity: string },
  target: TargetOptions,
): Promise<ScenarioResult> {
  const writes = new Map<string, number>();
  const aws = await startAwsLocalEmulators({
    maxAttempts: 5,
    onDynamodbRequest: (operation) => {
      if (WRITE_OPERATIONS.has(operation)) writes.set(operation, (writes.get(operation) ?? 0) + 1);
    },
  });
  const { emulators } = aws;
  await provisionEmulators(emulators, { maxAttempts: 5, tables: COURSE_TABLES });
  const dataDir = mkdtempSync(join(tmpdir(), 'tweeter-bench-aws-'));
  // Over the inherited environment, as the child servers of the other scenarios run: the fan-out's tuning settings
  // (FANOUT_PAGE_SIZE, FANOUT_BATCH_SIZE, WORKER_CONCURRENCY) can be compared against the AWS-shape defaults.
  const config = withEmulatorCredentials(
    loadConfig(
      childEnvironment({
        LOG_LEVEL: 'silent',
        SCRYPT_COST: '1024',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        ...aws.settings,
      }),
    ),
  );
  const ctx = await createNodeRuntime(config);
  const doc = createDocumentClient({
    region: AWS_LOCAL_NAMES.region,
    endpoint: emulators.dynamodbEndpoint,
    credentials: EMULATOR_CREDENTIALS,
  });
  try {
    await ctx.verify();
    target.log(`seeding @${params.celebrity} and ${params.followers} followers in dynalite`);
    const passwordHash = await hashPassword(target.password, { N: 1024, r: 8, p: 1 });
    const user = (alias: string): UserRecord => ({
      alias,
      firstName: 'Bench',
      lastName: 'User',
      passwordHash,
      imageKey: null,
      createdAt: Date.now(),
      followerCount: 0,
      followeeCount: 0,
    });
    const fans = Array.from({ length: params.followers }, (_, i) => userAlias(i));
    await ctx.store.users.createMany([user(params.celebrity), ...fans.map(user)]);
    await ctx.store.follows.addMany(
      fans.map((follower) => ({ follower, followee: params.celebrity })),
      Date.now(),
    );

    const app = await buildApp(ctx);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    ctx.workers.start();
    const api = new ApiClient(url);
    const token = await api.login(params.celebrity, target.password);

    // Ours: POST /statuses, then the plan and deliver jobs through SQS, BatchWriteItem of 25.
    target.log(`posting to ${params.followers} followers (aws-local)`);
    writes.clear();
    const posted = await api.post(token, 'Fan-out on the AWS shape, see https://example.com/bench/aws');
    const after201 = performance.now();
    let done = false;
    let errors = 0;
    while (!done && performance.now() - after201 < 120_000) {
      try {
        done = (await api.delivery(token, posted.value.id)).value.state === 'done';
      } catch {
        errors += 1;
      }
      if (!done) await sleep(Math.max(2, (performance.now() - after201) * 0.02));
    }
    const oursMs = performance.now() - after201;
    const oursWrites = new Map(writes);
    if (!done) errors += 1;
    let missing = 0;
    for (const owner of fans.filter((_, i) => i % Math.max(1, Math.floor(fans.length / CHECKED_FEEDS)) === 0)) {
      const [entry] = await ctx.store.feeds.page(owner, { limit: 1 });
      if (entry?.statusId !== posted.value.id) missing += 1;
    }
    await app.close();
    await ctx.workers.stop();

    // The course's way: page the followers 25 at a time, one PutItem per follower, 10 in flight.
    target.log(`the course's way: one PutItem per follower, ${COURSE_IN_FLIGHT} in flight`);
    writes.clear();
    const statusId = posted.value.id;
    const started = performance.now();
    for (let after: string | undefined; ;) {
      const page = await ctx.store.follows.followers(params.celebrity, {
        limit: COURSE_PAGE,
        ...(after ? { after } : {}),
      });
      await mapLimit(page.items, COURSE_IN_FLIGHT, (owner) =>
        doc.send(
          new PutCommand({
            TableName: COURSE_TABLES.feeds,
            Item: { pk: owner, sk: statusId, author: params.celebrity, authorSk: `${params.celebrity}#${statusId}` },
          }),
        ),
      );
      if (!page.next) break;
      after = page.next;
    }
    const courseMs = performance.now() - started;
    const courseWrites = new Map(writes);

    const total = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);
    const round = (ms: number): number => Math.round(ms);
    return {
      scenario: 'fanout',
      params: { shape: 'aws-local', followers: params.followers, celebrity: params.celebrity },
      machine: machine(),
      results: {
        fanout_ms: { p50: round(oursMs), p99: round(oursMs), max: round(oursMs) },
        dynamodb_write_requests: total(oursWrites),
        dynamodb_writes_by_operation: Object.fromEntries(oursWrites),
        course_fanout_ms: round(courseMs),
        course_write_requests: total(courseWrites),
        feeds_checked: Math.min(CHECKED_FEEDS, fans.length),
        feeds_missing_the_status: missing,
        errors: errors + missing,
      },
    };
  } finally {
    doc.destroy();
    await ctx.close();
    await aws.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
