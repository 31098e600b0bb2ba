import { MockActivityEnvironment } from '@temporalio/testing';
import { openWithHeartbeats, passengerCaseId } from '../../activities/flight-activities';

const items = Array.from({ length: 60 }, (_, i) => i);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the fan-out in a mock activity context, resumed from `done`, collecting its heartbeats. */
async function run(open: (i: number) => Promise<void>, done?: number) {
  const env = new MockActivityEnvironment(done === undefined ? {} : { heartbeatDetails: { done } });
  const heartbeats: number[] = [];
  env.on('heartbeat', (d: { done: number }) => heartbeats.push(d.done));
  const outcome = await env.run(() => openWithHeartbeats(items, open, 20)).then(
    () => undefined,
    (error: Error) => error,
  );
  return { heartbeats, outcome };
}

describe('opening the cases of an arrival', () => {
  it('opens every item at most twenty at a time and heartbeats the finished prefix', async () => {
    let running = 0;
    let peak = 0;
    const { heartbeats, outcome } = await run(async (i) => {
      running += 1;
      peak = Math.max(peak, running);
      await pause(i % 7);
      running -= 1;
    });
    expect(outcome).toBeUndefined();
    expect(peak).toBe(20);
    expect(heartbeats.at(-1)).toBe(60);
    expect(heartbeats).toEqual([...heartbeats].sort((a, b) => a - b));
  });

  it('resumes after the prefix its last attempt reported', async () => {
    const opened: number[] = [];
    await run(async (i) => void opened.push(i), 40);
    expect(opened.sort((a, b) => a - b)).toEqual(items.slice(40));
  });

  it('on a failure, lets the starts in flight finish, takes no new ones and reports only what is done', async () => {
    const opened = new Set<number>();
    let failed = false;
    let startedAfterFailure = 0;
    const { heartbeats, outcome } = await run(async (i) => {
      if (failed) startedAfterFailure += 1;
      if (i === 30) {
        await pause(5);
        failed = true;
        throw new Error('frontend unavailable');
      }
      await pause(i > 30 ? 20 : 1);
      opened.add(i);
    });
    expect(outcome?.message).toBe('frontend unavailable');
    expect(startedAfterFailure).toBe(0);
    // Everything before the failed item is done, and the starts that were in flight finished.
    expect(Math.max(...heartbeats)).toBe(30);
    expect([...opened].filter((i) => i > 30).length).toBeGreaterThan(0);
  });
});

describe("a passenger's case id", () => {
  it('is a UUID v5 of the flight and the passenger: the same on every attempt, different for everyone else', () => {
    const id = passengerCaseId('f-1', 'p-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(passengerCaseId('f-1', 'p-1')).toBe(id);
    expect(passengerCaseId('f-1', 'p-2')).not.toBe(id);
    expect(passengerCaseId('f-2', 'p-1')).not.toBe(id);
  });
});
