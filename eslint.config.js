import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layer rules (docs/architecture.md, "Layers"), enforced with ESLint's own no-restricted-imports: no plugin to keep
// in step with ESLint, and the rules read as the layering they state. A relative import is matched by the top-level
// folder of packages/server/src it reaches (`../`, any number of times, then the folder), which is exact because no
// folder inside a layer shares a name with a layer.
const SERVER = 'packages/server/src';
const reaching = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|\\.js$)`;
const layer = (files, message, ...regexes) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: regexes.map((regex) => ({ regex, message })) }],
  },
});
const PROCESS_PARTS = ['adapters', 'http', 'runtimes', 'wiring', 'cli', 'dev', 'tooling', 'population'];

export const layerRules = [
  layer(
    [`${SERVER}/domain/**`, `${SERVER}/ports/**`, `${SERVER}/os/**`],
    'domain/, ports/ and os/ import nothing of the server but their own folder.',
    '^\\.\\./',
    '^@tweeter/server',
  ),
  layer(
    [`${SERVER}/services/**`],
    'services see ports, domain and @tweeter/shared only.',
    reaching(...PROCESS_PARTS, 'stream', 'jobs', 'config', 'logger', 'metrics'),
  ),
  layer(
    [`${SERVER}/jobs/**`],
    'jobs see ports, domain and @tweeter/shared only (and the logger and metrics, which every layer reports to).',
    reaching(...PROCESS_PARTS, 'stream', 'services', 'config'),
  ),
  layer(
    [`${SERVER}/stream/**`],
    'the stream protocol is shape-neutral: it sees ports, domain and config, never a transport or a service.',
    reaching(...PROCESS_PARTS, 'services', 'jobs'),
  ),
  layer(
    [`${SERVER}/adapters/**`],
    'adapters never import services, jobs, routes, the runtimes or the wiring.',
    reaching('services', 'jobs', 'http', 'runtimes', 'wiring', 'cli', 'dev', 'tooling', 'population'),
  ),
  layer(
    [`${SERVER}/adapters/!(ws)/**`],
    'adapters never import services, jobs, routes, the runtimes, the wiring or the `ws` live transport.',
    reaching('services', 'jobs', 'http', 'runtimes', 'wiring', 'cli', 'dev', 'tooling', 'population'),
    '^(\\.\\./)+ws/',
  ),
  layer(
    ['packages/web/src/**', 'packages/client/src/**', 'packages/shared/src/**'],
    'the web app, the client and the shared package never import server code.',
    '^@tweeter/server',
    '(^|/)server/(src|test)/',
  ),
  layer(
    ['packages/infra/**'],
    'the CDK app imports the server only through @tweeter/server/deployment.',
    '^@tweeter/server(?!/deployment$)',
    '(^|/)server/(src|test)/',
  ),
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '.bench/**', 'coverage/**', '**/cdk.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
);
