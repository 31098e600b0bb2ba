import type { z } from 'zod';
import type { CaseStepType, StepInput } from '../../domain/case-steps';
import type { Role } from '../../domain/reference';
import type { caseStepUpdates } from '../../workflows/case-messages';
import { type Caller, inCentreScope } from '../auth';
import { runCaseStep } from '../case-access';
import { problem } from '../problem';
import { route, type RouteSpec } from '../route';
import { CaseIdParams } from '../schemas/common';
import {
  ApprovalSchema,
  ClosureSchema,
  CounsellingSchema,
  DepartureSchema,
  EligibilitySchema,
  MinorSafeguardsSchema,
  MonitoringVisitSchema,
  PlanSchema,
  ReceptionSchema,
  ResumeSchema,
  SuspensionSchema,
  TrancheSchema,
  TranchePaymentParams,
  TranchePaymentSchema,
} from '../schemas/cases';

const OFFICERS: readonly Role[] = ['case_officer', 'supervisor'];

const STEP_RESPONSES = {
  200: { description: 'The step was taken; the new state of the case' },
  409: { description: 'The step does not fit the case now (stage, suspension, closure)' },
  422: { description: 'The content breaks a rule (ceiling, budget, safeguards, …)' },
  404: { description: 'No such case in your centres' },
};

type StepName = CaseStepType & keyof typeof caseStepUpdates;

/** A route that turns a validated body into one Workflow Update on the case. */
function stepRoute<B extends z.ZodType, S extends StepName>(spec: {
  method?: 'post' | 'delete';
  path: string;
  summary: string;
  roles?: readonly Role[];
  body?: B;
  step: S;
  toInput: (body: z.output<B>, deps: Parameters<RouteSpec['handler']>[0]['deps']) => Omit<StepInput<S>, 'actor'>;
  /** A check of the body against the caller beyond the case's own scope (e.g. the centre it moves to). */
  authorize?: (body: z.output<B>, caller: Caller) => void;
}): RouteSpec {
  return route({
    method: spec.method ?? 'post',
    path: `/v1/cases/:caseId${spec.path}`,
    summary: spec.summary,
    tag: 'case steps',
    roles: spec.roles ?? OFFICERS,
    scope: 'case',
    params: CaseIdParams,
    body: spec.body,
    responses: STEP_RESPONSES,
    async handler({ params, body, caller, deps, operation }) {
      spec.authorize?.(body as z.output<B>, caller);
      const state = await runCaseStep(deps, caller, params.caseId, spec.step, spec.toInput(body as z.output<B>, deps), operation.id);
      return { status: 200, body: state };
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
    authorize: (b, caller) => {
      if (!inCentreScope(caller, b.centreCode)) {
        throw problem(403, `you do not work at centre ${b.centreCode}; the case is received at a centre of yours`, {
          errors: [{ path: 'centreCode', message: 'must be one of your centres' }],
        });
      }
    },
    toInput: (b, deps) => ({ ...b, cashGrantXof: b.cashGrantXof ?? deps.config.casePolicy.defaultCashGrantXof }),
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
  stepRoute({ path: '/tranches', summary: 'Request a tranche', body: TrancheSchema, step: 'requestTranche', toInput: (b) => b }),
  route({
    method: 'post',
    path: '/v1/cases/:caseId/tranches/:n/payment',
    summary: 'Record a tranche payment',
    tag: 'case steps',
    roles: OFFICERS,
    scope: 'case',
    params: TranchePaymentParams,
    body: TranchePaymentSchema,
    responses: STEP_RESPONSES,
    async handler({ params, body, caller, deps, operation }) {
      const input = { n: params.n, paidAt: body.paidAt ?? new Date().toISOString(), reference: body.reference };
      return { status: 200, body: await runCaseStep(deps, caller, params.caseId, 'recordTranchePayment', input, operation.id) };
    },
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
    path: '/departure',
    summary: 'Record the departure and handover',
    body: DepartureSchema,
    step: 'recordDeparture',
    toInput: (b) => b,
  }),
];
