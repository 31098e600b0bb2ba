import type { RouteSpec } from '../route';
import { caseRoutes } from './cases';
import { caseStepRoutes } from './case-steps';
import { referenceRoutes } from './reference';
import { suspensionRoutes } from './suspensions';

/** Every authenticated /v1 route. Order matters where paths overlap (/v1/cases/stuck before /:caseId). */
export const ROUTES: RouteSpec[] = [...referenceRoutes, ...suspensionRoutes, ...caseRoutes, ...caseStepRoutes];
