import {
  countryOf,
  type FlightPolicy,
  type FlightState,
  isOverdue,
  type ManifestEntry,
  manifestFailures,
  newFlightState,
  overdueAt,
  passengerProblems,
  samePerson,
  summarize,
} from '../../domain/flight';
import { applyFlightStep, checkFlightStep, type FlightStep, isRepeatedArrival, ManifestRejected } from '../../domain/flight-steps';
import { StepRejected } from '../../domain/case-steps';

const HOUR = 3_600_000;
const NOW = Date.parse('2019-04-12T08:00:00Z');
const policy: FlightPolicy = { fitToTravelWindowMs: 72 * HOUR, departureGraceMs: 6 * HOUR };
const ctx = { now: NOW, policy, actor: { sub: 'moussa' } };
const iso = (ms: number) => new Date(ms).toISOString();

function flight(overrides: Partial<FlightState> = {}): FlightState {
  return {
    ...newFlightState({
      flightId: 'f-33',
      flightNumber: '5A 1033',
      origin: 'LBY-TIP',
      destination: 'MLI-BKO',
      scheduledDeparture: iso(NOW + 24 * HOUR),
      capacity: 3,
      createdBy: 'moussa',
      createdAt: iso(NOW - 48 * HOUR),
    }),
    ...overrides,
  };
}

let serial = 0;
function entry(overrides: Partial<ManifestEntry> = {}): ManifestEntry {
  serial += 1;
  return {
    passengerId: `p-${serial}`,
    nationality: 'MLI',
    consentSignedAt: iso(NOW - 24 * HOUR),
    fitToTravelAt: iso(NOW - HOUR),
    unaccompaniedMinor: false,
    escortNamed: false,
    biometricRef: `BIO-${serial}`,
    addedAt: iso(NOW - 2 * HOUR),
    ...overrides,
  };
}

const add = (e: ManifestEntry): FlightStep => {
  const { addedAt: _a, boarding: _b, ...rest } = e;
  return { type: 'addPassenger', entry: rest };
};

function rejected(state: FlightState, step: FlightStep): StepRejected {
  try {
    checkFlightStep(state, step, ctx);
  } catch (error) {
    if (error instanceof StepRejected) return error;
    throw error;
  }
  throw new Error(`${step.type} was accepted`);
}

describe('passenger checks', () => {
  const departure = iso(NOW + 24 * HOUR);

  it('pass with signed consent and a recent fit-to-travel check', () => {
    expect(passengerProblems(entry(), departure, policy, NOW)).toEqual([]);
  });

  it('refuse a fit-to-travel check older than the window before the scheduled departure', () => {
    // Departure in 24h, window 72h: the check must be from the last 48h.
    expect(passengerProblems(entry({ fitToTravelAt: iso(NOW - 48 * HOUR) }), departure, policy, NOW)).toEqual([]);
    expect(passengerProblems(entry({ fitToTravelAt: iso(NOW - 48 * HOUR - 1) }), departure, policy, NOW)[0]).toMatch(
      /more than 72h before the scheduled departure/,
    );
  });

  it('refuse a missing consent, a missing check and timestamps in the future', () => {
    expect(passengerProblems(entry({ consentSignedAt: undefined, fitToTravelAt: undefined }), departure, policy, NOW)).toEqual([
      'no signed consent',
      'no fit-to-travel check',
    ]);
    expect(passengerProblems(entry({ consentSignedAt: iso(NOW + HOUR), fitToTravelAt: iso(NOW + HOUR) }), departure, policy, NOW)).toEqual([
      'consentSignedAt is in the future',
      'fitToTravelAt is in the future',
    ]);
  });

  it('tolerate a few minutes of clock skew', () => {
    expect(passengerProblems(entry({ fitToTravelAt: iso(NOW + 4 * 60_000) }), departure, policy, NOW)).toEqual([]);
  });

  it('need a named escort for an unaccompanied minor', () => {
    expect(passengerProblems(entry({ unaccompaniedMinor: true }), departure, policy, NOW)).toEqual(['an unaccompanied minor needs a named escort']);
    expect(passengerProblems(entry({ unaccompaniedMinor: true, escortNamed: true }), departure, policy, NOW)).toEqual([]);
  });

  it('treat the same biometric reference or document number as the same person', () => {
    expect(samePerson({ biometricRef: 'A' }, { biometricRef: 'A' })).toBe(true);
    expect(samePerson({ biometricRef: 'A', documentNumber: 'D' }, { biometricRef: 'B', documentNumber: 'D' })).toBe(true);
    expect(samePerson({ biometricRef: 'A' }, { biometricRef: 'B' })).toBe(false);
    expect(samePerson({}, {})).toBe(false);
  });

  it('list every failing passenger of a manifest, in order', () => {
    const stale = entry({ fitToTravelAt: iso(NOW - 60 * HOUR) });
    const minor = entry({ unaccompaniedMinor: true });
    const state = flight({ passengers: [entry(), stale, minor] });
    expect(manifestFailures(state, policy, NOW).map((f) => f.passengerId)).toEqual([stale.passengerId, minor.passengerId]);
  });
});

describe('the manifest', () => {
  it('opens with the first passenger and never exceeds capacity', () => {
    let state = flight();
    for (let i = 0; i < 3; i++) {
      const step = add(entry());
      checkFlightStep(state, step, ctx);
      state = applyFlightStep(state, step, ctx);
    }
    expect(state.status).toBe('manifest_open');
    expect(state.seq).toBe(3);
    const full = rejected(state, add(entry()));
    expect(full.code).toBe('stage_conflict');
    expect(full.message).toBe('the flight is full (capacity 3)');
  });

  it('refuses the same person twice', () => {
    const state = flight({ status: 'manifest_open', passengers: [entry({ biometricRef: 'BIO-X', documentNumber: 'LP-1' })] });
    expect(rejected(state, add(entry({ biometricRef: 'BIO-Y', documentNumber: 'LP-1' }))).message).toMatch(/same person is already on the manifest/);
  });

  it('refuses a passenger whose checks fail, as a rule violation', () => {
    const refusal = rejected(flight(), add(entry({ unaccompaniedMinor: true })));
    expect(refusal.code).toBe('rule_violation');
    expect(refusal.message).toBe('the passenger cannot board: an unaccompanied minor needs a named escort');
  });

  it('takes no passenger once locked, and removes only from an open manifest', () => {
    const p = entry();
    const locked = flight({ status: 'locked', passengers: [p] });
    expect(rejected(locked, add(entry())).message).toMatch(/does not fit a flight that is locked/);
    expect(rejected(locked, { type: 'removePassenger', passengerId: p.passengerId }).code).toBe('stage_conflict');
    const open = flight({ status: 'manifest_open', passengers: [p] });
    expect(applyFlightStep(open, { type: 'removePassenger', passengerId: p.passengerId }, ctx).passengers).toEqual([]);
    expect(rejected(open, { type: 'removePassenger', passengerId: 'nobody' }).message).toMatch(/not on the manifest/);
  });

  it('updates checks only to ones that pass', () => {
    const p = entry({ fitToTravelAt: iso(NOW - 60 * HOUR) });
    const state = flight({ status: 'manifest_open', passengers: [p] });
    expect(rejected(state, { type: 'updatePassengerChecks', passengerId: p.passengerId, consentSignedAt: iso(NOW) }).code).toBe('rule_violation');
    const step: FlightStep = { type: 'updatePassengerChecks', passengerId: p.passengerId, fitToTravelAt: iso(NOW) };
    checkFlightStep(state, step, ctx);
    expect(applyFlightStep(state, step, ctx).passengers[0].fitToTravelAt).toBe(iso(NOW));
  });
});

describe('locking', () => {
  it('re-checks every passenger and lists who fails', () => {
    const ok = entry();
    const stale = entry({ fitToTravelAt: iso(NOW - 50 * HOUR) });
    const refusal = rejected(flight({ status: 'manifest_open', passengers: [ok, stale] }), { type: 'lockManifest' });
    expect(refusal).toBeInstanceOf(ManifestRejected);
    expect((refusal as ManifestRejected).failures).toEqual([{ passengerId: stale.passengerId, problems: [expect.stringMatching(/more than 72h/)] }]);
    expect(refusal.message).toMatch(/^1 passenger cannot board now: p-\d+ \(the fit-to-travel check/);
  });

  it('refuses an empty manifest and locks a passing one', () => {
    expect(rejected(flight(), { type: 'lockManifest' }).code).toBe('stage_conflict');
    const state = applyFlightStep(flight({ status: 'manifest_open', passengers: [entry()] }), { type: 'lockManifest' }, ctx);
    expect(state).toMatchObject({ status: 'locked', lockedAt: iso(NOW) });
  });

  it('refuses to reschedule a locked flight to a time that makes a check stale', () => {
    const p = entry({ fitToTravelAt: iso(NOW - 10 * HOUR) });
    const locked = flight({ status: 'locked', passengers: [p] });
    const later = rejected(locked, { type: 'reschedule', scheduledDeparture: iso(NOW + 70 * HOUR) });
    expect((later as ManifestRejected).failures.map((f) => f.passengerId)).toEqual([p.passengerId]);
    checkFlightStep(locked, { type: 'reschedule', scheduledDeparture: iso(NOW + 60 * HOUR) }, ctx);
    expect(rejected(locked, { type: 'reschedule', scheduledDeparture: iso(NOW - HOUR) }).message).toBe('scheduledDeparture is in the past');
  });
});

describe('departure and arrival', () => {
  const a = entry();
  const b = entry();
  const locked = flight({ status: 'locked', passengers: [a, b] });

  it('records no-shows and boards everyone else', () => {
    const step: FlightStep = { type: 'recordDeparture', departedAt: iso(NOW - HOUR), noShows: [b.passengerId] };
    checkFlightStep(locked, step, ctx);
    const departed = applyFlightStep(locked, step, ctx);
    expect(departed.status).toBe('departed');
    expect(departed.passengers.map((p) => p.boarding)).toEqual(['boarded', 'no_show']);
    expect(summarize(departed)).toMatchObject({ passengerCount: 2, boarded: 1, noShows: 1 });
    expect(summarize(departed)).not.toHaveProperty('passengers');
  });

  it('refuses unknown or repeated no-shows, a departure in the future and a flight nobody boarded', () => {
    const depart = (noShows: string[], departedAt = iso(NOW)) => rejected(locked, { type: 'recordDeparture', departedAt, noShows });
    expect(depart(['ghost']).message).toBe('noShows names passengers not on the manifest: ghost');
    expect(depart([a.passengerId, a.passengerId]).message).toBe('noShows names a passenger twice');
    expect(depart([a.passengerId, b.passengerId]).message).toMatch(/nobody boarded/);
    expect(depart([], iso(NOW + HOUR)).message).toBe('departedAt is in the future');
    expect(rejected(flight({ status: 'manifest_open', passengers: [a] }), { type: 'recordDeparture', departedAt: iso(NOW), noShows: [] }).code).toBe(
      'stage_conflict',
    );
  });

  it('accepts the same arrival twice as one, and refuses a different one', () => {
    const departed = applyFlightStep(locked, { type: 'recordDeparture', departedAt: iso(NOW - 3 * HOUR), noShows: [] }, ctx);
    const arrival: FlightStep = { type: 'recordArrival', arrivedAt: iso(NOW - HOUR), centreCode: 'BKO-MMEIA' };
    expect(rejected(departed, { ...arrival, arrivedAt: iso(NOW - 4 * HOUR) }).message).toBe('arrivedAt is before the departure');
    const arrived = applyFlightStep(departed, arrival, ctx);
    expect(arrived.status).toBe('arrived');
    expect(isRepeatedArrival(arrived, { ...arrival, arrivedAt: '2019-04-12T07:00:00.000+00:00' })).toBe(true);
    checkFlightStep(arrived, arrival, ctx);
    expect(applyFlightStep(arrived, arrival, ctx)).toBe(arrived);
    const closed = applyFlightStep(arrived, { type: 'closeFlight', cases: { opened: 2, attached: 0, unresolved: 0 } }, ctx);
    checkFlightStep(closed, arrival, ctx);
    expect(rejected(arrived, { ...arrival, centreCode: 'GAO-PC' }).message).toMatch(/does not fit a flight that is arrived/);
    expect(rejected(closed, { type: 'cancelFlight', reason: 'x' }).message).toBe('the flight is closed');
  });

  it('cancels only before departure', () => {
    expect(applyFlightStep(locked, { type: 'cancelFlight', reason: 'airspace closed' }, ctx).status).toBe('cancelled');
    const departed = flight({ status: 'departed' });
    expect(rejected(departed, { type: 'cancelFlight', reason: 'too late' }).code).toBe('stage_conflict');
  });
});

describe('overdue departure', () => {
  it('is due the grace period after the scheduled time, and only before departure', () => {
    const state = flight();
    expect(overdueAt(state, policy)).toBe(NOW + 30 * HOUR);
    expect(isOverdue(state, policy, NOW + 30 * HOUR - 1)).toBe(false);
    expect(isOverdue(state, policy, NOW + 30 * HOUR)).toBe(true);
    expect(isOverdue({ ...state, status: 'departed' }, policy, NOW + 40 * HOUR)).toBe(false);
    expect(overdueAt({ ...state, overdue: true }, policy)).toBeUndefined();
  });

  it('is cleared by departure and by a new schedule', () => {
    const late = { ...flight({ status: 'locked', passengers: [entry()], scheduledDeparture: iso(NOW - 7 * HOUR) }), overdue: true };
    expect(applyFlightStep(late, { type: 'recordDeparture', departedAt: iso(NOW), noShows: [] }, ctx).overdue).toBe(false);
    expect(applyFlightStep(late, { type: 'reschedule', scheduledDeparture: iso(NOW + HOUR) }, ctx).overdue).toBe(false);
    expect(rejected(flight(), { type: 'markOverdue' }).code).toBe('stage_conflict');
  });

  it('names the country of an airport code', () => {
    expect(countryOf('LBY-TIP')).toBe('LBY');
  });
});
