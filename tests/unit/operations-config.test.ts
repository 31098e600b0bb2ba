import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../platform/config';
import { formatLogLine } from '../../platform/logger';
import { temporalConnectionOptions } from '../../platform/temporal';

/** The issues of the ConfigError this environment raises; fails the test when it loads. */
function issues(env: NodeJS.ProcessEnv): ConfigError['issues'] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(Object.keys(env))} to be refused`);
}

const ADDRESS = 'sira.a1b2c.tmprl.cloud:7233';
let dir: string;
const file = (name: string) => path.join(dir, name);

/** A self-signed certificate and its key (and a second key that is not its own, and an expired certificate). */
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sira-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const newCertificate = (key: string, cert: string) =>
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file(key), '-out', file(cert), '-days', '2', '-subj', '/CN=sira-worker');
  newCertificate('client.key', 'client.pem');
  newCertificate('other.key', 'ca.pem');
  openssl('x509', '-in', file('client.pem'), '-signkey', file('client.key'), '-days', '-1', '-out', file('expired.pem'));
  writeFileSync(file('notes.txt'), 'not a certificate\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TLS and API keys for Temporal, checked at start-up', () => {
  it('without TLS settings the connection is plain, to TEMPORAL_ADDRESS or the dev server', () => {
    expect(temporalConnectionOptions(loadConfig({}))).toEqual({ address: '127.0.0.1:7233', tls: false });
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toEqual({ address: 'temporal:7233', tls: false });
  });

  it('mTLS: certificate and key files, the CA and the server name reach the connection options', () => {
    const options = temporalConnectionOptions(
      loadConfig({
        TEMPORAL_ADDRESS: ADDRESS,
        TEMPORAL_TLS_CERT: file('client.pem'),
        TEMPORAL_TLS_KEY: file('client.key'),
        TEMPORAL_TLS_CA: file('ca.pem'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      }),
    );
    expect(options).toEqual({
      address: ADDRESS,
      tls: {
        serverNameOverride: 'temporal.internal',
        serverRootCACertificate: readFileSync(file('ca.pem')),
        clientCertPair: { crt: readFileSync(file('client.pem')), key: readFileSync(file('client.key')) },
      },
    });
  });

  it('PEM text in the variable itself works too, with its newlines written as \\n', () => {
    const inline = (name: string) => readFileSync(file(name), 'utf8').trim().replace(/\n/g, '\\n');
    const options = temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_TLS_CERT: inline('client.pem'), TEMPORAL_TLS_KEY: inline('client.key') }));
    expect(options.tls && options.tls.clientCertPair?.crt.toString()).toBe(readFileSync(file('client.pem'), 'utf8').trim());
  });

  it('a Temporal Cloud API key turns TLS on (system roots)', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_API_KEY: 'key-123' }))).toEqual({ address: ADDRESS, tls: {}, apiKey: 'key-123' });
    // Behind a proxy that terminates TLS, it can be turned off explicitly.
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_API_KEY: 'key-123', TEMPORAL_TLS: 'false' })).tls).toBe(false);
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_TLS: 'true' })).tls).toEqual({});
  });

  it('a certificate without its key, or a key without its certificate, is refused naming the missing one', () => {
    expect(issues({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_TLS_CERT: file('client.pem') })).toEqual([
      { variable: 'TEMPORAL_TLS_KEY', message: expect.stringContaining('TEMPORAL_TLS_CERT') },
    ]);
    expect(issues({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_TLS_KEY: file('client.key') })).toEqual([
      { variable: 'TEMPORAL_TLS_CERT', message: expect.stringContaining('TEMPORAL_TLS_KEY') },
    ]);
  });

  it.each([
    ['TEMPORAL_TLS_CERT', () => file('missing.pem'), /cannot read .*missing\.pem \(no such file\)/],
    ['TEMPORAL_TLS_CA', () => dir, /\(a directory\)/],
    ['TEMPORAL_TLS_CERT', () => file('notes.txt'), /notes\.txt is not a PEM certificate/],
    ['TEMPORAL_TLS_CERT', () => file('client.key'), /client\.key is not a PEM certificate/],
    ['TEMPORAL_TLS_KEY', () => file('client.pem'), /client\.pem is not a PEM private key/],
  ])('%s: an unreadable or wrong file is refused (%#)', (variable, value, message) => {
    const env = { TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_TLS_CERT: file('client.pem'), TEMPORAL_TLS_KEY: file('client.key'), [variable]: value() };
    expect(issues(env)).toEqual([{ variable, message: expect.stringMatching(message) }]);
  });

  it("a key that is not the certificate's, or an expired certificate, is refused", () => {
    expect(issues({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_TLS_CERT: file('client.pem'), TEMPORAL_TLS_KEY: file('other.key') })).toEqual([
      { variable: 'TEMPORAL_TLS_KEY', message: 'is not the private key of TEMPORAL_TLS_CERT' },
    ]);
    expect(issues({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_TLS_CERT: file('expired.pem'), TEMPORAL_TLS_KEY: file('client.key') })).toEqual([
      { variable: 'TEMPORAL_TLS_CERT', message: expect.stringMatching(/^expired on \d{4}-/) },
    ]);
  });

  it('TLS material with TEMPORAL_TLS=false, or without a server address, is refused', () => {
    expect(issues({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_TLS_CA: file('ca.pem'), TEMPORAL_TLS: 'false' }).map((i) => i.variable)).toEqual(['TEMPORAL_TLS']);
    expect(issues({ TEMPORAL_API_KEY: 'key-123' }).map((i) => i.variable)).toEqual(['TEMPORAL_ADDRESS']);
    expect(issues({ TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }).map((i) => i.variable)).toEqual(['TEMPORAL_ADDRESS']);
    expect(issues({ TEMPORAL_ADDRESS: ADDRESS, TEMPORAL_TLS: 'yes' }).map((i) => i.variable)).toEqual(['TEMPORAL_TLS']);
  });
});

describe('worker operations', () => {
  it('defaults: no metrics endpoint, 30 s for running activities at shutdown, 50 activities at once, 500 workflows cached, unversioned', () => {
    expect(loadConfig({}).worker).toEqual({ shutdownGraceMs: 30_000, tuning: { maxConcurrentActivityTaskExecutions: 50, maxCachedWorkflows: 500 } });
  });

  it('metrics port, grace, cache and slots are configuration', () => {
    const worker = loadConfig({
      WORKER_METRICS_PORT: '9464',
      WORKER_SHUTDOWN_GRACE: '2m',
      WORKER_MAX_CACHED_WORKFLOWS: '0',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '20',
      WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: '40',
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1',
    }).worker;
    expect(worker).toEqual({
      metricsPort: 9464,
      shutdownGraceMs: 120_000,
      tuning: { maxCachedWorkflows: 0, maxConcurrentActivityTaskExecutions: 20, maxConcurrentLocalActivityExecutions: 40, maxConcurrentWorkflowTaskExecutions: 1 },
    });
    expect(loadConfig({ WORKER_SHUTDOWN_GRACE: '0s' }).worker.shutdownGraceMs).toBe(0);
  });

  it.each([
    ['WORKER_METRICS_PORT', '70000'],
    ['WORKER_SHUTDOWN_GRACE', 'soon'],
    ['WORKER_MAX_CACHED_WORKFLOWS', '-1'],
    ['WORKER_MAX_CONCURRENT_ACTIVITIES', '0'],
    ['WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES', '2.5'],
    ['WORKER_VERSIONING_BEHAVIOR', 'SOMETIMES'],
    ['WORKER_DEPLOYMENT_NAME', 'sira.prod'],
    ['WORKER_WORKFLOW_BUNDLE', '/nowhere/bundle.js'],
    ['LOG_FORMAT', 'xml'],
  ])('%s=%j is refused', (variable, value) => {
    expect(issues({ [variable]: value }).map((i) => i.variable)).toEqual([variable]);
  });

  it('a sticky cache needs at least two workflow task slots', () => {
    expect(issues({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' })).toEqual([
      { variable: 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', message: expect.stringContaining('at least 2') },
    ]);
  });

  it('Worker Versioning is opt-in: a deployment name, and the build id given, from the image, or from git', () => {
    expect(loadConfig({ WORKER_DEPLOYMENT_NAME: 'sira', WORKER_BUILD_ID: '2026.11.3' }).worker.deployment).toEqual({
      deploymentName: 'sira',
      buildId: '2026.11.3',
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    });
    expect(loadConfig({ WORKER_DEPLOYMENT_NAME: 'sira', SIRA_BUILD_ID: 'abc123', WORKER_VERSIONING_BEHAVIOR: 'PINNED' }).worker.deployment).toEqual({
      deploymentName: 'sira',
      buildId: 'abc123',
      defaultVersioningBehavior: 'PINNED',
    });
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: path.resolve(__dirname, '../..') }).toString().trim();
    expect(loadConfig({ WORKER_DEPLOYMENT_NAME: 'sira' }).worker.deployment?.buildId).toBe(commit);
  });

  it('a build id without a deployment name is refused rather than silently unversioned', () => {
    expect(issues({ WORKER_BUILD_ID: 'abc123' })).toEqual([{ variable: 'WORKER_BUILD_ID', message: expect.stringContaining('WORKER_DEPLOYMENT_NAME') }]);
    // The image's own build id alone does not turn versioning on.
    expect(loadConfig({ SIRA_BUILD_ID: 'abc123' }).worker.deployment).toBeUndefined();
  });
});

describe('logs on a terminal', () => {
  it('a JSON line becomes a readable one: time, level, name, message, then the other fields', () => {
    const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 10, 20, 10, 4, 5, 123), pid: 1, hostname: 'h', name: 'worker', msg: 'worker started', taskQueue: 'sira', deployment: { buildId: 'b1' } });
    expect(formatLogLine(line)).toBe('10:04:05.123 INFO  worker: worker started taskQueue=sira deployment={"buildId":"b1"}\n');
  });

  it('a request reads as method, path, status and time; an error shows its stack', () => {
    const request = JSON.stringify({ level: 40, time: 0, name: 'api', msg: 'request completed', req: { method: 'POST', url: '/v1/cases' }, res: { statusCode: 503 }, responseTime: 12 });
    expect(formatLogLine(request)).toBe('00:00:00.000 WARN  api: request completed POST /v1/cases 503 12ms\n');
    const failure = JSON.stringify({ level: 50, time: 0, name: 'api', msg: 'failed', err: { message: 'boom', stack: 'Error: boom\n    at x' } });
    expect(formatLogLine(failure)).toBe('00:00:00.000 ERROR api: failed\nError: boom\n    at x\n');
    expect(formatLogLine('not json')).toBe('not json');
  });
});
