import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEST_SECRET, type TestStack } from './stack';

const ROOT = path.resolve(__dirname, '../..');

/**
 * `npm run worker` or `npm run api` as production runs them (`node --import tsx`, one process that
 * receives the signals itself), with its own environment: a second instance joining a test's stack.
 */
export interface SiraProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves once the output matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export function startSiraProcess(entry: 'worker/main.ts' | 'api/main.ts', env: Record<string, string>): SiraProcess {
  // Nothing from the test runner's environment but what a process needs to run: the configuration is the test's.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  return {
    child,
    output: () => output,
    async waitForOutput(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.match(pattern)) {
        if (exitCode !== undefined) throw new Error(`${entry} exited (${exitCode}) before printing ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`${entry} did not print ${pattern} within ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(signal = 'SIGTERM', timeoutMs = 30_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The environment of a second worker or API for this stack: same database, Temporal, task queue, mail and secret. */
export function stackEnvironment(stack: TestStack, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: stack.config.DATABASE_URL!,
    TEMPORAL_ADDRESS: stack.config.TEMPORAL_ADDRESS!,
    TEMPORAL_NAMESPACE: stack.config.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    SMTP_URL: stack.smtp.url,
    AUTH_SECRET: TEST_SECRET,
    PUBLIC_URL: stack.config.publicUrl,
    WORKER_WORKFLOW_BUNDLE: process.env.SIRA_TEST_WORKFLOW_BUNDLE!,
    UPDATE_DEADLINE: `${stack.config.UPDATE_DEADLINE}ms`,
    RATE_LIMIT_API_PER_MINUTE: String(stack.config.RATE_LIMIT_API_PER_MINUTE),
    ...extra,
  };
}

/**
 * A namespace of the test's own on the run's Temporal server, made by the production setup script
 * (deploy/temporal/setup-namespace.sh, with Sira's search attributes), so that what a test's worker
 * does there (the monthly report's Schedule, worker deployments) stays out of other test files.
 */
export async function createNamespace(address = process.env.SIRA_TEST_TEMPORAL_ADDRESS!): Promise<string> {
  const namespace = `sira-test-${randomBytes(4).toString('hex')}`;
  await promisify(execFile)('sh', [path.join(ROOT, 'deploy/temporal/setup-namespace.sh')], {
    env: {
      PATH: `${path.dirname(process.env.SIRA_TEST_TEMPORAL_CLI!)}${path.delimiter}${process.env.PATH}`,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_NAMESPACE_RETENTION: '1d',
      RETRY_SECONDS: '0.5',
    },
  });
  return namespace;
}

/**
 * A TCP relay to an SMTP server that can hold the server's answers back: an activity sending mail
 * through it, while held, is an activity still running.
 */
export interface HeldRelay {
  url: string;
  /** Connections opened through the relay so far. */
  connections(): number;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startHeldRelay(target: { port: number }): Promise<HeldRelay> {
  let held = false;
  let opened = 0;
  const waiting: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    opened += 1;
    const upstream = connect(target.port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => (held ? waiting.push(() => client.write(chunk)) : client.write(chunk)));
    client.on('end', () => upstream.end());
    upstream.on('end', () => (held ? waiting.push(() => client.end()) : client.end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    connections: () => opened,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      for (const send of waiting.splice(0)) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
