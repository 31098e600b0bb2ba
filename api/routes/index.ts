import type { RouteSpec } from '../route';
import { auditRoutes } from './audit';
import { caseRoutes } from './cases';
import { caseStepRoutes } from './case-steps';
import { flightRoutes } from './flights';
import { flowMonitoringRoutes } from './flow-monitoring';
import { personalDataRoutes } from './personal-data';
import { referenceRoutes } from './reference';
import { reportRoutes } from './reports';
import { suspensionRoutes } from './suspensions';
import { travelDocumentRoutes } from './travel-documents';
import { vendorRoutes } from './vendors';

/** Every authenticated /v1 route. Order matters where paths overlap (/v1/cases/stuck before /:caseId). */
export const ROUTES: RouteSpec[] = [...referenceRoutes, ...vendorRoutes, ...suspensionRoutes, ...caseRoutes, ...caseStepRoutes, ...travelDocumentRoutes, ...flightRoutes, ...flowMonitoringRoutes, ...auditRoutes, ...personalDataRoutes, ...reportRoutes];
