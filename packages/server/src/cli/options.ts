import { Command } from 'commander';
import { UsageError } from './usage-error.js';

/**
 * A subcommand whose usage mistakes (unknown flag, missing value) throw instead of exiting, so runCli reports
 * them on one line with status 2. Commander does not pass these settings to commands built with `new Command`.
 */
export function strictCommand(name: string, path = name): Command {
  return new Command(name)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(oneLine(path, message)) });
}

/** Commander's error text on one line: "tweeter dlq: unknown command 'lst': did you mean list?". */
function oneLine(path: string, message: string): string {
  const text = message
    .replace(/^error: /, '')
    .replace(/\s*\(Did you mean (.+)\?\)/, ': did you mean $1?')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return `${path === 'tweeter' ? 'tweeter' : `tweeter ${path}`}: ${text}\n`;
}

/** A whole number from a flag's text, within [min, max]; a UsageError naming the flag otherwise. */
export function parseWhole(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text.replaceAll('_', ''));
  if (!/^[0-9_]+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} must be a whole number ${range}, got "${text}"`);
  }
  return n;
}
