import type { MinorSafeguards } from './minor-safeguards';
import type { Track } from './stages';

/** Who the returnee is. Personal data: Postgres only, never a search attribute, ID or memo. */
export interface Person {
  familyName: string;
  givenName: string;
  sex: 'F' | 'M' | 'X';
  dateOfBirth: string;
  nationality: string;
  phone?: string;
}

export const ARRIVAL_MODES = ['charter', 'commercial', 'land', 'in_transit'] as const;
export type ArrivalMode = (typeof ARRIVAL_MODES)[number];

export interface Arrival {
  mode: ArrivalMode;
  arrivedAt: string;
  fromCountry: string;
  flightId?: string;
}

/** A registration as the case workflow receives it, after the API validated it. */
export interface Registration {
  caseId: string;
  track: Track;
  person: Person;
  arrival: Arrival;
  centreCode: string;
  residenceRegion?: string;
  vulnerabilities: string[];
  unaccompaniedMinor: boolean;
  biometricRef?: string;
  documentNumber?: string;
  consentToDataProcessing: true;
  officer: string;
  registeredAt: string;
  /** A child arriving on a charter brings the safeguards their manifest entry carried. */
  safeguards?: MinorSafeguards;
}

/** What registration found: a duplicate of an open case, or a new case (maybe a second return). */
export type RegistrationResult =
  | { caseId: string; duplicateOf?: undefined; previousCaseId?: string; previouslyAssisted?: boolean }
  | { caseId: string; duplicateOf: string; previousCaseId?: undefined; previouslyAssisted?: undefined };
