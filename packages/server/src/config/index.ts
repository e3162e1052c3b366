import { loadConfig, type Config } from './config.js';

export { ConfigError, loadConfig, type Config } from './config.js';

/** The configuration from this process's environment (the only reader of process.env). */
export function configFromEnvironment(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({ ...process.env, ...overrides });
}

/** This process's environment with overrides, for a child process (the benchmark's server). */
export function childEnvironment(overrides: Record<string, string>): Record<string, string | undefined> {
  return { ...process.env, ...overrides };
}
