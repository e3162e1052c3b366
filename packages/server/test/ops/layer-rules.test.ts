import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The layer rules in eslint.config.js, run through ESLint as `npm run lint` runs them: each forbidden import is
// reported where it is written, and the imports each layer may make pass.

const ROOT = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const eslint = new ESLint({ cwd: ROOT });

async function layerErrors(file: string, specifier: string): Promise<string[]> {
  const code = `import type { X } from '${specifier}';\nexport type Y = X;\n`;
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const S = 'packages/server/src';
const forbidden: [string, string][] = [
  [`${S}/domain/ids.ts`, '../ports/store.js'],
  [`${S}/domain/ids.ts`, '../services/users.js'],
  [`${S}/ports/store.ts`, '../domain/ids.js'],
  [`${S}/ports/store.ts`, '../adapters/sqlite/database.js'],
  [`${S}/os/threads.ts`, '../config/config.js'],
  [`${S}/services/users.ts`, '../adapters/sqlite/users-repo.js'],
  [`${S}/services/users.ts`, '../http/app.js'],
  [`${S}/services/users.ts`, '../config/config.js'],
  [`${S}/services/users.ts`, '../wiring/services.js'],
  [`${S}/jobs/fanout-plan.ts`, '../services/status-hydrator.js'],
  [`${S}/jobs/fanout-plan.ts`, '../adapters/sqs/job-queue.js'],
  [`${S}/stream/protocol.ts`, '../adapters/ws/ws-connection.js'],
  [`${S}/stream/protocol.ts`, '../services/sessions.js'],
  [`${S}/adapters/sqlite/users-repo.ts`, '../../services/users.js'],
  [`${S}/adapters/dynamodb/core/users-repo.ts`, '../../../http/app.js'],
  [`${S}/adapters/apigw/realtime.ts`, '../ws/ws-stream-server.js'],
  [`${S}/adapters/apigw/realtime.ts`, '../../wiring/stores.js'],
  ['packages/web/src/app.tsx', '@tweeter/server/tooling'],
  ['packages/web/src/app.tsx', '../../server/src/domain/ids.js'],
  ['packages/client/src/index.ts', '../../server/src/http/app.js'],
  ['packages/infra/src/data.ts', '../../server/src/adapters/dynamodb/tables.js'],
  ['packages/infra/src/data.ts', '@tweeter/server/tooling'],
];
const allowed: [string, string][] = [
  [`${S}/domain/ids.ts`, './errors.js'],
  [`${S}/services/users.ts`, '../ports/store.js'],
  [`${S}/services/users.ts`, '../domain/errors.js'],
  [`${S}/services/users.ts`, '@tweeter/shared'],
  [`${S}/jobs/fanout-plan.ts`, '../ports/status-views.js'],
  [`${S}/jobs/fanout-plan.ts`, '../metrics.js'],
  [`${S}/stream/protocol.ts`, '../config/config.js'],
  [`${S}/adapters/apigw/realtime.ts`, '../../stream/protocol.js'],
  [`${S}/adapters/ws/socket-driver.ts`, './ws-connection.js'],
  [`${S}/adapters/sqlite/checkpoint-worker.ts`, '../../os/threads.js'],
  [`${S}/wiring/services.ts`, '../adapters/sqlite/open.js'],
  [`${S}/http/app.ts`, '../services/users.js'],
  ['packages/web/src/app.tsx', '@tweeter/client'],
  ['packages/infra/src/data.ts', '@tweeter/server/deployment'],
];

describe('layer rules (eslint.config.js)', () => {
  it.each(forbidden)('%s may not import %s', async (file, specifier) => {
    expect(await layerErrors(file, specifier)).toHaveLength(1);
  });

  it.each(allowed)('%s may import %s', async (file, specifier) => {
    expect(await layerErrors(file, specifier)).toEqual([]);
  });
});
