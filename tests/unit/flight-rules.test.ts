import {
  countryOf,
  escortOnlyProblems,
  type FlightPolicy,
  type FlightState,
  isOverdue,
  type ManifestEntry,
  manifestFailures,
  newFlightState,
  overdueAt,
  passengerProblems,
  sameEscort,
  samePerson,
  seatsTaken,
  summarize,
} from '../../domain/flight';
import {
  applyFlightStep,
  checkFlightStep,
  type FlightStep,
  type FlightStepContext,
  isRepeatedArrival,
  ManifestRejected,
} from '../../domain/flight-steps';
import { StepRejected } from '../../domain/case-steps';
import type { MinorSafeguards } from '../../domain/minor-safeguards';
import { minorAtDeparture } from '../../api/schemas/flights';

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
  const { addedAt: _a, boarding: _b, safeguards: _s, ...rest } = e;
  return { type: 'addPassenger', entry: rest };
};

/** Safeguards that allow a child to travel, escort included; `overrides` take one away. */
function favourable(overrides: Partial<MinorSafeguards> = {}): MinorSafeguards {
  return {
    bestInterests: { assessedAt: iso(NOW - 10 * 24 * HOUR), reference: 'BID-2019-044', determination: 'return_in_best_interests' },
    familyTracing: { status: 'done', outcome: 'family_found' },
    consents: { minor: true, guardian: true },
    escort: 'Aminata Keita',
    ...overrides,
  };
}

/** An unaccompanied minor on the manifest, escorted by the holder of `escortSeat`. */
const child = (overrides: Partial<ManifestEntry> = {}) =>
  entry({ unaccompaniedMinor: true, escortNamed: true, escortSeat: 'seat-aminata', safeguards: { reference: 'BID-2019-044' }, ...overrides });

function rejected(state: FlightState, step: FlightStep, context: FlightStepContext = ctx): StepRejected {
  try {
    checkFlightStep(state, step, context);
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

  it('needed only a named escort for an unaccompanied minor under the first rules', () => {
    expect(escortOnlyProblems(entry({ unaccompaniedMinor: true }))).toEqual(['an unaccompanied minor needs a named escort']);
    expect(escortOnlyProblems(entry({ unaccompaniedMinor: true, escortNamed: true }))).toEqual([]);
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
    expect(manifestFailures(state, policy, NOW).map((f) => f.passengerId)).toEqual([stale.passengerId]);
    expect(manifestFailures(state, policy, NOW, escortOnlyProblems).map((f) => f.passengerId)).toEqual([stale.passengerId, minor.passengerId]);
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
    const refusal = rejected(flight(), add(entry({ consentSignedAt: undefined })));
    expect(refusal.code).toBe('rule_violation');
    expect(refusal.message).toBe('the passenger cannot board: no signed consent');
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

describe('unaccompanied minors', () => {
  const lockWith = (passengers: ManifestEntry[], safeguards: Record<string, MinorSafeguards>) =>
    rejected(flight({ status: 'manifest_open', passengers }), { type: 'lockManifest', safeguards }) as ManifestRejected;
  const cannotBoard = (safeguards: MinorSafeguards) => {
    const c = child();
    const refusal = lockWith([entry(), c], { [c.passengerId]: safeguards });
    expect(refusal).toBeInstanceOf(ManifestRejected);
    expect(refusal.failures.map((f) => f.passengerId)).toEqual([c.passengerId]);
    return refusal.failures[0].problems;
  };

  it('a UASC without a favourable determination cannot board', () => {
    const pending = favourable({ bestInterests: { ...favourable().bestInterests, determination: 'pending' } });
    expect(cannotBoard(pending)).toEqual(['an unaccompanied minor cannot travel before: a best-interests determination in favour of return']);
    const against = favourable({ bestInterests: { ...favourable().bestInterests, determination: 'return_not_in_best_interests' } });
    expect(cannotBoard(against)[0]).toMatch(/best-interests determination in favour of return/);
  });

  it('a UASC with tracing not allowing return cannot board', () => {
    expect(cannotBoard(favourable({ familyTracing: { status: 'in_progress' } }))[0]).toMatch(/family tracing that allows return/);
    expect(cannotBoard(favourable({ familyTracing: { status: 'done', outcome: 'family_found_not_safe' } }))[0]).toMatch(/family tracing/);
    // A family that cannot take the child back: return only into the alternative care arranged.
    const c = child();
    const cared = favourable({ familyTracing: { status: 'done', outcome: 'family_not_found', alternativeCare: 'foster family, Kayes (DNPEF)' } });
    checkFlightStep(flight({ status: 'manifest_open', passengers: [c] }), { type: 'lockManifest', safeguards: { [c.passengerId]: cared } }, ctx);
  });

  it('a UASC without consents cannot board', () => {
    expect(cannotBoard(favourable({ consents: { minor: true, guardian: false } }))).toEqual([
      "an unaccompanied minor cannot travel before: guardian's consent",
    ]);
    expect(cannotBoard(favourable({ consents: { minor: false, guardian: false } }))).toEqual([
      "an unaccompanied minor cannot travel before: minor's consent, guardian's consent",
    ]);
  });

  it('a UASC without escort cannot board', () => {
    expect(cannotBoard(favourable({ escort: undefined }))).toEqual(['an unaccompanied minor cannot travel before: escort']);
  });

  it('a UASC whose best-interests assessment is dated in the future cannot board', () => {
    const ahead = favourable({ bestInterests: { ...favourable().bestInterests, assessedAt: iso(NOW + HOUR) } });
    expect(cannotBoard(ahead)).toEqual(['bestInterests.assessedAt is in the future']);
  });

  it('a UASC whose safeguards the lock was not given cannot board, and the refusal names what is missing', () => {
    const c = child({ escortNamed: false, escortSeat: undefined });
    const refusal = lockWith([c], {});
    expect(refusal.message).toBe(
      `1 passenger cannot board now: ${c.passengerId} (an unaccompanied minor cannot travel before: a best-interests determination in favour of return, ` +
        "family tracing that allows return, minor's consent, guardian's consent, escort)",
    );
    // An escort the entry names is not missing.
    const escorted = child();
    expect(lockWith([escorted], {}).failures[0].problems[0]).toMatch(/guardian's consent$/);
  });

  it('a UASC holds a seat while the safeguards are completed, and boards once they allow travel', () => {
    let state = flight();
    const c = child({ safeguards: undefined, escortNamed: false, escortSeat: undefined });
    const pending = favourable({ familyTracing: { status: 'in_progress' }, escort: undefined });
    const { escort: _e, ...given } = pending;
    const adding: FlightStep = { ...(add(c) as Extract<FlightStep, { type: 'addPassenger' }>), safeguards: given };
    checkFlightStep(state, adding, ctx);
    state = applyFlightStep(state, adding, ctx);
    expect(state.passengers[0].safeguards).toEqual({ reference: 'BID-2019-044' });
    expect(rejected(state, { type: 'lockManifest', safeguards: { [c.passengerId]: pending } })).toBeInstanceOf(ManifestRejected);

    const { escort: _x, ...done } = favourable();
    const refresh: FlightStep = {
      type: 'updatePassengerChecks',
      passengerId: c.passengerId,
      escortNamed: true,
      escortSeat: 'seat-aminata',
      safeguards: done,
    };
    checkFlightStep(state, refresh, ctx);
    state = applyFlightStep(state, refresh, ctx);
    const lock: FlightStep = { type: 'lockManifest', safeguards: { [c.passengerId]: favourable() } };
    checkFlightStep(state, lock, ctx);
    expect(applyFlightStep(state, lock, ctx).status).toBe('locked');
    // The manifest keeps the determination's reference, never the child's story or the escort's name.
    expect(JSON.stringify(state)).not.toMatch(/Aminata|family_found|assessedAt/);
  });

  it("a child with a case boards on the case's safeguards", () => {
    const c = child({ safeguards: { reference: 'BID-2019-044', caseId: 'case-sekou' } });
    const locked = flight({ status: 'locked', passengers: [c, entry()] });
    const departure = { type: 'recordDeparture' as const, departedAt: iso(NOW - HOUR), noShows: [] as string[] };
    // The case's safeguards as the API read them at boarding: the case recorded a new determination since.
    const recorded = favourable({ bestInterests: { ...favourable().bestInterests, reference: 'BID-2019-051' } });
    const step: FlightStep = { ...departure, safeguards: { [c.passengerId]: recorded } };
    checkFlightStep(locked, step, ctx);
    expect(applyFlightStep(locked, step, ctx).passengers[0].safeguards).toEqual({ reference: 'BID-2019-051', caseId: 'case-sekou' });
    // The case withdrew the guardian's consent: the child stays behind, or the departure is refused.
    const withdrawn = favourable({ consents: { minor: true, guardian: false } });
    const refusal = rejected(locked, { ...departure, safeguards: { [c.passengerId]: withdrawn } }) as ManifestRejected;
    expect(refusal.failures).toEqual([{ passengerId: c.passengerId, problems: ["an unaccompanied minor cannot travel before: guardian's consent"] }]);
    expect(refusal.message).toMatch(/a child who stayed behind goes in noShows$/);
    checkFlightStep(locked, { ...departure, noShows: [c.passengerId], safeguards: { [c.passengerId]: withdrawn } }, ctx);
  });

  it('carries safeguards only for an unaccompanied minor', () => {
    const { escort: _e, ...given } = favourable();
    const adult: FlightStep = { ...(add(entry()) as Extract<FlightStep, { type: 'addPassenger' }>), safeguards: given };
    expect(rejected(flight(), adult).message).toBe('safeguards apply to unaccompanied or separated minors only');
  });

  it('replays steps of older histories under the first rules: an escort was enough and took no seat', () => {
    const first = { ...ctx, firstRules: true };
    const c = child({ safeguards: undefined, escortSeat: undefined });
    const open = flight({ status: 'manifest_open', capacity: 2, passengers: [c] });
    checkFlightStep(open, { type: 'lockManifest' }, first);
    expect(rejected(open, { type: 'lockManifest' })).toBeInstanceOf(ManifestRejected);
    checkFlightStep(open, add(entry()), first);
    expect(rejected(open, add(entry())).message).toBe('the flight is full (capacity 2)');
    expect(rejected(open, add(entry({ unaccompaniedMinor: true })), first).message).toMatch(/needs a named escort/);
  });
});

describe('escorts take seats', () => {
  it('one seat per distinct escort, however many children they accompany', () => {
    const a = child({ escortSeat: 'seat-aminata' });
    const b = child({ escortSeat: 'seat-aminata' });
    const c = child({ escortSeat: 'seat-oumou' });
    expect(seatsTaken([a, b])).toBe(3);
    expect(seatsTaken([a, b, c, entry()])).toBe(6);
    // A child without an escort yet, and an adult, take their own seat only.
    expect(seatsTaken([child({ escortNamed: false, escortSeat: undefined }), entry()])).toBe(2);
    // Named before escorts had seat ids: each counts as a person of their own.
    expect(seatsTaken([child({ escortSeat: undefined }), child({ escortSeat: undefined })])).toBe(4);
    expect(summarize(flight({ passengers: [a, b] }))).toMatchObject({ passengerCount: 2, seatsTaken: 3 });
  });

  it('adding a passenger whose escort would exceed capacity is refused like any full flight', () => {
    const state = flight({ status: 'manifest_open', capacity: 3, passengers: [child({ escortSeat: 'seat-aminata' })] });
    // The same escort: one seat for the child.
    checkFlightStep(state, add(child({ escortSeat: 'seat-aminata' })), ctx);
    const another = rejected(state, add(child({ escortSeat: 'seat-oumou' })));
    expect(another.code).toBe('stage_conflict');
    expect(another.message).toBe('the flight is full (capacity 3)');
    const withTwo = flight({ status: 'manifest_open', capacity: 3, passengers: [child({ escortSeat: 'seat-aminata' }), entry()] });
    expect(rejected(withTwo, add(entry())).message).toBe('the flight is full (capacity 3)');
  });

  it('a new escort on a refresh needs a free seat; an entry already seated keeps its seat', () => {
    const c = child({ escortNamed: false, escortSeat: undefined });
    const state = flight({ status: 'manifest_open', capacity: 2, passengers: [c, entry()] });
    const naming: FlightStep = { type: 'updatePassengerChecks', passengerId: c.passengerId, escortNamed: true, escortSeat: 'seat-oumou' };
    expect(rejected(state, naming).message).toBe('the flight is full (capacity 2)');
    const over = flight({ status: 'manifest_open', capacity: 2, passengers: [child({ escortSeat: undefined }), entry()] });
    checkFlightStep(over, { type: 'updatePassengerChecks', passengerId: over.passengers[0].passengerId, fitToTravelAt: iso(NOW) }, ctx);
  });

  it('escorts are the same person whatever their spacing and case', () => {
    expect(sameEscort('Aminata Keita', '  aminata  KEITA ')).toBe(true);
    expect(sameEscort('Aminata Keïta', 'Aminata Kei\u0308ta')).toBe(true);
    expect(sameEscort('Aminata Keita', 'Oumou Keita')).toBe(false);
  });
});

describe('calendar age at departure', () => {
  const uasc = (dateOfBirth: string) => ({ unaccompaniedMinor: true, person: { dateOfBirth } });

  it('an unaccompanied minor must be under 18 on the scheduled departure, in calendar years', () => {
    expect(minorAtDeparture(uasc('2001-04-13'), '2019-04-12T23:30:00Z')).toEqual([]);
    expect(minorAtDeparture(uasc('2001-04-12'), '2019-04-12T08:00:00Z')).toEqual([
      { path: 'unaccompaniedMinor', message: 'an unaccompanied minor must be under 18 on the scheduled departure (2019-04-12T08:00:00Z)' },
    ]);
    // 6574 days after a birth on 1 March 2001 is the 18th birthday, though not yet 18 years of 365.25 days.
    expect(minorAtDeparture(uasc('2001-03-01'), '2019-03-01T08:00:00Z')).toHaveLength(1);
    expect(minorAtDeparture(uasc('2001-03-01'), '2019-02-28T23:00:00Z')).toEqual([]);
    expect(minorAtDeparture({ ...uasc('1990-01-01'), unaccompaniedMinor: false }, '2019-04-12T08:00:00Z')).toEqual([]);
  });
});
