import type { SimulationResult } from './simulate';

/** The run in a few lines: time, rate, errors and retries, the bulk holds, the first refusals. */
export function renderSummary(r: SimulationResult): string {
  const s = r.stats;
  const retries =
    Object.entries(s.retries)
      .map(([status, n]) => `${n}× ${status}`)
      .join(', ') || 'none';
  const lines = [
    `run ${r.runTag}: scale ${r.scale}, seed ${r.seed}`,
    `  wall time        ${r.wallSeconds.toFixed(1)} s`,
    `  steps taken      ${r.stepsTaken} (${r.stepsPerSecond.toFixed(1)} steps/s), ${s.casesOpened} cases opened of ${s.journeysTotal} journeys`,
    `  errors           ${s.refused} refused, ${s.failures} unavailable after every retry; ${s.stepsAbandoned} planned steps abandoned`,
    `  retries          ${retries}${s.rateLimited ? ` (rate limited ${s.rateLimited}×: raise RATE_LIMIT_API_PER_MINUTE / RATE_LIMIT_LIAISON_PER_MINUTE)` : ''}`,
  ];
  if (s.safeguardsSkipped)
    lines.push(
      `  safeguards       ${s.safeguardsSkipped} not sent: the child has turned 18 since, by the real calendar`,
    );
  if (r.bulkSuspension) {
    lines.push(
      `  bulk suspension  ${r.bulkSuspension.cases} cases: answered in ${r.bulkSuspension.answeredSeconds.toFixed(2)} s, all held in ${r.bulkSuspension.settledSeconds.toFixed(2)} s`,
    );
  }
  if (r.bulkResumption) {
    lines.push(
      `  bulk resumption  ${r.bulkResumption.cases} cases: answered in ${r.bulkResumption.answeredSeconds.toFixed(2)} s, all released in ${r.bulkResumption.settledSeconds.toFixed(2)} s`,
    );
  }
  lines.push(`  report           answered in ${r.reportSeconds.toFixed(2)} s`);
  if (s.refusals.length) {
    const shown = s.refusals.slice(0, 8);
    lines.push('', `the first ${shown.length} of ${s.errors} refused or failed steps:`);
    for (const f of shown) lines.push(`  [${f.status}] ${f.journey} ${f.step}: ${f.body}`);
  }
  return lines.join('\n');
}
