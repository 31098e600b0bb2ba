import path from 'node:path';
import { parseArgs } from 'node:util';
import { simulate } from './simulate/simulate';
import { renderSummary } from './simulate/summary';

/**
 * `npm run simulate -- --scale S [--seed N] [--concurrency C]`: plays a synthetic programme through the
 * HTTP API of a running Sira (SIRA_URL, default http://localhost:$PORT), then prints the programme
 * report next to the seed's figures and what the simulation did. Exit 1 when the report differs from
 * the simulation's ground truth, 2 when Sira refused steps (or stayed unavailable) but the report matched.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '0.01' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '16' },
      url: { type: 'string' },
      'mail-dir': { type: 'string' },
      programme: { type: 'string' },
      'run-tag': { type: 'string' },
      'no-progress': { type: 'boolean', default: false },
    },
  });
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  if (!(scale > 0 && scale <= 10)) throw new Error('--scale must be a number in (0, 10], e.g. 0.05');
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  if (!(Number.isInteger(concurrency) && concurrency >= 1))
    throw new Error('--concurrency must be a whole number ≥ 1');
  const url = values.url ?? process.env.SIRA_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  const mailDir = path.resolve(
    values['mail-dir'] ?? process.env.SIRA_MAIL_DIR ?? path.join(process.env.DATA_DIR ?? '.data', 'mail'),
  );
  console.error(
    `simulating the programme at scale ${scale} (seed ${seed}, ${concurrency} at once) against ${url}; liaison e-mails from ${mailDir}`,
  );

  const result = await simulate({
    url,
    scale,
    seed,
    concurrency,
    mailDir,
    programmeFile: values.programme,
    runTag: values['run-tag'],
    progress: !values['no-progress'],
  });
  console.log(renderSummary(result));
  console.log('');
  console.log(
    `programme report ${result.rows.length ? '' : '(no figures)'}against the simulation's ground truth:`,
  );
  console.log(result.table);
  console.log('');
  if (!result.matched) {
    console.log(
      `✗ the report differs from what the simulation did: ${result.rows
        .filter((r) => r.verdict === 'differs')
        .map((r) => r.key)
        .join(', ')}`,
    );
    process.exit(1);
  }
  if (result.stats.errors > 0) {
    console.log(
      `✓ the report matches what the simulation did, but ${result.stats.errors} steps were refused or failed`,
    );
    process.exit(2);
  }
  console.log('✓ the report matches what the simulation did');
}

main().catch((error) => {
  console.error(`simulate: ${(error as Error).message}`);
  process.exit(1);
});
