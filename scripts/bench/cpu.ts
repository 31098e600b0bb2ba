import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) used so far by this process, the Temporal server and Postgres. */
export interface CpuSeconds {
  bench: number;
  temporal: number;
  postgres: number;
}

/** Clock ticks per second of /proc's counters (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * Reads /proc (Linux): this process, every Temporal server process and every Postgres process of
 * the machine. Elsewhere every figure stays 0.
 */
export function cpuByProcess(): CpuSeconds {
  const seconds: CpuSeconds = { bench: 0, temporal: 0, postgres: 0 };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return seconds;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const used = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (Number(pid) === process.pid) seconds.bench += used;
      else if (/temporal/.test(command) && /start-dev/.test(command)) seconds.temporal += used;
      else if (/postgres/.test(command)) seconds.postgres += used;
    } catch {
      // The process ended while being read.
    }
  }
  return seconds;
}
