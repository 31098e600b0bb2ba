import { assignCare } from './care';
import { DAY_MS, periodBounds } from './calendar';
import { boardedPerCharter, planCharters } from './charters';
import { planFlowObservations } from './flow-observations';
import type { Arrival, CharterPlan, Journey, ProgrammePlan } from './journey';
import { type OnwardOutcome, planOnwardJourney } from './onward-track';
import { drawPerson, drawSex } from './people';
import { atScale, type Programme } from './programme';
import { Random } from './random';
import { planReintegrationTrack } from './reintegration-track';

/**
 * The programme to play at a scale, drawn from the programme file with one seed: charters and their
 * manifests, every returnee's journey with its dated steps, the flow-monitoring counts. Pure: the same
 * file, scale and seed give the same plan.
 */
export function planProgramme(programme: Programme, scale: number, seed: number): ProgrammePlan {
  const root = new Random(seed);
  const { start, end } = periodBounds(programme.period);
  const holdAt = Date.parse(`${programme.bulkHold.suspendedOn}T00:00:00Z`);
  const figure = (key: string) => programme.figures[key] ?? { value: 0 };
  const scaled = (key: string, part: 'value' | 'women' | 'girls' | 'boys' = 'value') =>
    atScale(figure(key)[part], scale);

  // Charters: as many as the seed's at scale (one at least), each carrying its share of the passengers.
  const malians = scaled('returns.malians');
  const charterCount = malians > 0 ? Math.max(1, scaled('charters.arrived')) : 0;
  const boarded = Math.min(
    malians,
    Math.round(figure('charters.arrived').value * programme.charters.boardedPerCharter * scale),
  );
  const flights = planCharters(root.fork('charters'), programme, charterCount, start, end);

  const people = root.fork('people');
  const minorGirls = scaled('minors.malian', 'girls');
  const minorBoys = scaled('minors.malian', 'boys');
  const m = programme.malians;
  const arrivalRng = root.fork('arrivals');
  const lastArrival = end - 2 * DAY_MS;

  // Malian returnees: first the charters' passengers, then everyone a case officer registers.
  const malianArrivals: Arrival[] = [];
  boardedPerCharter(boarded, charterCount).forEach((n, i) => {
    for (let k = 0; k < n; k++)
      malianArrivals.push({
        mode: 'charter',
        at: flights[i].arrivedAt,
        fromCountry: programme.charters.fromCountry,
        charter: flights[i].ref,
      });
  });
  while (malianArrivals.length < malians) {
    const way =
      m.arrivals[
        arrivalRng.weighted(Object.fromEntries(Object.entries(m.arrivals).map(([k, v]) => [k, v.weight])))
      ];
    malianArrivals.push({
      mode: way.mode,
      at: Math.floor(arrivalRng.between(start, lastArrival) / 60_000) * 60_000,
      fromCountry: way.fromCountry,
    });
  }
  const sexes = malianArrivals.map(() => drawSex(people, m.womenShare));
  const girls = new Set(
    people.sample(
      sexes.flatMap((s, i) => (s === 'F' ? [i] : [])),
      minorGirls,
    ),
  );
  const boys = new Set(
    people.sample(
      sexes.flatMap((s, i) => (s === 'M' ? [i] : [])),
      minorBoys,
    ),
  );
  const malianJourneys: Journey[] = malianArrivals.map((arrival, i) => {
    const minor = girls.has(i) || boys.has(i);
    const [lo, hi] = minor ? m.minorAgeOnArrival : m.adultAgeOnArrival;
    return {
      ref: `M${String(i + 1).padStart(5, '0')}`,
      biometricRef: `M${String(i + 1).padStart(5, '0')}`,
      track: 'reintegration',
      person: drawPerson(people, programme, programme.hostCountry, sexes[i], people.int(lo, hi), arrival.at),
      unaccompaniedMinor: false,
      arrival,
      centreCode: arrival.charter ? programme.charters.arrivalCentre : people.weighted(m.centres),
      residenceRegion: people.weighted(m.regions),
      vulnerabilities: people.chance(m.vulnerableShare) ? [people.pick(m.vulnerabilities)] : [],
      steps: [],
      heldInBulk: false,
    };
  });

  // Migrants in transit: those who go home, and those refused or never answered.
  const nm = programme.nonMalians;
  const departures = scaled('returns.nonMalians');
  const outcomes: OnwardOutcome[] = [
    ...Array<OnwardOutcome>(departures).fill('departs'),
    ...Array<OnwardOutcome>(Math.round(departures * nm.refusedPerDeparture)).fill('refused'),
    ...Array<OnwardOutcome>(Math.round(departures * nm.unansweredPerDeparture)).fill('unanswered'),
  ];
  const nmSexes = outcomes.map(() => drawSex(people, nm.womenShare));
  const departing = (sex: string) =>
    nmSexes.flatMap((s, i) => (s === sex && outcomes[i] === 'departs' ? [i] : []));
  const uascGirls = new Set(people.sample(departing('F'), scaled('minors.nonMalianUnaccompanied', 'girls')));
  const uascBoys = new Set(people.sample(departing('M'), scaled('minors.nonMalianUnaccompanied', 'boys')));
  const onwardJourneys: Journey[] = outcomes.map((outcome, i) => {
    const way =
      nm.arrivals[
        arrivalRng.weighted(Object.fromEntries(Object.entries(nm.arrivals).map(([k, v]) => [k, v.weight])))
      ];
    // Whoever is to leave in the period arrives early enough to get a document and go.
    const latest =
      end -
      (outcome === 'departs' ? nm.arrivalDaysBeforeEnd.departs : nm.arrivalDaysBeforeEnd.others) * DAY_MS;
    const at = Math.floor(arrivalRng.between(start, latest) / 60_000) * 60_000;
    const uasc = uascGirls.has(i) || uascBoys.has(i);
    const [lo, hi] = uasc ? nm.unaccompaniedMinorAgeOnArrival : nm.adultAgeOnArrival;
    const nationality = people.weighted(nm.nationalities);
    return {
      ref: `N${String(i + 1).padStart(5, '0')}`,
      biometricRef: `N${String(i + 1).padStart(5, '0')}`,
      track: 'onward_return',
      person: drawPerson(people, programme, nationality, nmSexes[i], people.int(lo, hi), at),
      unaccompaniedMinor: uasc,
      arrival: { mode: way.mode, at, fromCountry: way.fromCountry },
      centreCode: people.weighted(nm.centres),
      vulnerabilities: !uasc && people.chance(nm.vulnerableShare) ? [people.pick(nm.vulnerabilities)] : [],
      steps: [],
      heldInBulk: false,
    };
  });

  planReintegrationTrack(
    { rng: root.fork('reintegration'), programme, scale, start, end, holdAt },
    malianJourneys,
    programme.vendors.length,
  );
  const onward = root.fork('onward');
  onwardJourneys.forEach((j, i) => planOnwardJourney({ rng: onward, programme, end }, j, outcomes[i]));

  const care = root.fork('care');
  const quota = (key: string) => ({ value: scaled(key), women: scaled(key, 'women') });
  const share = programme.reception.referralShareWithCare;
  assignCare(care, malianJourneys, 'medical', quota('medical.malian'), share);
  assignCare(care, onwardJourneys, 'medical', quota('medical.nonMalian'), share);
  assignCare(
    care,
    [...malianJourneys, ...onwardJourneys],
    'psychologicalFirstAid',
    quota('psychologicalFirstAid'),
    share,
  );

  for (const j of [...malianJourneys, ...onwardJourneys]) j.steps.sort((a, b) => a.at - b.at);

  const noShowRng = root.fork('no-shows');
  const charters: CharterPlan[] = flights.map((flight) => {
    const passengers = malianJourneys.filter((j) => j.arrival.charter === flight.ref);
    const [lo, hi] = programme.charters.noShowsPerCharter;
    const noShows = Array.from(
      { length: Math.min(noShowRng.int(lo, hi), Math.max(0, flight.capacity - passengers.length)) },
      (_, k) => ({
        ref: `${flight.ref}-X${k + 1}`,
        person: drawPerson(
          noShowRng,
          programme,
          programme.hostCountry,
          drawSex(noShowRng, m.womenShare),
          noShowRng.int(m.adultAgeOnArrival[0], m.adultAgeOnArrival[1]),
          flight.arrivedAt,
        ),
      }),
    );
    return {
      ...flight,
      capacity: Math.max(flight.capacity, passengers.length + noShows.length),
      passengers,
      noShows,
    };
  });

  return {
    period: programme.period,
    holdAt,
    charters,
    registrations: [...malianJourneys.filter((j) => !j.arrival.charter), ...onwardJourneys],
    flowObservations: planFlowObservations(
      root.fork('flow'),
      programme,
      scaled('flowMonitoring.observed'),
      scale,
      start,
      end,
    ),
    vendors: programme.vendors,
  };
}
