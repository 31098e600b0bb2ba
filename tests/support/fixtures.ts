import type { CasePolicy } from '../../domain/case-policy';
import type { Registration } from '../../domain/registration';

const DAY = 86_400_000;

export const testPolicy = (overrides: Partial<CasePolicy> = {}): CasePolicy => ({
  hostCountry: 'MLI',
  ceilingXof: 1_967_871,
  defaultCashGrantXof: 52_000,
  slaMs: { reception: 3 * DAY, counselling: 14 * DAY, eligibility: 14 * DAY, planning: 30 * DAY, approval: 7 * DAY, disbursing: 60 * DAY, travel_document: 30 * DAY },
  monitoringVisitOffsetsMs: [90 * DAY, 180 * DAY, 365 * DAY],
  sustainabilityThreshold: 0.66,
  monitoringEarlyWindowMs: 14 * DAY,
  programmeWindow: { startsOn: '2017-05-17' },
  cashGrantCapXof: 52_000,
  ...overrides,
});

let counter = 0;

/** A registration body for POST /v1/cases; every call gets its own biometric reference. */
export function registrationBody(overrides: Record<string, unknown> = {}) {
  counter += 1;
  const { person, arrival, ...rest } = overrides as { person?: object; arrival?: object };
  return {
    person: { familyName: 'Traoré', givenName: 'Awa', sex: 'F', dateOfBirth: '1995-03-02', nationality: 'MLI', ...person },
    arrival: { mode: 'commercial', arrivedAt: new Date(Date.now() - 2 * DAY).toISOString(), fromCountry: 'LBY', ...arrival },
    centreCode: 'BKO-MMEIA',
    residenceRegion: 'Bamako',
    vulnerabilities: [],
    unaccompaniedMinor: false,
    biometricRef: `BIO-${process.pid}-${Date.now()}-${counter}`,
    consentToDataProcessing: true,
    ...rest,
  };
}

/** A registration as the workflow receives it (for workflow tests without the API). */
export function registration(caseId: string, overrides: Partial<Registration> = {}): Registration {
  return {
    caseId,
    track: 'reintegration',
    person: { familyName: 'Keita', givenName: 'Moussa', sex: 'M', dateOfBirth: '1999-01-01', nationality: 'MLI' },
    arrival: { mode: 'commercial', arrivedAt: '2026-01-01T00:00:00Z', fromCountry: 'LBY' },
    centreCode: 'BKO-MMEIA',
    vulnerabilities: [],
    unaccompaniedMinor: false,
    consentToDataProcessing: true,
    officer: 'officer-1',
    registeredAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}
