import type { CaseState, OpenTask } from '../../domain/case-state';
import { currentTaskSpec, dueAt, escalateAt, nextDeadline, refreshTask } from '../../domain/open-task';
import {
  approve,
  counselling,
  DAY,
  drive,
  HOUR,
  onwardCase,
  plan,
  policy,
  reception,
  registeredCase,
  reintegrationCaseAt,
  reject,
  step,
  supervisor,
  T0,
  tranche,
  visit,
} from './fixtures';

const task = (overrides: Partial<OpenTask> = {}): OpenTask => ({
  key: 'counselling:eligibility',
  label: 'Decide eligibility',
  startedAt: T0,
  slaMs: 14 * DAY,
  pausedMs: 0,
  overdueLevel: 0,
  ...overrides,
});

describe('currentTaskSpec: what the case waits for', () => {
  const p = policy();

  it.each<[string, () => CaseState, string, number]>([
    ['a registered case waits for reception', () => registeredCase(), 'registered:reception', 3 * DAY],
    [
      'a received Malian returnee waits for counselling',
      () => reintegrationCaseAt('received'),
      'received:counselling',
      14 * DAY,
    ],
    [
      'a counselled Malian returnee waits for an eligibility decision',
      () => reintegrationCaseAt('counselling'),
      'counselling:eligibility',
      14 * DAY,
    ],
    [
      'an eligible returnee waits for a plan',
      () => reintegrationCaseAt('planning'),
      'planning:plan',
      30 * DAY,
    ],
    [
      'an approved plan waits for its first tranche',
      () => reintegrationCaseAt('disbursing'),
      'disbursing:tranche',
      60 * DAY,
    ],
    [
      'a fully paid case waits for its first monitoring visit',
      () => reintegrationCaseAt('monitoring'),
      'monitoring:visit-1',
      90 * DAY,
    ],
    [
      'a received migrant in transit waits for a travel-document request',
      () => step(onwardCase(), reception),
      'received:travel-document',
      14 * DAY,
    ],
  ])('%s', (_name, make, key, slaMs) => {
    expect(currentTaskSpec(make(), p)).toMatchObject({ key, slaMs });
  });

  it('has labels a supervisor can read', () => {
    expect(currentTaskSpec(registeredCase(), p)?.label).toBe('Record reception');
    expect(currentTaskSpec(reintegrationCaseAt('monitoring'), p)?.label).toBe('Monitoring visit 1 of 3');
  });

  it('the embassy answer has a due date; nothing is due while a migrant waits for transport', () => {
    const waiting = drive(onwardCase(), [
      reception,
      { type: 'recordTravelDocumentRequest', requestId: 'TD-1' },
    ]);
    expect(currentTaskSpec(waiting, p)).toEqual({ key: 'travel_document:embassy-answer', label: 'Embassy answers the travel-document request', slaMs: 30 * DAY });
    const ready = step(waiting, {
      type: 'recordTravelDocumentOutcome',
      requestId: 'TD-1',
      outcome: 'issued',
    });
    expect(ready.stage).toBe('ready_to_depart');
    expect(currentTaskSpec(ready, p)).toBeUndefined();
  });

  it('nothing is due on a closed or completed case', () => {
    const base = reintegrationCaseAt('planning');
    expect(currentTaskSpec({ ...base, stage: 'closed' }, p)).toBeUndefined();
    expect(currentTaskSpec({ ...base, stage: 'completed' }, p)).toBeUndefined();
  });

  it('a pending closure takes precedence over the stage’s own task', () => {
    const state = {
      ...reintegrationCaseAt('disbursing'),
      pendingClosure: { reason: 'withdrew' as const, requestedBy: 'officer-1' },
    };
    expect(currentTaskSpec(state, p)).toMatchObject({ key: 'disbursing:closure-approval', slaMs: 7 * DAY });
  });

  it('in monitoring an unsettled tranche comes before the next visit', () => {
    const base = reintegrationCaseAt('monitoring');
    const requested: CaseState = {
      ...base,
      tranches: [
        ...base.tranches,
        { n: 2, amountXof: 1, vendor: 'v', status: 'requested', requestedBy: 'o' },
      ],
    };
    expect(currentTaskSpec(requested, p)?.key).toBe('monitoring:tranche-2-approval');
    const approved: CaseState = {
      ...base,
      tranches: [...base.tranches, { n: 2, amountXof: 1, vendor: 'v', status: 'approved', requestedBy: 'o' }],
    };
    expect(currentTaskSpec(approved, p)).toMatchObject({
      key: 'monitoring:tranche-2-payment',
      slaMs: 60 * DAY,
    });
  });

  it('each monitoring visit is due after the gap since the previous configured offset, none after the last', () => {
    const base = reintegrationCaseAt('monitoring');
    const withVisits = (n: number): CaseState => ({
      ...base,
      visits: Array.from({ length: n }, () => ({
        visitedAt: '2026-01-02T00:00:00Z',
        composite: 0.8,
        sustainable: true,
      })),
    });
    expect(currentTaskSpec(withVisits(1), p)).toMatchObject({
      key: 'monitoring:visit-2',
      slaMs: 90 * DAY,
      label: 'Monitoring visit 2 of 3',
    });
    expect(currentTaskSpec(withVisits(2), p)).toMatchObject({ key: 'monitoring:visit-3', slaMs: 185 * DAY });
    expect(currentTaskSpec(withVisits(3), p)).toBeUndefined();
  });

  it('SLAs come from the policy', () => {
    const fast = policy({ slaMs: { ...policy().slaMs, reception: 20_000 } });
    expect(currentTaskSpec(registeredCase(), fast)?.slaMs).toBe(20_000);
  });
});

describe('refreshTask: task keys change and restart the clock', () => {
  it('keeps the running task, clock, pause and overdue level, when the key is unchanged', () => {
    const state: CaseState = {
      ...reintegrationCaseAt('counselling'),
      task: task({ pausedMs: HOUR, overdueLevel: 1 }),
    };
    expect(refreshTask(state, policy(), T0 + 5 * DAY)).toBe(state.task);
  });

  it('opens a new task with a fresh clock when the key changes, even if the old one was overdue', () => {
    const state: CaseState = {
      ...reintegrationCaseAt('disbursing'),
      task: task({ pausedMs: HOUR, overdueLevel: 2 }),
    };
    expect(refreshTask(state, policy(), T0 + 5 * DAY)).toEqual({
      key: 'disbursing:tranche',
      label: 'Request the next tranche',
      slaMs: 60 * DAY,
      startedAt: T0 + 5 * DAY,
      pausedMs: 0,
      overdueLevel: 0,
    });
  });

  it('the planning clock counts from the return: a plan is due within a month of arrival', () => {
    const state: CaseState = { ...reintegrationCaseAt('planning'), task: task({ overdueLevel: 1 }) };
    expect(refreshTask(state, policy(), T0 + 5 * DAY)).toMatchObject({ key: 'planning:plan', startedAt: Date.parse(state.arrivedAt), slaMs: 30 * DAY });
  });

  it('returns undefined when nothing is due', () => {
    const ready = drive(onwardCase(), [
      reception,
      { type: 'recordTravelDocumentRequest', requestId: 'TD-1' },
      { type: 'recordTravelDocumentOutcome', requestId: 'TD-1', outcome: 'issued' },
    ]);
    expect(refreshTask({ ...ready, task: task() }, policy(), T0)).toBeUndefined();
  });

  it('reception, then counselling, then eligibility each restart the clock at the step’s time', () => {
    const received = step(registeredCase(), reception, { now: T0 + HOUR });
    const counselled = step(received, counselling, { now: T0 + 2 * HOUR });
    expect(received.task).toMatchObject({ key: 'received:counselling', startedAt: T0 + HOUR });
    expect(counselled.task).toMatchObject({ key: 'counselling:eligibility', startedAt: T0 + 2 * HOUR });
  });

  it('a resubmitted plan is a new approval task (its key carries the plan version)', () => {
    const rejected = drive(reintegrationCaseAt('planning'), [plan(), [reject('plan'), supervisor]]);
    const v2 = step(rejected, plan(), { now: T0 + 9 * DAY });
    expect(v2.task).toMatchObject({
      key: 'planning:plan-approval-v2',
      startedAt: T0 + 9 * DAY,
      overdueLevel: 0,
    });
  });

  it('an approved tranche turns the approval task into a payment task with a new clock', () => {
    const requested = step(reintegrationCaseAt('disbursing'), tranche(100_000), { now: T0 + DAY });
    const approved = step(requested, approve('tranche', 1), { actor: supervisor, now: T0 + 2 * DAY });
    expect(requested.task).toMatchObject({ key: 'disbursing:tranche-1-approval', startedAt: T0 + DAY });
    expect(approved.task).toMatchObject({ key: 'disbursing:tranche-1-payment', startedAt: T0 + 2 * DAY });
  });

  it('a monitoring visit restarts the clock for the next visit', () => {
    const first = step(reintegrationCaseAt('monitoring'), visit(0.8, '2026-04-02T12:00:00.000Z'), { now: T0 + 91 * DAY });
    expect(first.task).toMatchObject({ key: 'monitoring:visit-2', startedAt: T0 + 91 * DAY });
  });
});

describe('deadlines', () => {
  it('dueAt is the start plus the SLA plus the time spent suspended', () => {
    expect(dueAt(task())).toBe(T0 + 14 * DAY);
    expect(dueAt(task({ pausedMs: 3 * DAY }))).toBe(T0 + 17 * DAY);
  });

  it('escalateAt (programme manager told) is the start plus twice the SLA plus the time spent suspended', () => {
    expect(escalateAt(task())).toBe(T0 + 28 * DAY);
    expect(escalateAt(task({ pausedMs: 3 * DAY }))).toBe(T0 + 31 * DAY);
  });

  it('nextDeadline rises from on time to overdue, then to escalated, then nothing more', () => {
    const base = reintegrationCaseAt('counselling');
    expect(nextDeadline({ ...base, task: task({ overdueLevel: 0 }) })).toEqual({
      at: T0 + 14 * DAY,
      level: 1,
    });
    expect(nextDeadline({ ...base, task: task({ overdueLevel: 1 }) })).toEqual({
      at: T0 + 28 * DAY,
      level: 2,
    });
    expect(nextDeadline({ ...base, task: task({ overdueLevel: 2 }) })).toBeUndefined();
  });

  it('no task, no deadline', () => {
    expect(nextDeadline({ ...reintegrationCaseAt('counselling'), task: undefined })).toBeUndefined();
  });

  it('a suspended case has no deadline: its clock stops', () => {
    const suspended = step(
      reintegrationCaseAt('counselling'),
      { type: 'suspend', reason: 're-verification' },
      { actor: supervisor },
    );
    expect(suspended.task).toBeDefined();
    expect(nextDeadline(suspended)).toBeUndefined();
  });

  it('resume adds the time spent suspended to the open task, pushing its deadlines back', () => {
    const counselled = step(reintegrationCaseAt('received'), counselling, { now: T0 });
    const suspended = step(
      counselled,
      { type: 'suspend', reason: 're-verification' },
      { actor: supervisor, now: T0 + DAY },
    );
    const resumed = step(suspended, { type: 'resume' }, { actor: supervisor, now: T0 + 6 * DAY });
    expect(resumed.task).toMatchObject({ key: 'counselling:eligibility', startedAt: T0, pausedMs: 5 * DAY });
    expect(nextDeadline(resumed)).toEqual({ at: T0 + 19 * DAY, level: 1 });
  });

  it('pauses accumulate across several suspensions', () => {
    const counselled = step(reintegrationCaseAt('received'), counselling, { now: T0 });
    const once = step(
      step(counselled, { type: 'suspend', reason: 'first' }, { actor: supervisor, now: T0 + DAY }),
      { type: 'resume' },
      { actor: supervisor, now: T0 + 3 * DAY },
    );
    const twice = step(
      step(once, { type: 'suspend', reason: 'second' }, { actor: supervisor, now: T0 + 4 * DAY }),
      { type: 'resume' },
      { actor: supervisor, now: T0 + 5 * DAY },
    );
    expect(twice.task?.pausedMs).toBe(3 * DAY);
    expect(dueAt(twice.task!)).toBe(T0 + 17 * DAY);
  });

  it('resume keeps the overdue level the task had reached', () => {
    const counselled = step(reintegrationCaseAt('received'), counselling, { now: T0 });
    const overdue: CaseState = { ...counselled, task: { ...counselled.task!, overdueLevel: 1 } };
    const suspended = step(
      overdue,
      { type: 'suspend', reason: 'hold' },
      { actor: supervisor, now: T0 + 20 * DAY },
    );
    const resumed = step(suspended, { type: 'resume' }, { actor: supervisor, now: T0 + 22 * DAY });
    expect(nextDeadline(resumed)).toEqual({ at: T0 + 30 * DAY, level: 2 });
  });
});
