import pino from 'pino';
import { Writable } from 'node:stream';

export type Logger = pino.Logger;
export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines for collectors; readable lines on a developer's terminal. Without LOG_FORMAT: pretty
 * only when stdout is a terminal and NODE_ENV is not production.
 */
export function createLogger(level: string, name = 'sira', format?: LogFormat): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    // Personal data never reaches the logs, even when a body is logged by mistake.
    redact: ['req.headers.authorization', '*.familyName', '*.givenName', '*.dateOfBirth', '*.phone', 'person'],
  };
  const pretty = (format ?? defaultFormat()) === 'pretty';
  return pretty ? pino(options, prettyStream(process.stdout, Boolean(process.stdout.isTTY))) : pino(options);
}

function defaultFormat(): LogFormat {
  return process.stdout.isTTY && process.env.NODE_ENV !== 'production' ? 'pretty' : 'json';
}

const LEVELS: Record<number, { label: string; colour: number }> = {
  10: { label: 'TRACE', colour: 90 },
  20: { label: 'DEBUG', colour: 36 },
  30: { label: 'INFO ', colour: 32 },
  40: { label: 'WARN ', colour: 33 },
  50: { label: 'ERROR', colour: 31 },
  60: { label: 'FATAL', colour: 35 },
};

// What every line has, or what pino-http puts in its own words.
const SHOWN_APART = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'req', 'res', 'responseTime', 'err']);

const value = (v: unknown) => (typeof v === 'string' ? (/[\s"=]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v));

/** One pino JSON line as `12:04:05.123 INFO  api: message key=value …`; a request as `GET /v1/cases 200 12ms`. */
export function formatLogLine(line: string, colour = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const level = LEVELS[entry.level as number] ?? { label: String(entry.level), colour: 0 };
  const time = new Date((entry.time as number) ?? Date.now()).toISOString().slice(11, 23);
  const req = entry.req as { method?: string; url?: string } | undefined;
  const res = entry.res as { statusCode?: number } | undefined;
  const request = req && res ? ` ${req.method} ${req.url} ${res.statusCode} ${entry.responseTime ?? '?'}ms` : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, v]) => `${paint(2, `${key}=`)}${value(v)}`);
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const error = err ? `\n${paint(31, err.stack ?? err.message ?? JSON.stringify(err))}` : '';
  return `${paint(2, time)} ${paint(level.colour, level.label)} ${paint(1, `${entry.name ?? ''}:`)} ${entry.msg ?? ''}${request}${fields.length ? ` ${fields.join(' ')}` : ''}${error}\n`;
}

function prettyStream(out: NodeJS.WriteStream, colour: boolean): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.write(
        chunk
          .toString()
          .split('\n')
          .filter(Boolean)
          .map((line) => formatLogLine(line, colour))
          .join(''),
      );
      callback();
    },
  });
}
