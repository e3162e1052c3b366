import { createLambdaWebSocket } from '../../wiring/lambda.js';
import { boot } from './boot.js';
import { createWebSocketHandler } from './websocket-handler.js';

/** Lambda entry: the WebSocket API's `$connect`, `$disconnect` and `$default` routes. */
export const handler = createWebSocketHandler(boot(createLambdaWebSocket));
