/**
 * The rules' parameters, taken from configuration and passed into each case workflow so that
 * the same workflow runs a two-year programme or a test in seconds.
 */
export const SLA_KEYS = ['reception', 'counselling', 'eligibility', 'planning', 'approval', 'disbursing', 'travel_document'] as const;
export type SlaKey = (typeof SLA_KEYS)[number];

export interface CasePolicy {
  hostCountry: string;
  /** Budget ceiling of one returnee's plan, in XOF. */
  ceilingXof: number;
  /** Arrival cash grant given at reception unless the officer records another amount. */
  defaultCashGrantXof: number;
  /** Milliseconds allowed for each kind of open task. */
  slaMs: Record<SlaKey, number>;
  /** Monitoring visits are due at these offsets (ms) from the start of monitoring, e.g. 3, 6, 12 months. */
  monitoringVisitOffsetsMs: number[];
  /** Composite sustainability score at or above which a returnee counts as sustainably reintegrated. */
  sustainabilityThreshold: number;
  /** How early a monitoring visit may take place before its scheduled offset and still count. */
  monitoringEarlyWindowMs: number;
  /** Returns from this day (and until `endsOn`, if the programme has ended) are within the programme. */
  programmeWindow: { startsOn: string; endsOn?: string };
  /** An arrival cash grant above this needs a supervisor's approval. */
  cashGrantCapXof: number;
}
