import type { SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { StepRejected } from '../domain/rejection';
import { Exclusive } from './exclusive';
import { refusedInput } from './input-refusal';

/** A domain refusal as the Update's failure: the code is its type, and its details reach the client. */
export function refusal(error: unknown): unknown {
  if (!(error instanceof StepRejected)) return error;
  return ApplicationFailure.create({
    type: error.code,
    message: error.message,
    nonRetryable: true,
    details: error.details === undefined ? undefined : [error.details],
  });
}

/** Runs a pure rule; a refusal becomes the Update's failure. */
export function enforce(rule: () => void): void {
  try {
    rule();
  } catch (error) {
    throw refusal(error);
  }
}

/**
 * What every step workflow (case, flight, travel document) shares. The type brings its pure rules,
 * its records and its search attributes; the core owns the rest: one lock, so steps never
 * interleave; each Update checked by its validator (a refused step leaves no trace in history) and
 * again under the lock; a step recorded in Postgres before it becomes the live state, which is then
 * published; the wait for the next step or deadline; continue-as-new once every handler finished.
 */
export class StepCore<S extends { seq: number }> {
  private readonly lock = new Exclusive();
  /** The search attributes last upserted (lean runs skip an upsert that would change nothing). */
  private published?: string;
  /** The timer the workflow waits on (lean runs keep it while it rings no later than the deadline). */
  private alarm?: { at: number; rang: boolean; scope: CancellationScope };

  /**
   * `attributes` are the state's search attributes; `lean` is the run's `leanSteps()` decision: it
   * keeps a deadline's timer and skips unchanged upserts (older runs replay their restarted timers);
   * `describe` writes the state's current details for the UI (not recorded in history, so no patch).
   */
  constructor(
    private live: S,
    private readonly attributes: (state: S) => SearchAttributeUpdatePair[],
    private readonly lean: boolean,
    private readonly describe?: (state: S) => string,
  ) {
    if (describe) setCurrentDetails(describe(live));
  }

  get state(): S {
    return this.live;
  }

  /** Publishes the live state's search attributes (at start, and after each committed step). */
  publish(): void {
    if (this.describe) setCurrentDetails(this.describe(this.live));
    const pairs = this.attributes(this.live);
    if (this.lean) {
      const published = JSON.stringify(pairs.map(({ key, value }) => [key.name, value]));
      if (published === this.published) return;
      this.published = published;
    }
    upsertSearchAttributes(pairs);
  }

  /** Takes in facts that need no record of their own (what the registration activity found), before publishing. */
  adopt(state: S): void {
    this.live = state;
  }

  /** Runs a body under the workflow's lock: one step at a time, in arrival order. */
  exclusive<T>(body: () => Promise<T>): Promise<T> {
    return this.lock.run(body);
  }

  /**
   * Records a change (the activity that writes Postgres), then makes it the live state and publishes
   * it. An activity that refuses its input refuses the step, and the live state stays as it was.
   * (Plain promise callbacks, not async layers: the SDK records a stack trace for every promise.)
   */
  recordThenCommit<R>(next: S, record: () => Promise<R>): Promise<R> {
    return record().then(
      (result) => {
        this.live = next;
        this.publish();
        return result;
      },
      (error: unknown) => {
        throw refusedInput(error);
      },
    );
  }

  /** An Update: `check` validates it (refused without a trace) and runs again under the lock before `perform`. */
  update<A, R>(definition: UpdateDefinition<R, [A]>, step: { check(args: A): void; perform(args: A): Promise<R> }): void {
    setHandler(
      definition,
      (args: A) =>
        this.exclusive(() => {
          enforce(() => step.check(args));
          return step.perform(args);
        }),
      { validator: (args: A) => enforce(() => step.check(args)) },
    );
  }

  /** Waits until a step changes the state or `wakeAt` comes; false when the time came first. */
  async nextChange(wakeAt?: number): Promise<boolean> {
    const seen = this.live.seq;
    const stepped = () => this.live.seq !== seen;
    if (wakeAt === undefined || !Number.isFinite(wakeAt)) {
      this.silenceAlarm();
      await condition(stepped);
      return true;
    }
    if (!this.lean) return condition(stepped, Math.max(1, wakeAt - Date.now()));
    for (;;) {
      const alarm = this.alarmBy(wakeAt);
      await condition(() => stepped() || alarm.rang);
      if (stepped()) return true;
      this.alarm = undefined;
      // A timer set for an earlier deadline rang first: wait on for this one.
      if (Date.now() >= wakeAt) return false;
    }
  }

  /**
   * A timer that rings by `at`. One already running for an earlier moment is kept: when it rings
   * early the wait simply goes on, which costs less than a timer cancelled and restarted at every
   * step that moves the deadline later.
   */
  private alarmBy(at: number): { at: number; rang: boolean } {
    if (this.alarm && !this.alarm.rang && this.alarm.at <= at) return this.alarm;
    this.silenceAlarm();
    const scope = new CancellationScope();
    const alarm = { at, rang: false, scope };
    scope.run(() => sleep(Math.max(1, at - Date.now()))).then(
      () => (alarm.rang = true),
      () => undefined, // silenced: a step brought the deadline forward
    );
    this.alarm = alarm;
    return alarm;
  }

  private silenceAlarm(): void {
    if (this.alarm && !this.alarm.rang) this.alarm.scope.cancel();
    this.alarm = undefined;
  }

  /** True when the history should continue as new (suggested, or past `historyLimit`): call `settle`, then continue as new. */
  continueAsNewDue(historyLimit?: number): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (historyLimit !== undefined && info.historyLength > historyLimit);
  }

  /**
   * The activities a step records through: local ones in lean runs, except for a step that ends the
   * run. The server refuses to close a run while events it has not seen are waiting (a signal, a
   * timer) and fails that workflow task; had the task also run the step's local activity, the step
   * would be retried after those events, on another path than the one written. A remote activity's
   * result is in history before the task that ends the run, so that task may fail and run again.
   */
  recorder<A>(local: A, remote: A, endsRun: boolean): A {
    return this.lean && !endsRun ? local : remote;
  }

  /** Call before the run ends after a step recorded through `recorder(…, true)`: waits for every handler. */
  async drain(): Promise<void> {
    await condition(allHandlersFinished);
  }

  /**
   * Call before the run ends any other way (continues as new, or ends in the task of a step that ran
   * a local activity): waits for every handler and, in lean runs, for a workflow task of its own.
   */
  async settle(): Promise<void> {
    await condition(allHandlersFinished);
    if (!this.lean) return;
    await sleep(1);
    await condition(allHandlersFinished);
  }
}
