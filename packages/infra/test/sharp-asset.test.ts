import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS } from '@tweeter/server/deployment';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tweeterFunction } from '../src/functions.js';
import { sharpNativeModule, sharpPackageDirs, sharpVersion } from '../src/sharp-bundle.js';

// The HTTP function synthesized with bundling on (local esbuild, then the copy of sharp's packages), into a
// directory outside the repository, so the asset's own node_modules is the only place `require('sharp')` can look.
const out = mkdtempSync(join(tmpdir(), 'tweeter-sharp-asset-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

let assetDir = '';
let template: Template;
beforeAll(() => {
  const app = new App({ outdir: join(out, 'cdk.out') });
  const stack = new Stack(app, 'SharpAsset');
  tweeterFunction(stack, 'HttpFunction', { ...FUNCTIONS.http, environment: {}, description: 'http' });
  template = Template.fromStack(stack);
  app.synth();
  const fns = Object.values(template.findResources('AWS::Lambda::Function'));
  // The asset's zip is named by its hash; the synthesized directory is cdk.out/asset.<hash>.
  const key: unknown = fns[0]?.['Properties']?.['Code']?.['S3Key'];
  if (typeof key !== 'string') throw new Error('no asset key on the function');
  assetDir = join(out, 'cdk.out', `asset.${key.replace(/\.zip$/, '')}`);
}, 240_000);

describe('the image-decoding function asset', () => {
  it('runs on x86_64, the architecture of the sharp packages it carries', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['x86_64'] });
  });

  it("contains sharp, its linux-x64 native module and libvips, and sharp's dependencies", () => {
    const version = sharpVersion(sharpPackageDirs(process.cwd()).get('sharp') ?? '');
    const modules = join(assetDir, 'node_modules');
    expect(existsSync(join(assetDir, 'index.js'))).toBe(true);
    expect(existsSync(join(modules, '@img/sharp-linux-x64', sharpNativeModule(version)))).toBe(true);
    expect(existsSync(join(modules, '@img/sharp-libvips-linux-x64/lib'))).toBe(true);
    for (const dep of [
      'sharp/package.json',
      '@img/colour/package.json',
      'detect-libc/package.json',
      'semver/package.json',
    ])
      expect(existsSync(join(modules, dep))).toBe(true);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    "require('sharp') from the asset directory decodes and encodes an image",
    () => {
      const script = `
        const sharp = require('sharp');
        sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } }).png().toBuffer()
          .then((png) => sharp(png).resize(32).jpeg().toBuffer({ resolveWithObject: true }))
          .then(({ info }) => console.log(require.resolve('sharp') + ' ' + info.format + ' ' + info.width + 'x' + info.height));`;
      const res = spawnSync(process.execPath, ['-e', script], {
        cwd: assetDir,
        env: { PATH: process.env['PATH'] ?? '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      const [resolved, format, size] = res.stdout.trim().split(' ');
      expect(resolved?.startsWith(join(assetDir, 'node_modules', 'sharp'))).toBe(true);
      expect(format).toBe('jpeg');
      expect(size).toBe('32x24');
    },
  );
});
