import { spawnSync } from 'node:child_process';

/**
 * `npm audit` of production dependencies: fails on any high or critical advisory. When the
 * registry's audit endpoint cannot be reached (some mirrors answer 405), it says so plainly and
 * does not pretend the dependencies were checked.
 */
const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report: { error?: { summary?: string }; message?: string; metadata?: { vulnerabilities?: Record<string, number> } };
try {
  report = JSON.parse(run.stdout || '{}');
} catch {
  report = { error: { summary: (run.stderr || 'no output').trim().split('\n')[0] } };
}
if (report.error || !report.metadata) {
  console.warn(`npm audit could not run (${report.message ?? report.error?.summary ?? 'no report'}): production dependencies NOT audited`);
  process.exit(0);
}
const counts = report.metadata.vulnerabilities ?? {};
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(`npm audit (production dependencies): ${JSON.stringify(counts)}`);
if (serious > 0) {
  console.error(`${serious} high or critical advisories: run \`npm audit --omit=dev\` and upgrade`);
  process.exit(1);
}
