import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_ENTRY_DIR } from '@tweeter/server/deployment';
import { fileURLToPath } from 'node:url';

/** The repository root: esbuild's project root, and where the one package-lock.json lives. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface FunctionSpec {
  /** Entry file under LAMBDA_ENTRY_DIR (packages/server/src/runtimes/lambda/). */
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  description: string;
}

/**
 * A Node 22 arm64 function bundled by the local esbuild (a devDependency: never Docker). better-sqlite3
 * stays out of every bundle (the AWS shape never loads it); the AWS SDK is bundled at the pinned version
 * rather than taken from the runtime. Source maps on, logs kept a month in the function's own log group.
 */
export function tweeterFunction(scope: Construct, id: string, spec: FunctionSpec): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return new NodejsFunction(scope, id, {
    entry: `${LAMBDA_ENTRY_DIR}${spec.entry}`,
    handler: 'handler',
    description: spec.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: spec.memoryMb,
    timeout: Duration.seconds(spec.timeoutSeconds),
    projectRoot: REPO_ROOT,
    depsLockFilePath: `${REPO_ROOT}package-lock.json`,
    environment: { NODE_OPTIONS: '--enable-source-maps', ...spec.environment },
    logGroup,
    bundling: {
      format: OutputFormat.CJS,
      target: 'node22',
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      // sharp (native) is loaded lazily by the upload pipeline; not in the bundle, uploads answer 503 (docs/aws.md).
      externalModules: ['better-sqlite3', 'sharp'],
    },
  });
}
