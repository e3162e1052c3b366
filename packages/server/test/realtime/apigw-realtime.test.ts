import { runRealtimeContract } from '../contract/realtime-contract.js';
import { startGatewayStack } from '../support/gateway-stack.js';

// The Realtime contract over API Gateway's WebSocket API: the local gateway in front of the Lambda WebSocket
// handler, connection records in dynalite, pushes through PostToConnection (TWEETER_REALTIME=apigw).
runRealtimeContract({
  name: 'apigw (local gateway, Lambda handler, dynalite)',
  // DeleteConnection closes without a code of ours (docs/aws.md, "Differences from /api/v1/stream").
  closeCodes: false,
  async create(env) {
    const s = await startGatewayStack(env);
    return { t: s.t, streamUrl: s.gateway.url, errors: () => s.routeErrors, close: () => s.close() };
  },
  skip: {
    'refuses a bad ?token= with an unauthenticated error and close 4401':
      '$connect refuses the upgrade with HTTP 401 instead (docs/aws.md, "Differences from /api/v1/stream")',
  },
});
