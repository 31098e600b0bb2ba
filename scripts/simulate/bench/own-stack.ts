import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../../../tests/support/free-port';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/** A stack of its own for a measurement: `npm start`'s program on free ports and a fresh data folder. */
export interface OwnStack {
  url: string;
  temporalAddress: string;
  mailDir: string;
  dataDir: string;
  /** The process that runs the API and the worker (dev-stack.ts); Postgres and Temporal are its children. */
  pid: number;
  stop(): Promise<void>;
}


/**
 * Starts scripts/dev-stack.ts (what `npm start` runs) in a process group of its own, with the
 * environment a simulation needs (rate limits raised), and waits until GET /ready answers. `stop`
 * sends it Ctrl-C (SIGINT to the group) and removes the data folder.
 */
export async function startOwnStack(
  env: Record<string, string> = {},
  log: (line: string) => void = () => undefined,
): Promise<OwnStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sira-bench-'));
  const [api, pg, temporal, ui, smtp] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-stack.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(api),
      EMBEDDED_PG_PORT: String(pg),
      TEMPORAL_DEV_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(ui),
      SMTP_CATCHER_PORT: String(smtp),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      SMTP_URL: '',
      PUBLIC_URL: '',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_API_PER_MINUTE: '1000000',
      RATE_LIMIT_LIAISON_PER_MINUTE: '1000000',
      ...env,
    },
  });
  child.stdout!.on('data', (d: Buffer) => log(d.toString()));
  child.stderr!.on('data', (d: Buffer) => log(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${api}`;
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGINT');
    } catch {
      // already gone
    }
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 30_000)),
    ]);
    if (!stopped) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const until = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the stack exited with code ${child.exitCode} before it was ready`);
    if (
      await fetch(`${url}/ready`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      break;
    if (Date.now() > until) {
      await stop();
      throw new Error('the stack was not ready within 3 minutes');
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return {
    url,
    temporalAddress: `127.0.0.1:${temporal}`,
    mailDir: path.join(dataDir, 'mail'),
    dataDir,
    pid: child.pid!,
    stop,
  };
}
