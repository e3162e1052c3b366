import { Counter, Gauge, type Registry } from 'prom-client';
import type { WsStreamServer, WsStreamStats } from './ws-stream-server.js';

/**
 * The `ws` transport's metrics, read from the server's plain counters when /metrics is scraped (the delivery loop stays
 * free of prom-client calls).
 */
export function registerWsStreamMetrics(registry: Registry, server: Pick<WsStreamServer, 'stats'>): void {
  const gauge = (name: string, help: string, key: keyof WsStreamStats): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(server.stats()[key]);
      },
    });
  };
  // `scale` turns a stat's unit into the metric's (ms to seconds).
  const counter = (name: string, help: string, key: keyof WsStreamStats, scale = 1): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(server.stats()[key] * scale);
      },
    });
  };
  gauge('tweeter_ws_connections', 'Open live-stream (WebSocket) connections', 'connections');
  gauge('tweeter_ws_authenticated_connections', 'Live-stream connections that have authenticated', 'authenticated');
  gauge('tweeter_ws_subscriptions', 'Channel subscriptions over all live-stream connections', 'subscriptions');
  gauge('tweeter_ws_channels', 'Channels with at least one live subscriber', 'channels');
  counter('tweeter_ws_frames_sent_total', 'Frames sent to live-stream clients (events and replies)', 'framesSent');
  counter(
    'tweeter_ws_slow_consumers_dropped_total',
    'Live-stream connections closed with 1013 for not keeping up',
    'slowConsumersDropped',
  );
  counter('tweeter_ws_broadcasts_total', 'Broadcasts (one event to many connections) fully written', 'broadcasts');

  counter(
    'tweeter_ws_broadcast_write_seconds_total',
    'Time spent writing broadcasts to sockets',
    'broadcastWriteMs',
    1 / 1000,
  );
  counter(
    'tweeter_ws_broadcast_span_seconds_total',
    'Time from each broadcast queued to its last socket write, summed',
    'broadcastSpanMs',
    1 / 1000,
  );
  counter(
    'tweeter_ws_helper_writes_total',
    'Broadcast frames written by the write helper thread (WS_WRITE_THREAD)',
    'helperWrites',
  );
  counter(
    'tweeter_ws_heartbeat_timeouts_total',
    'Live-stream connections dropped for not answering a heartbeat ping',
    'heartbeatTimeouts',
  );
}
