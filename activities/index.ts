import { type ActivityDeps, createCaseActivities } from './case-activities';
import { createConsentActivities } from './consent-activities';
import { createErasureActivities } from './erasure-activities';
import { createFlightActivities } from './flight-activities';
import { createReportActivities } from './report-activities';
import { createTravelDocumentActivities } from './travel-document-activities';

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCaseActivities(deps),
    ...createTravelDocumentActivities(deps),
    ...createFlightActivities(deps),
    ...createReportActivities(deps),
    ...createConsentActivities(deps),
    ...createErasureActivities(deps),
  };
}

export type { ActivityDeps };
