import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../db';
import { freePort } from '../support/free-port';
import { startPostgresProcess } from '../support/postgres-process';

/**
 * `npm start` and `npm test` from any folder: as root, the embedded Postgres runs as the `postgres`
 * user, which cannot enter a private folder (a clone in /root, mode 700). Its data then lives in a
 * folder of its own under /var/tmp, the same one at every start. (The binaries are copied likewise
 * when node_modules itself is out of reach: checked by hand from such a clone, see README.)
 */
const asRoot = os.userInfo().uid === 0;
const maybe = asRoot ? test : test.skip;

let privateDir: string;
const dataDirs = new Set<string>();

beforeAll(() => {
  privateDir = mkdtempSync(path.join(os.tmpdir(), 'sira-private-'));
  chmodSync(privateDir, 0o700);
});

afterAll(() => {
  for (const dir of [privateDir, ...dataDirs]) rmSync(dir, { recursive: true, force: true });
});

maybe('as root, a data folder inside a private folder is kept where the postgres user can reach it, and found again', async () => {
  const asked = path.join(privateDir, '.data', 'postgres');
  const port = await freePort();
  let postgres = await startPostgresProcess(asked, port);
  dataDirs.add(postgres.dataDir);
  try {
    expect(postgres.dataDir).toMatch(/^\/(var\/)?tmp\/sira-embedded-postgres\/data-[0-9a-f]{16}$/);
    let db = createDb(postgres.url, { max: 1 });
    await db.raw('create table kept (n int)');
    await db.raw('insert into kept values (42)');
    await db.destroy();
    await postgres.stop();

    postgres = await startPostgresProcess(asked, port);
    expect(dataDirs.has(postgres.dataDir)).toBe(true);
    db = createDb(postgres.url, { max: 1 });
    expect((await db.raw('select n from kept')).rows).toEqual([{ n: 42 }]);
    await db.destroy();
  } finally {
    await postgres.stop();
  }
}, 60_000);
