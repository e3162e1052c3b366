import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The npm packages sharp needs at run time on Linux x86_64 (glibc, as on Lambda): sharp itself, its prebuilt
 * native module and libvips, and its three JavaScript dependencies. Taken from the repository's node_modules, where
 * npm's own install put them (npm installs the packages of the machine it runs on: linux-x64 here and in CI), so
 * nothing is downloaded at synth time.
 */
export const SHARP_PACKAGES = [
  'sharp',
  '@img/sharp-linux-x64',
  '@img/sharp-libvips-linux-x64',
  '@img/colour',
  'detect-libc',
  'semver',
] as const;

/** The native module's path inside a package directory of `@img/sharp-linux-x64`. */
export function sharpNativeModule(version: string): string {
  return `lib/sharp-linux-x64-${version}.node`;
}

/**
 * Where each of SHARP_PACKAGES lives on this machine. Throws a clear error when one is missing (say, a clone
 * installed on macOS or arm64, whose npm did not install the linux-x64 packages): the deployment would otherwise
 * answer 503 to every upload.
 */
export function sharpPackageDirs(fromDir: string): Map<string, string> {
  const req = createRequire(join(fromDir, 'noop.js'));
  const dirs = new Map<string, string>();
  for (const name of SHARP_PACKAGES) {
    // Node's lookup path, not require.resolve: a package's `exports` may hide its package.json.
    const dir = (req.resolve.paths(name) ?? [])
      .map((p) => join(p, name))
      .find((d) => existsSync(join(d, 'package.json')));
    if (!dir) {
      throw new Error(
        `${name} is not installed: the image functions ship sharp's linux-x64 packages from node_modules ` +
          '(run npm install on Linux x86_64, or `npm install --os=linux --cpu=x64` elsewhere)',
      );
    }
    dirs.set(name, dir);
  }
  return dirs;
}

/** sharp's version, as installed (the native module's file name carries it). */
export function sharpVersion(sharpDir: string): string {
  const pkg: unknown = JSON.parse(readFileSync(join(sharpDir, 'package.json'), 'utf8'));
  if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') {
    return pkg.version;
  }
  throw new Error(`no version in ${sharpDir}/package.json`);
}

/** Shell commands (run by CDK's local bundling after esbuild) copying the packages into the asset's node_modules. */
export function copySharpCommands(dirs: Map<string, string>, outputDir: string): string[] {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const commands = [`mkdir -p ${q(join(outputDir, 'node_modules', '@img'))}`];
  for (const [name, dir] of dirs) commands.push(`cp -R ${q(dir)} ${q(join(outputDir, 'node_modules', name))}`);
  return commands;
}
