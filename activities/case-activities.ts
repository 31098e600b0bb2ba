import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Config } from '../platform/config';
import type { Db } from '../db';
import { earlierCasesOf, openCaseOf } from '../db/queries/case-identity';
import { insertEvent, projectionColumns, updateProjection } from '../db/queries/case-projection';
import type { Actor, CaseState } from '../domain/case-state';
import type { CaseStep, HeldDocument } from '../domain/case-steps';
import type { Registration, RegistrationResult } from '../domain/registration';
import { newTravelDocumentState, type TravelDocumentRequest, type TravelDocumentState } from '../domain/travel-document';
import { recordTravelDocumentChange } from '../db/queries/travel-documents';
import { startTravelDocumentRequest } from '../platform/travel-document-starter';
import { caseWorkflowId, travelDocumentWorkflowId } from '../workflows/ids';
import { cancelTravelDocumentRequest, movePlannedDeparture } from '../workflows/travel-document-messages';
import type { Mailer } from './mailer';
import { sendOnce } from './outbox';
import { writeStepRows } from './step-writers';

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
    async registerCase({ registration: r, state }: { registration: Registration; state: CaseState }): Promise<RegistrationResult> {
      const who = { biometricRef: r.biometricRef, documentNumber: r.documentNumber };
      return db.transaction(async (trx) => {
        // A person back after an earlier case ended is a second return: a new case, linked to the last one.
        const earlier = await earlierCasesOf(trx, who, r.caseId);
        const known: CaseState = { ...state, previousCaseId: earlier.previousCaseId, previouslyAssisted: earlier.previouslyAssisted };
        const inserted = await trx('cases')
          .insert({
            case_id: r.caseId,
            workflow_id: caseWorkflowId(r.caseId),
            officer: r.officer,
            nationality: r.person.nationality,
            minor: r.unaccompaniedMinor,
            family_name: r.person.familyName,
            given_name: r.person.givenName,
            sex: r.person.sex,
            date_of_birth: r.person.dateOfBirth,
            phone: r.person.phone ?? null,
            arrival_mode: r.arrival.mode,
            arrived_at: r.arrival.arrivedAt,
            from_country: r.arrival.fromCountry,
            residence_region: r.residenceRegion ?? null,
            vulnerabilities: JSON.stringify(r.vulnerabilities),
            biometric_ref: r.biometricRef ?? null,
            document_number: r.documentNumber ?? null,
            previous_case_id: earlier.previousCaseId ?? null,
            second_return: earlier.previousCaseId !== undefined,
            consent_at: r.registeredAt,
            created_at: r.registeredAt,
            ...projectionColumns(known, r.registeredAt),
          })
          .onConflict()
          .ignore()
          .returning('case_id');
        if (inserted.length === 0) {
          const own = await trx('cases').where({ case_id: r.caseId }).first('previous_case_id');
          if (own) return { caseId: r.caseId, ...(known.previousCaseId ? { previousCaseId: known.previousCaseId } : {}), previouslyAssisted: earlier.previouslyAssisted };
          const existing = await openCaseOf(trx, who, r.caseId);
          if (!existing) throw new Error(`case ${r.caseId} could not be inserted`);
          return { caseId: r.caseId, duplicateOf: existing.caseId };
        }
        await insertEvent(trx, {
          caseId: r.caseId,
          seq: 0,
          kind: 'registered',
          actorSub: r.officer,
          actorRole: 'case_officer',
          at: r.registeredAt,
          stageAfter: state.stage,
          detail: {
            track: r.track,
            centreCode: r.centreCode,
            arrivalMode: r.arrival.mode,
            flightId: r.arrival.flightId,
            ...(earlier.previousCaseId ? { secondReturn: true, previousCaseId: earlier.previousCaseId } : {}),
          },
        });
        return { caseId: r.caseId, ...(earlier.previousCaseId ? { previousCaseId: earlier.previousCaseId } : {}), previouslyAssisted: earlier.previouslyAssisted };
      });
    },

    /** Records one human step: its event, its ledger rows and the new projection, in one transaction. */
    async recordCaseStep({ step, actor, state, at }: { step: CaseStep; actor: Actor; state: CaseState; at: string }): Promise<void> {
      await db.transaction(async (trx) => {
        const { type, ...detail } = step;
        const first = await insertEvent(trx, {
          caseId: state.caseId,
          seq: state.seq,
          kind: type,
          actorSub: actor.sub,
          actorRole: actor.role,
          at,
          stageAfter: state.stage,
          detail,
        });
        if (!first) return;
        await writeStepRows(trx, step, state, actor, at);
        await updateProjection(trx, state, at);
      });
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
      await db.transaction(async (trx) => {
        const first = await insertEvent(trx, {
          caseId: state.caseId,
          seq: state.seq,
          kind: level === 1 ? 'overdue' : 'escalated',
          actorSub: 'sira',
          actorRole: 'system',
          at,
          stageAfter: state.stage,
          detail: { task: task.key, label: task.label, level },
        });
        if (first) await updateProjection(trx, state, at);
      });
      const centre = await db('centres').where({ code: state.centreCode }).first('supervisor_email', 'name');
      const to = level === 1 ? centre.supervisor_email : config.PROGRAMME_MANAGER_EMAIL;
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
