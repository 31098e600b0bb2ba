import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Config } from '../platform/config';
import type { Db } from '../db';
import { recordCaseEvent } from '../db/queries/case-projection';
import { recordRegistration } from '../db/queries/case-registration';
import { recordCaseStep } from '../db/queries/case-steps';
import { centreSupervisorOf } from '../db/queries/reference';
import type { Actor, CaseState } from '../domain/case-state';
import type { CaseStep, HeldDocument } from '../domain/case-steps';
import type { Registration, RegistrationResult } from '../domain/registration';
import { newTravelDocumentState, type TravelDocumentRequest, type TravelDocumentState } from '../domain/travel-document';
import { recordTravelDocumentChange } from '../db/queries/travel-documents';
import { startTravelDocumentRequest } from '../platform/travel-document-starter';
import { travelDocumentWorkflowId } from '../workflows/ids';
import { cancelTravelDocumentRequest, movePlannedDeparture } from '../workflows/travel-document-messages';
import type { Mailer } from './mailer';
import { sendOnce } from './outbox';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  config: Config;
  /** For activities that start or advance other workflows (fan-out, cross-workflow steps). */
  temporal: Client;
  clock?: () => Date;
}

/** Activities of the case workflow. Each one is idempotent: run twice, the rows are the same. */
export function createCaseActivities({ db, mailer, config, temporal }: ActivityDeps) {
  return {
    /**
     * Writes the case row and its registration event. A second registration of the same biometric
     * reference or document number writes nothing and names the existing case.
     */
    async registerCase({ registration, state }: { registration: Registration; state: CaseState }): Promise<RegistrationResult> {
      return recordRegistration(db, registration, state);
    },

    /** Records one human step: its event, its ledger rows and the new projection, in one statement. */
    async recordCaseStep(input: { step: CaseStep; actor: Actor; state: CaseState; at: string }): Promise<void> {
      await recordCaseStep(db, input);
    },

    /**
     * Opens a request the case's workflow has just recorded: its row first (so the API's 201 can be
     * read back at once), then the replaced request stops chasing the embassy, then the new request's
     * workflow starts. Run from inside the case's step, so parallel requests for one case are taken one
     * at a time, and every part is idempotent for the activity's retries.
     */
    async openTravelDocumentRequest({
      request,
      replaces,
      held,
    }: {
      request: TravelDocumentRequest;
      replaces?: string;
      /** A document the person already holds: recorded as issued, and no embassy is asked. */
      held?: HeldDocument;
    }): Promise<void> {
      const initial = newTravelDocumentState(request);
      if (held) {
        // No embassy, no workflow: the request is born issued and finished, its document on file.
        const issued: TravelDocumentState = {
          ...initial,
          status: 'issued',
          seq: initial.seq + 1,
          document: { number: held.number, validUntil: held.validUntil, issuedAt: request.requestedAt },
          finished: true,
        };
        await recordTravelDocumentChange(db, issued, { kind: 'held_document_recorded', detail: { type: held.type, validUntil: held.validUntil } }, request.requestedAt);
      } else {
        await recordTravelDocumentChange(
          db,
          initial,
          { kind: 'requested', detail: { documentType: request.documentType, plannedDeparture: request.plannedDeparture } },
          request.requestedAt,
        );
      }
      if (replaces) {
        await temporal.workflow
          .getHandle(travelDocumentWorkflowId(replaces))
          .executeUpdate(cancelTravelDocumentRequest, {
            args: [{ actor: { sub: request.requestedBy, role: 'case_officer' }, reason: `replaced by request ${request.requestId}` }],
            updateId: `replaced-by:${request.requestId}`,
          })
          .catch((error: unknown) => {
            // Answered, expired or cancelled already: it no longer chases anyone, which is the point.
            const refused = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure;
            if (!refused && !(error instanceof WorkflowNotFoundError)) throw error;
          });
      }
      if (!held) await startTravelDocumentRequest(temporal, config, request);
    },

    /** The case's planned departure moved: its request follows, and works out again whether its document lapses first. */
    async moveTravelDocumentDeparture({
      requestId,
      plannedDeparture,
      actor,
      caseSeq,
    }: {
      requestId: string;
      plannedDeparture: string;
      actor: Actor;
      /** The case step's number: one update per move, even back to a day planned before. */
      caseSeq: number;
    }): Promise<void> {
      await temporal.workflow
        .getHandle(travelDocumentWorkflowId(requestId))
        .executeUpdate(movePlannedDeparture, { args: [{ actor, plannedDeparture }], updateId: `move-departure:${requestId}:${caseSeq}` })
        .catch((error: unknown) => {
          // A request already finished keeps the departure it had; the case holds the new one.
          const refused = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure;
          if (!refused && !(error instanceof WorkflowNotFoundError)) throw error;
        });
    },

    /**
     * Marks the case overdue and tells the centre's supervisor (level 1) or the programme manager
     * (level 2, past twice the SLA), once per task and level.
     */
    async markCaseOverdue({ state, level, at }: { state: CaseState; level: 1 | 2; at: string }): Promise<void> {
      const task = state.task!;
      await recordCaseEvent(
        db,
        state,
        { kind: level === 1 ? 'overdue' : 'escalated', actorSub: 'sira', actorRole: 'system', detail: { task: task.key, label: task.label, level } },
        at,
      );
      const centre = (await centreSupervisorOf(db, state.centreCode))!;
      const to = level === 1 ? centre.supervisorEmail : config.PROGRAMME_MANAGER_EMAIL;
      const due = new Date(task.startedAt + task.slaMs * level + task.pausedMs).toISOString();
      await sendOnce(db, mailer, {
        key: `overdue:${state.caseId}:${task.key}:${level}`,
        kind: level === 1 ? 'case_overdue' : 'case_escalated',
        caseId: state.caseId,
        to,
        subject: `[Sira] ${level === 1 ? 'Overdue' : 'Escalated'}: case ${state.caseId.slice(0, 8)} — ${task.label}`,
        text: [
          `Case ${state.caseId} at ${centre.name} (${state.centreCode}) is ${level === 1 ? 'past its due date' : 'past twice its SLA'}.`,
          `Stage: ${state.stage}`,
          `Waiting for: ${task.label}`,
          `Due: ${due}`,
          '',
          `Open it: ${config.publicUrl}/v1/cases/${state.caseId}`,
        ].join('\n'),
      });
    },
  };
}

export type CaseActivities = ReturnType<typeof createCaseActivities>;
