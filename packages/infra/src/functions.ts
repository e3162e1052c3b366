import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_ENTRY_DIR } from '@tweeter/server/deployment';
import { fileURLToPath } from 'node:url';
import { copySharpCommands, sharpPackageDirs } from './sharp-bundle.js';

/** The repository root: esbuild's project root, and where the one package-lock.json lives. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface FunctionSpec {
  /** Entry file under LAMBDA_ENTRY_DIR (packages/server/src/runtimes/lambda/). */
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  description: string;
  /** Runs the image pipeline: carries sharp's linux-x64 packages and runs on x86_64 (sharp-bundle.ts). */
  decodesImages?: boolean;
}

/**
 * A Node 22 function bundled by the local esbuild (a devDependency: never Docker). better-sqlite3 stays out of
 * every bundle (the AWS shape never loads it); the AWS SDK is bundled at the pinned version rather than taken from
 * the runtime. Source maps on, logs kept a month in the function's own log group. arm64 (cheaper per GB-s), except
 * the functions that decode images: x86_64, carrying sharp's prebuilt linux-x64 packages copied from node_modules
 * after esbuild (npm installs those of the machine it runs on; nothing is downloaded at synth).
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
    architecture: spec.decodesImages ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64,
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
      // sharp (native) cannot be bundled by esbuild: the image functions get its packages copied in beside the
      // bundle; elsewhere the pipeline, which loads it lazily, is never reached.
      externalModules: ['better-sqlite3', 'sharp'],
      ...(spec.decodesImages ? { commandHooks: sharpHooks } : {}),
    },
  });
}

const sharpHooks = {
  beforeBundling: (): string[] => [],
  beforeInstall: (): string[] => [],
  afterBundling: (_inputDir: string, outputDir: string): string[] =>
    copySharpCommands(sharpPackageDirs(fileURLToPath(new URL('.', import.meta.url))), outputDir),
};
