import { Client, Connection } from '@temporalio/client';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { floorUpdatesPerSecond } from './bench/floor';
import { Actors } from './simulate/actors';
import { type BenchFigure, renderBenchFigures } from './simulate/bench/bench-figures';
import { historyLengths } from './simulate/bench/history-length';
import {
  bulkHoldFigures,
  floorFigures,
  historyFigures,
  memoryFigures,
  overdueQueryFigures,
  reportFigures,
  simulationFigures,
} from './simulate/bench/measures';
import { overdueQueryLatency } from './simulate/bench/overdue-query';
import { startOwnStack } from './simulate/bench/own-stack';
import { reportLatency } from './simulate/bench/report-latency';
import { sampleRss } from './simulate/bench/rss-sampler';
import { loadProgramme } from './simulate/programme';
import { simulate } from './simulate/simulate';
import { renderSummary } from './simulate/summary';

/**
 * `npm run bench:programme -- [--scale S] [--seed N] [--concurrency C] [--json FILE]`: starts a stack of
 * its own (free ports, a temporary DATA_DIR), plays the programme through it, and records in one run:
 * the simulation's wall time and rate, history events per journey, the worker's RSS peak, the report's
 * latency at that size, the `CaseOverdue = true` visibility query's, the bulk hold's time, and the
 * engine's floor on the same server (bare workflows taking Updates) to set the rate against.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '0.05' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '16' },
      json: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  if (!(scale > 0 && scale <= 10)) throw new Error('--scale must be a number in (0, 10]');

  console.error('starting a stack of its own …');
  const stack = await startOwnStack(
    {},
    values.verbose ? (line) => process.stderr.write(`  | ${line}`) : undefined,
  );
  const stopOnSignal = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  try {
    console.error(
      `stack ready at ${stack.url} (Temporal ${stack.temporalAddress}, data in ${stack.dataDir})`,
    );
    const rss = sampleRss(stack.pid);
    const result = await simulate({ url: stack.url, scale, seed, concurrency, mailDir: stack.mailDir });
    const memory = rss.stop();
    console.log(renderSummary(result));
    console.log(
      result.matched ? '\nthe report matches the simulation' : `\n✗ the report differs:\n${result.table}`,
    );

    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const manager = await new Actors().token({ role: 'manager' });
    const programme = loadProgramme();
    const figures: BenchFigure[] = [
      ...simulationFigures(result),
      // Measured after the simulation, on the same server holding every case of the run.
      ...floorFigures(result, await floorUpdatesPerSecond(stack.temporalAddress, { journeys: 100, steps: 11, concurrency })),
      ...historyFigures(await historyLengths(client, result.cases)),
      ...memoryFigures(memory, result.cases.length),
      ...reportFigures(await reportLatency(stack.url, manager, programme.period), result.cases.length),
      ...overdueQueryFigures(await overdueQueryLatency(client)),
      ...bulkHoldFigures(result),
    ];
    await connection.close();
    console.log(`\nbench:programme at scale ${scale} (seed ${seed}, ${concurrency} journeys at once):`);
    console.log(renderBenchFigures(figures));
    if (values.json)
      writeFileSync(
        values.json,
        `${JSON.stringify({ scale, seed, concurrency, at: new Date().toISOString(), figures }, null, 2)}\n`,
      );
    if (!result.matched) process.exitCode = 1;
  } finally {
    process.off('SIGINT', stopOnSignal);
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(`bench:programme: ${(error as Error).message}`);
  process.exit(1);
});
