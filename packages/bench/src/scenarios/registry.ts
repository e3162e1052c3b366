import { parseWhole } from '@tweeter/server/tooling';
import type { ScenarioResult } from '../result.js';
import type { TargetOptions } from '../setup.js';

/** One option of a scenario: `--name <value>`, read as `key` (commander's camelCase of the name). */
export interface ScenarioOption {
  name: string;
  key: string;
  description: string;
  default: string;
}

/** A benchmark scenario as the CLI and the report both see it: options, their checking, and the run. */
export interface ScenarioDefinition<P extends Record<string, number | string> = Record<string, number | string>> {
  name: string;
  description: string;
  options: readonly ScenarioOption[];
  /**
   * Checks the option values (strings as typed) together; throws UsageError. `given` holds the keys the user
   * typed (all of them when absent): a default the user did not pass is fitted to the others, never rejected.
   */
  parse(flags: Readonly<Record<string, string | undefined>>, given?: ReadonlySet<string>): P;
  run(params: P, target: TargetOptions): Promise<ScenarioResult>;
}

export function option(name: string, description: string, defaultValue: string): ScenarioOption {
  const key = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  return { name, key, description, default: defaultValue };
}

/** The option values with defaults filled in for the ones not given. */
export function withDefaults(
  definition: Pick<ScenarioDefinition, 'options'>,
  flags: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of definition.options) out[o.key] = flags[o.key] ?? o.default;
  return out;
}

/** `npm run bench -- <name> --flag value ...` for these option values (the command the report prints). */
export function commandLine(definition: ScenarioDefinition, flags: Readonly<Record<string, string>>): string {
  const parts = ['npm run bench --', definition.name];
  for (const o of definition.options) {
    const value = flags[o.key];
    if (value !== undefined) parts.push(`--${o.name} ${value}`);
  }
  return parts.join(' ');
}

/**
 * A whole-number option whose upper bound depends on another option (--readers at most --followers): a value the
 * user typed outside [min, max] is a UsageError; a default the user did not type is lowered to fit.
 */
export function boundedWhole(
  flags: Readonly<Record<string, string | undefined>>,
  given: ReadonlySet<string> | undefined,
  key: string,
  flag: string,
  min: number,
  max: number,
): number {
  const text = flags[key] ?? '';
  if (given === undefined || given.has(key)) return parseWhole(text, flag, min, max);
  return Math.max(min, Math.min(max, parseWhole(text, flag, 0)));
}

// The options several scenarios share, worded and bounded the same everywhere; each scenario picks its defaults.

/** --users (generated users) and --writers (concurrent posters): the posting scenarios' first two options. */
export function writerOptions(users: string, writers: string): ScenarioOption[] {
  return [
    option('users', 'generated users', users),
    option('writers', 'concurrent posters, each a different author', writers),
  ];
}

export function followeesEachOption(defaultValue: string): ScenarioOption {
  return option('followees-each', 'follows per user, so each author has about this many followers', defaultValue);
}

type Flags = Readonly<Record<string, string | undefined>>;

/** --users (2 to 10,000,000), then --writers (1 to the smaller of 1000 and --users). */
export function parseWriters(flags: Flags, given: ReadonlySet<string> | undefined): { users: number; writers: number } {
  const users = parseWhole(flags.users ?? '', '--users', 2, 10_000_000);
  return { users, writers: boundedWhole(flags, given, 'writers', '--writers', 1, Math.min(1000, users)) };
}

/** --followees-each: 0 to `users` - 1. */
export function parseFolloweesEach(flags: Flags, given: ReadonlySet<string> | undefined, users: number): number {
  return boundedWhole(flags, given, 'followeesEach', '--followees-each', 0, users - 1);
}

/** --duration: whole seconds, 1 to 3600. */
export function parseDuration(flags: Flags): number {
  return parseWhole(flags.duration ?? '', '--duration', 1, 3600);
}
