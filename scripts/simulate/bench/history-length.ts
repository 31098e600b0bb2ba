import type { Client } from '@temporalio/client';
import { caseWorkflowId } from '../../../workflows/ids';

export interface HistoryLengths {
  sampled: number;
  min: number;
  median: number;
  max: number;
  /** The mean events per journey of each track, over the sample. */
  byTrack: Record<string, number>;
}

/**
 * History events per journey: `describe` (historyLength) of a sample of the run's case workflows,
 * spread over the tracks and over how far each journey went.
 */
export async function historyLengths(
  client: Client,
  cases: { caseId: string; track: string; steps: number }[],
  sample = 60,
): Promise<HistoryLengths> {
  const sorted = [...cases].sort((a, b) => a.steps - b.steps);
  const picked =
    sorted.length <= sample
      ? sorted
      : Array.from(
          { length: sample },
          (_, i) => sorted[Math.floor((i * (sorted.length - 1)) / (sample - 1))],
        );
  const lengths: { track: string; events: number }[] = [];
  for (const c of picked) {
    const description = await client.workflow.getHandle(caseWorkflowId(c.caseId)).describe();
    lengths.push({ track: c.track, events: description.historyLength });
  }
  const events = lengths.map((l) => l.events).sort((a, b) => a - b);
  const byTrack: Record<string, number> = {};
  for (const track of new Set(lengths.map((l) => l.track))) {
    const of = lengths.filter((l) => l.track === track);
    byTrack[track] = Math.round(of.reduce((a, l) => a + l.events, 0) / of.length);
  }
  return {
    sampled: events.length,
    min: events[0] ?? 0,
    median: events[Math.floor(events.length / 2)] ?? 0,
    max: events[events.length - 1] ?? 0,
    byTrack,
  };
}
