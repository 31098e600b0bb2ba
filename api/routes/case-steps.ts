import type { z } from 'zod';
import type { CaseStepType, StepInput } from '../../domain/case-steps';
import type { Role } from '../../domain/reference';
import type { caseStepUpdates } from '../../workflows/case-messages';
import { type Caller, inCentreScope } from '../auth';
import { runCaseStep, scopedCase } from '../case-access';
import type { ApiDeps } from '../deps';
import { problem } from '../problem';
import { route, type RouteSpec } from '../route';
import { CaseIdParams } from '../schemas/common';
import {
  ApprovalSchema,
  BudgetReductionSchema,
  ClosureSchema,
  CounsellingSchema,
  DepartureSchema,
  EligibilitySchema,
  MinorSafeguardsSchema,
  MonitoringVisitSchema,
  PlannedDepartureSchema,
  PlanSchema,
  ReceptionSchema,
  ResumeSchema,
  SuspensionSchema,
  TrancheCancellationSchema,
  TrancheParams,
  TranchePaymentSchema,
  TrancheSchema,
} from '../schemas/cases';
import { trancheVendor } from '../tranche-vendor';

const OFFICERS: readonly Role[] = ['case_officer', 'supervisor'];

const STEP_RESPONSES = {
  200: { description: 'The step was taken; the new state of the case' },
  409: { description: 'The step does not fit the case now (stage, suspension, closure)' },
  422: { description: 'The content breaks a rule (ceiling, budget, safeguards, …)' },
  404: { description: 'No such case in your centres' },
};

type StepName = CaseStepType & keyof typeof caseStepUpdates;

/** What a step's input may draw on beyond its body: who asks, the case, the app's dependencies. */
interface StepContext<P> {
  caller: Caller;
  deps: ApiDeps;
  caseId: string;
  params: P;
}

/**
 * A route that turns a validated body into one Workflow Update on the case. `toInput` may refuse
 * (an HttpProblem) or look things up (a vendor) before the step is sent.
 */
function stepRoute<B extends z.ZodType, S extends StepName, P extends z.ZodType = typeof CaseIdParams>(spec: {
  method?: 'post' | 'delete';
  path: string;
  summary: string;
  roles?: readonly Role[];
  params?: P;
  body?: B;
  step: S;
  toInput: (body: z.output<B>, ctx: StepContext<z.output<P>>) => Omit<StepInput<S>, 'actor'> | Promise<Omit<StepInput<S>, 'actor'>>;
}): RouteSpec {
  return route({
    method: spec.method ?? 'post',
    path: `/v1/cases/:caseId${spec.path}`,
    summary: spec.summary,
    tag: 'case steps',
    roles: spec.roles ?? OFFICERS,
    scope: 'case',
    params: spec.params ?? CaseIdParams,
    body: spec.body,
    responses: STEP_RESPONSES,
    async handler({ params, body, caller, deps, operation, scoped }) {
      const kase = scopedCase(scoped);
      const caseId = kase.caseId;
      const input = await spec.toInput(body as z.output<B>, { caller, deps, caseId, params: params as z.output<P> });
      return { status: 200, body: await runCaseStep(deps, caller, kase, spec.step, input, operation.id) };
    },
  });
}

export const caseStepRoutes: RouteSpec[] = [
  stepRoute({
    path: '/reception',
    summary: 'Record reception',
    body: ReceptionSchema,
    step: 'recordReception',
    // A case is received only into one of the caller's own centres, never moved outside their scope.
    // Without an amount the case gives its track's standard cash grant (none for migrants in transit).
    toInput: (b, { caller }) => {
      if (!inCentreScope(caller, b.centreCode)) {
        throw problem(403, `you do not work at centre ${b.centreCode}; the case is received at a centre of yours`, {
          errors: [{ path: 'centreCode', message: 'must be one of your centres' }],
        });
      }
      return b;
    },
  }),
  stepRoute({
    path: '/counselling-sessions',
    summary: 'Record a counselling session',
    body: CounsellingSchema,
    step: 'recordCounsellingSession',
    toInput: (b) => b,
  }),
  stepRoute({ path: '/eligibility', summary: 'Decide eligibility', body: EligibilitySchema, step: 'decideEligibility', toInput: (b) => b }),
  stepRoute({
    path: '/plan',
    summary: 'Submit a reintegration plan',
    body: PlanSchema,
    step: 'submitPlan',
    toInput: ({ type, ...rest }) => ({ planType: type, ...rest }),
  }),
  stepRoute({
    path: '/approvals',
    summary: 'Approve or reject',
    roles: ['supervisor'],
    body: ApprovalSchema,
    step: 'recordApproval',
    toInput: (b) => b,
  }),
  stepRoute({
    path: '/tranches',
    summary: 'Request a tranche',
    body: TrancheSchema,
    step: 'requestTranche',
    toInput: async (b, { deps, caseId }) => ({ ...b, vendor: (await trancheVendor(deps.db, caseId, b.vendorId)).name }),
  }),
  stepRoute({
    path: '/tranches/:n/payment',
    summary: 'Record a tranche payment',
    params: TrancheParams,
    body: TranchePaymentSchema,
    step: 'recordTranchePayment',
    toInput: (b, { params }) => ({ n: params.n, paidAt: b.paidAt ?? new Date().toISOString(), reference: b.reference }),
  }),
  stepRoute({
    path: '/tranches/:n/cancellation',
    summary: 'Cancel an unpaid tranche',
    params: TrancheParams,
    body: TrancheCancellationSchema,
    step: 'cancelTranche',
    toInput: (b, { params }) => ({ n: params.n, reason: b.reason, occurredAt: b.occurredAt }),
  }),
  stepRoute({
    path: '/budget-reduction',
    summary: 'Reduce the approved budget',
    roles: ['supervisor'],
    body: BudgetReductionSchema,
    step: 'reduceBudget',
    toInput: (b) => b,
  }),
  stepRoute({
    path: '/monitoring-visits',
    summary: 'Record a monitoring visit',
    body: MonitoringVisitSchema,
    step: 'recordMonitoringVisit',
    toInput: (b) => b,
  }),
  stepRoute({
    path: '/minor-safeguards',
    summary: "Record a minor's safeguards",
    body: MinorSafeguardsSchema,
    step: 'recordMinorSafeguards',
    toInput: (b) => b,
  }),
  stepRoute({ path: '/closure', summary: 'Close a case', body: ClosureSchema, step: 'requestClosure', toInput: (b) => b }),
  stepRoute({
    path: '/suspension',
    summary: 'Suspend a case',
    roles: ['supervisor', 'manager'],
    body: SuspensionSchema,
    step: 'suspend',
    toInput: (b) => b,
  }),
  stepRoute({
    method: 'delete',
    path: '/suspension',
    summary: 'Resume a case',
    roles: ['supervisor', 'manager'],
    body: ResumeSchema,
    step: 'resume',
    toInput: (b) => b ?? {},
  }),
  stepRoute({
    path: '/planned-departure',
    summary: 'Move the planned departure',
    body: PlannedDepartureSchema,
    step: 'movePlannedDeparture',
    toInput: (b) => b,
  }),
  stepRoute({
    path: '/departure',
    summary: 'Record the departure and handover',
    body: DepartureSchema,
    step: 'recordDeparture',
    toInput: (b) => b,
  }),
];
