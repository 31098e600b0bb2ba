import type { CaseScope } from '../db/queries/cases';
import { travelDocumentScope } from '../db/queries/travel-documents';
import { type Caller, inCentreScope } from './auth';
import { caseInScope } from './case-access';
import type { ApiDeps } from './deps';
import { problem } from './problem';

/**
 * Object scopes a route can declare. Each one resolves the object named by a path parameter and
 * answers 404 when it does not exist or lies outside the caller's centres, so existence does not leak;
 * the row it read is handed to the route's handler (`scoped`), which does not read it again.
 */
export const SCOPES = {
  case: {
    param: 'caseId',
    check: (deps: ApiDeps, caller: Caller, caseId: string): Promise<CaseScope> => caseInScope(deps, caller, caseId),
  },
  travel_document: {
    param: 'requestId',
    check: async (deps: ApiDeps, caller: Caller, requestId: string) => {
      const scope = await travelDocumentScope(deps.db, requestId);
      if (!scope || !inCentreScope(caller, scope.caseCentre)) throw problem(404, `no travel-document request ${requestId}`);
      return scope;
    },
  },
} as const;

export type ScopeName = keyof typeof SCOPES;

/** The object a scoped route's check resolved. */
export type Scoped = Awaited<ReturnType<(typeof SCOPES)[ScopeName]['check']>>;
