import { App } from 'aws-cdk-lib';
import { TweeterStack, type TweeterStackProps } from '../src/tweeter-stack.js';

// `cdk synth|deploy [-c prefix=tweeter] [-c feedCapacity=provisioned:100:400] [-c publicUrl=https://...]
// [-c alarmEmail=ops@example.com]`. No account or region lookups: synth works offline, without credentials.
const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

function feedCapacity(value: string | undefined): TweeterStackProps['feedCapacity'] {
  if (value === undefined || value === 'on-demand') return { mode: 'on-demand' };
  const match = /^provisioned:(\d+):(\d+)$/.exec(value);
  if (!match) throw new Error(`feedCapacity: "${value}" is not on-demand or provisioned:<read>:<write>`);
  return { mode: 'provisioned', readUnits: Number(match[1]), writeUnits: Number(match[2]) };
}

new TweeterStack(app, context('stackName') ?? 'Tweeter', {
  prefix: context('prefix'),
  feedCapacity: feedCapacity(context('feedCapacity')),
  publicUrl: context('publicUrl'),
  alarmEmail: context('alarmEmail'),
  description: 'Tweeter: statuses, feeds with asynchronous fan-out, boards and live updates, serverless',
});
app.synth();
