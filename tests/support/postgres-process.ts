import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type RunningPostgres, startEmbeddedPostgres } from '../../platform/embedded-postgres';

const TSX = path.resolve(__dirname, '../../node_modules/.bin/tsx');

/**
 * A real PostgreSQL server of a test's own, which the test may stop and start again on the same
 * data. It runs in a child process because embedded-postgres is an ES module, which Jest's sandbox
 * cannot import.
 */
export async function startPostgresProcess(dataDir: string, port: number): Promise<RunningPostgres> {
  const child = spawn(TSX, [__filename, dataDir, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const started = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    void exited.then(() => reject(new Error(`the Postgres process for ${dataDir} exited before it was ready`)));
  });
  lines.close();
  const { url, dataDir: actualDir } = JSON.parse(started) as { url: string; dataDir: string };
  return {
    url,
    dataDir: actualDir,
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

// The child: starts the server and tells the parent its URL and data folder. When the parent closes stdin, or dies,
// SIGTERM lets embedded-postgres shut the server down (a fast shutdown): none outlives its test.
if (require.main === module) {
  const [dataDir, port] = process.argv.slice(2);
  process.stdin.once('end', () => process.kill(process.pid, 'SIGTERM'));
  process.stdin.resume();
  startEmbeddedPostgres(dataDir, Number(port)).then(
    (postgres) => process.stdout.write(`${JSON.stringify({ url: postgres.url, dataDir: postgres.dataDir })}\n`),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
