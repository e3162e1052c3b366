import { runRealtimeContract } from '../contract/realtime-contract.js';
import { createTestApp } from '../support/test-app.js';

// The Realtime contract over the `ws` transport: GET /api/v1/stream of the app in process, on a loopback port.
runRealtimeContract({
  name: 'ws (in process)',
  closeCodes: true,
  async create(env) {
    const t = await createTestApp(env);
    const streamUrl = `${(await t.listen()).replace(/^http/, 'ws')}/api/v1/stream`;
    return { t, streamUrl, errors: () => [], close: () => t.close() };
  },
  skip: {
    'refuses the upgrade of a bad ?token= with HTTP 401':
      'the ws server upgrades first and refuses the token with an error frame and close 4401',
  },
});
