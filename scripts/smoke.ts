import { Client, Connection } from '@temporalio/client';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The README's start command, checked as a newcomer would: `npm start` on embedded defaults brings
 * /ready and the Temporal UI up within 90 s; a token registers a case that reads back and shows in
 * Temporal visibility; Ctrl-C leaves no process behind; a second start finds the case again.
 */
const ROOT = path.resolve(__dirname, '..');
const API = 'http://127.0.0.1:3000';
const UI = 'http://127.0.0.1:8233';
const PORTS = [3000, 5433, 7233, 8233, 2525];

function start(dataDir: string): ChildProcess {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', TEMPORAL_ADDRESS: '', SMTP_URL: '', LOG_LEVEL: 'warn' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => process.stdout.write(`  | ${d}`));
  child.stderr!.on('data', (d: Buffer) => process.stdout.write(`  | ${d}`));
  return child;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number, since = Date.now()) {
  for (;;) {
    if (await probe().catch(() => false)) return (Date.now() - since) / 1000;
    if (Date.now() - since > timeoutMs) throw new Error(`${what} not reached within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const status = async (url: string) => (await fetch(url)).status;
const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGINT');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  await until('every port closed', async () => !(await Promise.all(PORTS.map(portOpen))).some(Boolean), 20_000);
  const remaining = () => {
    try {
      return execFileSync('pgrep', ['-a', '-g', String(child.pid)]).toString().trim();
    } catch {
      return ''; // pgrep exits 1 when nothing matches
    }
  };
  await until('every process of the stack gone', async () => remaining() === '', 20_000).catch(() => {
    throw new Error(`processes left behind:\n${remaining()}`);
  });
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sira-smoke-'));
  let child = start(dataDir);
  try {
    const t0 = Date.now();
    const ready = await until('GET /ready = 200', async () => (await status(`${API}/ready`)) === 200, 90_000, t0);
    const ui = await until('Temporal UI = 200', async () => (await status(UI)) === 200, 90_000, t0);
    console.log(`ready in ${ready.toFixed(1)} s, Temporal UI in ${ui.toFixed(1)} s`);

    const token = execFileSync('npm', ['run', '-s', 'token', '--', '--role', 'case_officer', '--centre', 'BKO-MMEIA', '--sub', 'smoke'], {
      cwd: ROOT,
    })
      .toString()
      .trim();
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${API}/v1/cases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        person: { familyName: 'Smoke', givenName: 'Test', sex: 'M', dateOfBirth: '1990-01-01', nationality: 'MLI' },
        arrival: { mode: 'land', arrivedAt: new Date().toISOString(), fromCountry: 'NER' },
        centreCode: 'BKO-MMEIA',
        unaccompaniedMinor: false,
        consentToDataProcessing: true,
      }),
    });
    const body = (await created.json()) as { caseId: string; workflowId: string };
    if (created.status !== 201) throw new Error(`POST /v1/cases answered ${created.status}: ${JSON.stringify(body)}`);
    const read = await fetch(`${API}/v1/cases/${body.caseId}`, { headers });
    if (read.status !== 200) throw new Error(`GET /v1/cases/:id answered ${read.status}`);
    console.log(`case ${body.caseId} registered and read back`);

    const connection = await Connection.connect({ address: '127.0.0.1:7233' });
    const client = new Client({ connection });
    await until(
      'the case in Temporal visibility with its search attributes',
      async () => {
        for await (const wf of client.workflow.list({ query: `CaseCentre = 'BKO-MMEIA' AND CaseStage = 'registered'` })) {
          if (wf.workflowId === body.workflowId) return true;
        }
        return false;
      },
      20_000,
    );
    await connection.close();
    console.log(`workflow ${body.workflowId} visible with CaseCentre and CaseStage`);

    await stop(child);
    console.log('Ctrl-C stopped everything: no port open, no process left');

    child = start(dataDir);
    await until('second start ready', async () => (await status(`${API}/ready`)) === 200, 90_000);
    const again = await fetch(`${API}/v1/cases/${body.caseId}`, { headers });
    if (again.status !== 200) throw new Error(`after a restart the case answered ${again.status}`);
    console.log('a second start reused the data: the case is still there');
    await stop(child);
    console.log('smoke: passed');
  } catch (error) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    throw error;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`smoke: failed: ${(error as Error).message}`);
  process.exit(1);
});
