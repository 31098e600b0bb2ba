import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, name = 'sira'): Logger {
  return pino({
    name,
    level,
    // Personal data never reaches the logs, even when a body is logged by mistake.
    redact: ['req.headers.authorization', '*.familyName', '*.givenName', '*.dateOfBirth', '*.phone', 'person'],
  });
}
