import pino, { type Logger } from 'pino';
import type { Config } from './config/schema.js';

/** Structured JSON logs; credentials are redacted wherever they might appear. */
export function createLogger(
  level: Config['log']['level'],
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      level,
      base: { service: 'klarsyn' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          '*.token',
          '*.accessToken',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
