import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { searchAttributeCreateFlags } from '../../scripts/search-attribute-flags';

/**
 * The production-like stack (docker-compose.yml, Dockerfile, .env.example), checked without a
 * Docker engine: Compose itself validates the file (Debian's docker-compose; CI installs it), and
 * the structure the README promises is checked here.
 */
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  container_name?: string;
  stop_grace_period?: string;
  profiles?: string[];
  volumes?: string[];
}

/** `.env.example` as Compose reads it. */
const EXAMPLE_ENV = Object.fromEntries(
  read('.env.example')
    .split('\n')
    .flatMap((line) => {
      const match = /^(\w+)=(.*)$/.exec(line);
      return match ? [[match[1], match[2]]] : [];
    }),
) as Record<string, string>;

/** Compose's interpolation (`${X}`, `${X:-default}`, `${X:?error}`), so the file reads as Compose runs it. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
    const value = env[name];
    if (kind === '-') return value || rest!;
    if (kind === '?' && !value) throw new Error(`${name}: ${rest}`);
    return value ?? '';
  });
}

const compose = parse(interpolate(read('docker-compose.yml'), EXAMPLE_ENV), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const service = (name: string) => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

const COMPOSE = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((file) => existsSync(file));
if (!COMPOSE && process.env.CI) throw new Error("docker-compose is missing: CI must install Debian's docker-compose");
const withCompose = COMPOSE ? test : test.skip;
if (!COMPOSE) console.warn('skipping `docker-compose config`: docker-compose is absent (apt-get install -y docker-compose)');

describe('docker-compose.yml', () => {
  withCompose('is valid Compose with the variables of .env.example, and refuses to start without the secrets', () => {
    const run = (args: string[], env: NodeJS.ProcessEnv) => spawnSync(COMPOSE!, ['--project-directory', ROOT, '-f', path.join(ROOT, 'docker-compose.yml'), ...args], { env, encoding: 'utf8' });
    // Only PATH from this environment: variables a developer has set must not fill in for .env.
    const valid = run(['--env-file', path.join(ROOT, '.env.example'), 'config', '--quiet'], { PATH: process.env.PATH });
    expect({ status: valid.status, stderr: valid.stderr }).toEqual({ status: 0, stderr: '' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sira-compose-'));
    try {
      writeFileSync(path.join(dir, 'empty.env'), '');
      const missing = run(['--env-file', path.join(dir, 'empty.env'), 'config', '--quiet'], { PATH: process.env.PATH });
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toMatch(/set \w+ in \.env/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs PostgreSQL, the Temporal schema and namespace jobs, server, UI, the migration, workers, API and an SMTP catcher', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 'migrate', 'worker', 'api', 'mailpit']),
    );
  });

  it('pins every image it does not build, and never uses the deprecated auto-setup image', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build) {
        expect([name, s.image]).toEqual([name, expect.stringMatching(/^sira:/)]);
        continue;
      }
      expect([name, s.image]).toEqual([name, expect.stringMatching(/^[\w./-]+:v?\d+(\.\d+)+$/)]);
      expect(s.image).not.toMatch(/auto-setup|:latest$/);
    }
    const temporalImages = ['temporal-schema', 'temporal', 'temporal-namespace'].map((name) => service(name).image!.split(':')[1]);
    expect(new Set(temporalImages).size).toBe(1); // server and admin-tools move together
  });

  it('keeps long-running services healthy and checked', () => {
    for (const name of ['postgresql', 'temporal', 'worker', 'api', 'mailpit']) {
      expect([name, service(name).healthcheck?.test?.length]).toEqual([name, expect.any(Number)]);
    }
    expect(service('postgresql').healthcheck!.test.join(' ')).toContain('pg_isready');
  });

  it('migrates Temporal with temporal-sql-tool from admin-tools, then runs temporalio/server on PostgreSQL', () => {
    const schema = service('temporal-schema');
    expect(schema.image).toMatch(/^temporalio\/admin-tools:/);
    expect(schema.depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });
    const script = read('deploy/temporal/setup-schema.sh');
    for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema -d "$SCHEMA_DIR/$schema/versioned"', '--plugin postgres12']) {
      expect(script).toContain(step);
    }
    expect(script).toContain('temporal}:temporal');
    expect(script).toContain('temporal_visibility}:visibility');
    const server = service('temporal');
    expect(server.image).toMatch(/^temporalio\/server:/);
    expect(server.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql', BIND_ON_IP: '0.0.0.0' });
    expect(server.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    const dynamicConfig = server.environment!.DYNAMIC_CONFIG_FILE_PATH.replace('/etc/temporal/config/dynamicconfig', 'deploy/temporal/dynamicconfig');
    expect(existsSync(path.join(ROOT, dynamicConfig))).toBe(true);
  });

  it("creates the namespace with a retention and registers exactly Sira's search attributes", () => {
    const namespace = service('temporal-namespace');
    expect(namespace.image).toMatch(/^temporalio\/admin-tools:/);
    expect(namespace.environment).toMatchObject({ TEMPORAL_NAMESPACE_RETENTION: expect.stringMatching(/\d+d/) });
    const script = read('deploy/temporal/setup-namespace.sh');
    expect(script).toMatch(/temporal operator namespace create .*--retention "\$RETENTION"/);
    expect(script).toContain('temporal operator search-attribute create');
    // Regenerate with: npx tsx scripts/search-attribute-flags.ts deploy/temporal/search-attributes.flags
    expect(read('deploy/temporal/search-attributes.flags').trim().split('\n')).toEqual(searchAttributeCreateFlags());
  });

  it("shows payloads in the Temporal UI through Sira's codec endpoint, with OIDC sign-in settings", () => {
    const ui = service('temporal-ui').environment!;
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toMatch(/\/codec$/);
    for (const variable of [
      'TEMPORAL_CODEC_PASS_ACCESS_TOKEN',
      'TEMPORAL_AUTH_ENABLED',
      'TEMPORAL_AUTH_PROVIDER_URL',
      'TEMPORAL_AUTH_ISSUER_URL',
      'TEMPORAL_AUTH_CLIENT_ID',
      'TEMPORAL_AUTH_CLIENT_SECRET',
      'TEMPORAL_AUTH_CALLBACK_URL',
      'TEMPORAL_AUTH_SCOPES',
    ]) {
      expect(Object.keys(ui)).toContain(variable);
    }
    expect(ui.TEMPORAL_AUTH_CALLBACK_URL).toMatch(/\/auth\/sso\/callback$/);
    // The API lets the UI's origin call the codec endpoint.
    expect(service('api').environment!.TEMPORAL_UI_ORIGIN).toBe(ui.TEMPORAL_CORS_ORIGINS);
  });

  it('migrates Sira before the worker and API start; workers scale (no fixed name or host port) and drain on stop', () => {
    expect(service('migrate').command).toEqual(['npm', 'run', 'migrate']);
    for (const name of ['worker', 'api']) {
      expect(service(name).depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        'temporal-namespace': { condition: 'service_completed_successfully' },
      });
      expect(service(name).environment).toMatchObject({ NODE_ENV: 'production', TEMPORAL_ADDRESS: expect.any(String), SIRA_CODEC_KEYS: expect.any(String) });
    }
    const worker = service('worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.command).toEqual(['node', '--import', 'tsx', 'worker/main.ts']);
    expect(worker.environment).toMatchObject({ WORKER_METRICS_PORT: expect.any(String), WORKER_SHUTDOWN_GRACE: '30s' });
    expect(Number.parseInt(worker.stop_grace_period!, 10)).toBeGreaterThan(30);
  });

  it('keeps the SMTP catcher to staging', () => {
    expect(service('mailpit').profiles).toEqual(['staging']);
  });

  it('takes every required secret from .env, and .env.example names each of them', () => {
    const required = new Set([...read('docker-compose.yml').matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]));
    expect(required.size).toBeGreaterThan(3);
    for (const variable of required) expect([variable, EXAMPLE_ENV[variable]]).toEqual([variable, expect.stringMatching(/./)]);
    expect(() => interpolate(read('docker-compose.yml'), {})).toThrow(/set \w+ in \.env/);
    expect(read('.gitignore').split('\n')).toContain('.env');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds in stages, installs production dependencies only, prebuilds the workflow bundle and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-/m);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toMatch(/worker\/bundle\.ts dist\/workflow-bundle\.js/);
    expect(read('worker/main.ts')).toContain("'../dist/workflow-bundle.js'");
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ARG SIRA_BUILD_ID/m);
  });

  it('leaves secrets, dependencies and local data out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'node_modules', '.data', '.tools', '.git']));
  });
});
