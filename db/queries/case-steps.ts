import type { Knex } from 'knex';
import type { Actor, CaseState } from '../../domain/case-state';
import type { CaseStep } from '../../domain/case-steps';
import { recordCaseEvent, type StepWrites } from './case-projection';
import { businessDateOf } from '../../domain/business-date';

/** Records one human step: its event, its ledger rows and the new projection, all or nothing. */
export async function recordCaseStep(db: Knex, { step, actor, state, at }: { step: CaseStep; actor: Actor; state: CaseState; at: string }): Promise<void> {
  const { type, ...detail } = step;
  const occurredAt = businessDateOf(step) ?? at;
  await recordCaseEvent(db, state, { kind: type, actorSub: actor.sub, actorRole: actor.role, detail, occurredAt }, at, (trx) =>
    stepWrites(trx, step, state, actor, at),
  );
}

/**
 * What some steps write beyond the event and the projection, for reports and ledgers: rows of
 * their own, columns of the case's row. Written with the step, only the first time it is recorded.
 * A row a failed workflow task's attempt left under the same key is overwritten (see
 * insertEventOnce).
 */
function stepWrites(trx: Knex, step: CaseStep, state: CaseState, actor: Actor, at: string): StepWrites {
  const caseId = state.caseId;
  switch (step.type) {
    case 'submitPlan': {
      const plan = state.plan!;
      const shared = plan.projectId && plan.type !== 'individual';
      return {
        rows: [
          ...(shared ? [trx('projects').insert({ project_id: plan.projectId, type: plan.type, sector: plan.sector, created_at: at }).onConflict('project_id').ignore()] : []),
          trx('plans')
            .insert({
              case_id: caseId,
              version: plan.version,
              type: plan.type,
              project_id: plan.type === 'individual' ? null : plan.projectId,
              sector: plan.sector,
              budget_xof: plan.budgetXof,
              dimensions: JSON.stringify(plan.dimensions),
              status: plan.status,
              submitted_by: actor.sub,
              submitted_at: at,
            })
            .onConflict(['case_id', 'version'])
            .merge(),
        ],
      };
    }
    case 'recordApproval': {
      const tranche = step.subject === 'tranche' ? state.tranches.find((t) => t.n === step.ref)! : undefined;
      return {
        rows: [
          trx('approvals')
            .insert({
              case_id: caseId,
              seq: state.seq,
              subject: step.subject,
              ref: step.ref ?? null,
              decision: step.decision,
              decided_by: actor.sub,
              decided_at: at,
              comment: step.comment ?? null,
            })
            .onConflict(['case_id', 'seq'])
            .merge(),
          ...(step.subject === 'plan' && state.plan
            ? [trx('plans').where({ case_id: caseId, version: state.plan.version }).update({ status: state.plan.status, decided_by: actor.sub, decided_at: at })]
            : []),
          ...(tranche
            ? [trx('tranches').where({ case_id: caseId, n: tranche.n }).update({ status: tranche.status, decided_at: at, approved_by: tranche.approvedBy ?? null })]
            : []),
        ],
      };
    }
    case 'requestTranche': {
      const tranche = state.tranches[state.tranches.length - 1];
      return {
        rows: [
          trx('tranches')
            .insert({
              case_id: caseId,
              n: tranche.n,
              amount_xof: tranche.amountXof,
              vendor: tranche.vendor,
              vendor_id: tranche.vendorId ?? null,
              items: JSON.stringify(step.items),
              status: tranche.status,
              requested_by: actor.sub,
              requested_at: at,
            })
            .onConflict(['case_id', 'n'])
            .merge(),
        ],
      };
    }
    case 'recordTranchePayment':
      return {
        rows: [
          trx('tranches')
            .where({ case_id: caseId, n: step.n })
            .update({ status: 'paid', paid_at: step.paidAt, payment_reference: step.reference ?? null, paid_by: actor.sub }),
        ],
      };
    case 'cancelTranche':
      return { rows: [trx('tranches').where({ case_id: caseId, n: step.n }).update({ status: 'cancelled', cancel_reason: step.reason, decided_at: at })] };
    case 'withdrawConsent':
      // The withdrawal's date stays with the case; the tranches it cancelled are cancelled in the ledger.
      return {
        caseColumns: { consent_withdrawn_at: state.consentWithdrawnAt ?? at },
        rows: [
          trx('tranches')
            .where({ case_id: caseId })
            .whereIn('status', ['requested', 'approved'])
            .update({ status: 'cancelled', cancel_reason: 'consent withdrawn', decided_at: at }),
        ],
      };
    case 'reduceBudget':
      return {
        rows: [
          trx('plans')
            .where({ case_id: caseId, version: state.plan!.version })
            .update({ budget_xof: step.budgetXof, reduced_from_xof: state.plan!.reducedFromXof ?? null }),
        ],
      };
    case 'recordMonitoringVisit': {
      const visit = state.visits[state.visits.length - 1];
      return {
        rows: [
          trx('monitoring_visits')
            .insert({
              case_id: caseId,
              n: state.visits.length,
              visited_at: step.visitedAt,
              economic: step.scores.economic,
              social: step.scores.social,
              psychosocial: step.scores.psychosocial,
              composite: visit.composite,
              sustainable: visit.sustainable,
              recorded_by: actor.sub,
            })
            .onConflict(['case_id', 'n'])
            .merge(),
        ],
      };
    }
    default:
      return { rows: [] };
  }
}
