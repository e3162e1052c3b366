import { pino, type Logger } from 'pino';

export type { Logger };

/** The one logger factory: JSON lines to stdout (pino), level from config. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'tweeter' }, redact: ['req.headers.authorization', '*.password', '*.token'] });
}
