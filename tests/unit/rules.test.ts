import { parseDuration } from '../../domain/duration';
import { type EligibilityCriteria, isException, unmetCriteria } from '../../domain/eligibility';
import { futureSafeguardDates, missingForPlan, missingForTravel, tracingAllowsReturn } from '../../domain/minor-safeguards';
import { ceilingXof } from '../../domain/money';
import { compositeScore, isSustainable } from '../../domain/monitoring';
import { XOF_PER_EUR } from '../../domain/reference';
import { isTerminal, STAGES, trackFor } from '../../domain/stages';
import { allCriteriaMet, completeSafeguards, safeguardsWithoutEscort, DAY, HOUR, MINUTE } from './fixtures';

describe('eligibility criteria', () => {
  it('none are unmet when every published criterion is met', () => {
    expect(unmetCriteria(allCriteriaMet)).toEqual([]);
  });

  it('lists exactly the unmet criteria', () => {
    const criteria: EligibilityCriteria = {
      ...allCriteriaMet,
      withinProgrammeWindow: false,
      vulnerabilityScreeningDone: false,
    };
    expect(unmetCriteria(criteria)).toEqual(['withinProgrammeWindow', 'vulnerabilityScreeningDone']);
  });

  it('an eligible decision with an unmet criterion is an exception', () => {
    expect(isException('eligible', { ...allCriteriaMet, notPreviouslyAssisted: false })).toBe(true);
    expect(isException('eligible', allCriteriaMet)).toBe(false);
  });

  it('ineligible and referred decisions are never exceptions', () => {
    const none: EligibilityCriteria = {
      returnedThroughProgramme: false,
      withinProgrammeWindow: false,
      notPreviouslyAssisted: false,
      vulnerabilityScreeningDone: false,
    };
    expect(isException('ineligible', none)).toBe(false);
    expect(isException('referred', none)).toBe(false);
  });
});

describe('minor safeguards', () => {
  const BID = 'a best-interests determination in favour of return';
  const TRACING = 'family tracing that allows return (family found, or alternative care documented)';

  it('with nothing recorded, a plan needs a favourable determination, tracing that allows return and both consents', () => {
    expect(missingForPlan(undefined)).toEqual([BID, 'family tracing that allows return', "minor's consent", "guardian's consent"]);
  });

  it('with nothing recorded, travel also needs an escort', () => {
    expect(missingForTravel(undefined)).toContain('escort');
  });

  it('nothing is missing once everything, escort included, is recorded and favourable', () => {
    expect(missingForPlan(completeSafeguards)).toEqual([]);
    expect(missingForTravel(completeSafeguards)).toEqual([]);
  });

  it.each(['return_not_in_best_interests', 'pending'] as const)('a determination "%s" does not allow return', (determination) => {
    const safeguards = { ...completeSafeguards, bestInterests: { ...completeSafeguards.bestInterests, determination } };
    expect(missingForPlan(safeguards)).toEqual([BID]);
  });

  it.each(['not_started', 'in_progress'] as const)('family tracing %s does not allow return', (status) => {
    expect(missingForPlan({ ...completeSafeguards, familyTracing: { status } })).toEqual([TRACING]);
  });

  it.each(['family_not_found', 'family_found_not_safe'] as const)('tracing done with "%s" allows return only with alternative care', (outcome) => {
    expect(missingForPlan({ ...completeSafeguards, familyTracing: { status: 'done', outcome } })).toEqual([TRACING]);
    const cared = { status: 'done' as const, outcome, alternativeCare: 'foster family in Kayes, followed by the DNPEF' };
    expect(missingForPlan({ ...completeSafeguards, familyTracing: cared })).toEqual([]);
    expect(tracingAllowsReturn(cared)).toBe(true);
  });

  it('each missing consent is named', () => {
    expect(missingForPlan({ ...completeSafeguards, consents: { minor: false, guardian: true } })).toEqual(["minor's consent"]);
    expect(missingForPlan({ ...completeSafeguards, consents: { minor: true, guardian: false } })).toEqual(["guardian's consent"]);
  });

  it('a plan does not need an escort but travel does (an empty name is no escort)', () => {
    expect(missingForPlan(safeguardsWithoutEscort)).toEqual([]);
    expect(missingForTravel(safeguardsWithoutEscort)).toEqual(['escort']);
    expect(missingForTravel({ ...completeSafeguards, escort: ' ' })).toEqual(['escort']);
  });

  it('no safeguard date in the future', () => {
    const now = Date.parse('2026-01-02T10:00:00Z');
    expect(futureSafeguardDates(completeSafeguards, now)).toEqual([]);
    const later = { ...completeSafeguards, bestInterests: { ...completeSafeguards.bestInterests, assessedAt: '2030-01-01T00:00:00Z' } };
    expect(futureSafeguardDates(later, now)).toEqual(['bestInterests.assessedAt']);
  });
});

describe('sustainability scores', () => {
  it('the composite is the mean of economic, social and psychosocial, rounded to three decimals', () => {
    expect(compositeScore({ economic: 0.9, social: 0.6, psychosocial: 0.5 })).toBe(0.667);
    expect(compositeScore({ economic: 1, social: 0, psychosocial: 0 })).toBe(0.333);
    expect(compositeScore({ economic: 0.6, social: 0.6, psychosocial: 0.6 })).toBe(0.6);
  });

  it('a composite at the threshold counts as sustainable; just below does not', () => {
    expect(isSustainable(0.66, 0.66)).toBe(true);
    expect(isSustainable(0.659, 0.66)).toBe(false);
    expect(isSustainable(1, 0.66)).toBe(true);
  });
});

describe('money', () => {
  it('the CFA franc is pegged at 655.957 XOF per euro', () => {
    expect(XOF_PER_EUR).toBe(655.957);
  });

  it('the €3,000 Mali ceiling is 1,967,871 XOF', () => {
    expect(ceilingXof(3000)).toBe(1_967_871);
  });

  it('rounds down, so the ceiling in XOF never exceeds the ceiling in euros', () => {
    expect(ceilingXof(1)).toBe(655);
    expect(ceilingXof(1500)).toBe(983_935);
    expect(ceilingXof(2500)).toBe(1_639_892);
    for (const eur of [1, 7, 99, 1234, 2999, 3000, 10_000]) {
      const xof = ceilingXof(eur);
      expect(Number.isInteger(xof)).toBe(true);
      expect(xof / XOF_PER_EUR).toBeLessThanOrEqual(eur);
      expect((xof + 1) / XOF_PER_EUR).toBeGreaterThan(eur);
    }
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['20s', 20_000],
    ['5m', 5 * MINUTE],
    ['72h', 72 * HOUR],
    ['30d', 30 * DAY],
    ['2w', 14 * DAY],
    ['1.5h', 90 * MINUTE],
    [' 3d ', 3 * DAY],
    ['3 d', 3 * DAY],
    ['1.5ms', 2],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 'd', '0s', '0d', '-1d', '1y', '3 days', '1.5.2d', '1e3s', '30D', 'soon', '1d2h'])(
    '%j is not a duration',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it('a duration that rounds to zero milliseconds is not a duration', () => {
    expect(parseDuration('0.4ms')).toBeUndefined();
  });
});

describe('stages and tracks', () => {
  it('only completed and closed are terminal', () => {
    expect(STAGES.filter(isTerminal)).toEqual(['completed', 'closed']);
  });

  it('a national of the host country follows the reintegration track, everyone else returns onward', () => {
    expect(trackFor('MLI', 'MLI')).toBe('reintegration');
    expect(trackFor('GHA', 'MLI')).toBe('onward_return');
    expect(trackFor('NER', 'MLI')).toBe('onward_return');
  });
});
