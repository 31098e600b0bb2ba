import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { type ChildProcess, spawn } from 'node:child_process';
import { searchAttributeFlags } from '../workflows/search-attributes';

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort?: number;
  /** SQLite file; in memory when absent (tests). */
  dbFile?: string;
  namespace?: string;
  /** How long the namespace keeps a closed workflow's history (`temporal operator namespace update --retention`). */
  retentionMs?: number;
  codecEndpoint?: string;
  log?: (line: string) => void;
}

/**
 * Runs `temporal server start-dev` with every Sira search attribute registered, and resolves once
 * the frontend answers. WAL pragmas keep the SQLite file fast under many small writes.
 */
export async function startTemporalDevServer(o: DevServerOptions): Promise<RunningTemporal> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--namespace', o.namespace ?? 'default'];
  args.push('--log-level', 'warn', ...searchAttributeFlags());
  if (o.dbFile) args.push('--db-filename', o.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  if (o.uiPort) args.push('--ui-port', String(o.uiPort), '--ui-ip', '127.0.0.1', '--ui-disable-news-fetch');
  else args.push('--headless');
  if (o.codecEndpoint) args.push('--ui-codec-endpoint', o.codecEndpoint);

  const child = spawn(o.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = o.log ?? (() => {});
  child.stdout?.on('data', (d: Buffer) => log(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log(d.toString()));
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });

  const address = `127.0.0.1:${o.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`the Temporal dev server exited with code ${exited} (is port ${o.port} free?)`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.withDeadline(Date.now() + 2000, () => connection.workflowService.getSystemInfo({}));
      if (o.retentionMs) {
        // Closed histories (with their encrypted personal data) are kept this long, then removed by the server.
        const retention = msToTs(o.retentionMs);
        await connection.workflowService.updateNamespace({ namespace: o.namespace ?? 'default', config: { workflowExecutionRetentionTtl: retention } });
      }
      await connection.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the Temporal dev server did not answer on ${address}`, { cause: error });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    uiUrl: o.uiPort ? `http://127.0.0.1:${o.uiPort}` : undefined,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
