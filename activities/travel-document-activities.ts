import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { caseStateOf } from '../db/queries/cases';
import { embassyCountryOf, liaisonFacts, recordTravelDocumentChange } from '../db/queries/travel-documents';
import type { Actor } from '../domain/case-state';
import { mayTakeOutcomeLater, messageKey, type TravelDocumentMessage, type TravelDocumentState } from '../domain/travel-document';
import { caseStepUpdates, getCaseState } from '../workflows/case-messages';
import type { CaseView } from '../workflows/case-view';
import { caseWorkflowId } from '../workflows/ids';
import type { ActivityDeps } from './case-activities';
import { liaisonUrl, signLiaisonToken } from '../platform/liaison-link';
import { sendOnce } from './outbox';
import { embassyMail, escalationMail, outcomeNotTakenMail, renewalNoticeMail } from './templates/travel-document-mail';

/**
 * Who records an embassy's answer on the case. The events table names it `system`, as it does
 * for overdue marks; the case rules for this step do not depend on the role.
 */
const EMBASSY_ACTOR = (country: string) => ({ sub: `embassy:${country}`, role: 'system' }) as unknown as Actor;

/** The case took the outcome in (now or before), or refused it: why, and whether it may take it later. */
export type CaseOutcomeDelivery = 'recorded' | 'already_recorded' | { refused: true; reason: string; temporary: boolean };

/** Activities of the travel-document workflow. Each one is idempotent: run twice, the rows and the mail are the same. */
export function createTravelDocumentActivities({ db, mailer, config, temporal, clock }: ActivityDeps) {
  const now = () => clock?.() ?? new Date();

  async function facts(requestId: string) {
    const found = await liaisonFacts(db, requestId);
    if (!found) throw ApplicationFailure.nonRetryable(`no travel-document request ${requestId}`);
    return found;
  }

  return {
    async recordTravelDocumentProgress({
      state,
      event,
      at,
    }: {
      state: TravelDocumentState;
      event: { kind: string; detail: Record<string, unknown> };
      at: string;
    }): Promise<void> {
      await recordTravelDocumentChange(db, state, event, at);
    },

    /**
     * Sends one message about a request through the outbox: keyed by request, round and kind, so a
     * retried activity never sends a second copy. Each e-mail to the embassy carries a fresh link.
     */
    async sendTravelDocumentMail({ requestId, message }: { requestId: string; message: TravelDocumentMessage }): Promise<'sent' | 'already_sent'> {
      const f = await facts(requestId);
      const key = messageKey(requestId, message);
      if (message.kind === 'escalation') {
        // An escalation scheduled before escalations repeated carries no `n`: it was the first.
        const mail = escalationMail(f, config.publicUrl, f.remindersSent, message.n ?? 1);
        return sendOnce(db, mailer, { key, kind: 'traveldoc_escalation', caseId: f.caseId, to: config.PROGRAMME_MANAGER_EMAIL, ...mail });
      }
      if (message.kind === 'outcome_not_taken') {
        const mail = outcomeNotTakenMail(f, config.publicUrl, message);
        return sendOnce(db, mailer, { key, kind: 'traveldoc_outcome_not_taken', caseId: f.caseId, to: f.centre.supervisorEmail, ...mail });
      }
      if (message.kind === 'renewal_notice') {
        const to = config.TRAVEL_DOCUMENT_NOTIFY_EMAIL ?? f.centre.supervisorEmail;
        return sendOnce(db, mailer, { key, kind: 'traveldoc_renewal_notice', caseId: f.caseId, to, ...renewalNoticeMail(f, config.publicUrl) });
      }
      if (!f.embassy) {
        throw ApplicationFailure.nonRetryable(`no embassy liaison on file for ${f.person.nationality}; set it with PUT /v1/embassies/${f.person.nationality}`);
      }
      const expiresAt = new Date(now().getTime() + config.LIAISON_LINK_TTL);
      const token = await signLiaisonToken(config.liaisonLinkSecret, { requestId, round: message.round, expiresAt });
      const link = { url: liaisonUrl(config.publicUrl, requestId, token), expiresAt };
      const mail =
        message.kind === 'reminder'
          ? embassyMail(f, { kind: 'reminder', n: message.n, of: config.EMBASSY_REMINDERS, renewal: message.round > 0 }, link)
          : embassyMail(f, { kind: message.round > 0 ? 'renewal' : 'request' }, link);
      return sendOnce(db, mailer, {
        key,
        kind: message.kind === 'reminder' ? 'traveldoc_reminder' : message.round > 0 ? 'traveldoc_renewal' : 'traveldoc_request',
        caseId: f.caseId,
        to: f.embassy.liaisonEmail,
        ...mail,
      });
    },

    /**
     * Tells the case the embassy's outcome through its `recordTravelDocumentOutcome` update. A case
     * that already holds this outcome counts as told. A case that refuses it is an answer too, not a
     * failure for this activity to retry: it says why, and whether the case may take it later (it is
     * suspended, say) or never will (it ended, or waits on another request); the workflow decides.
     */
    async tellCaseTravelDocumentOutcome(input: {
      caseId: string;
      requestId: string;
      outcome: 'issued' | 'refused' | 'expired';
      validUntil?: string;
      reason?: string;
    }): Promise<CaseOutcomeDelivery> {
      const handle = temporal.workflow.getHandle(caseWorkflowId(input.caseId));
      const holds = (view: CaseView | undefined) =>
        view?.travelDocument?.requestId === input.requestId &&
        view.travelDocument.status === input.outcome &&
        (input.outcome !== 'issued' || view.travelDocument.validUntil === input.validUntil);
      const current = await handle.query(getCaseState).catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      });
      if (holds(current)) return 'already_recorded';
      const country = (await embassyCountryOf(db, input.requestId)) ?? 'unknown';
      try {
        await handle.executeUpdate(caseStepUpdates.recordTravelDocumentOutcome, {
          args: [
            {
              actor: EMBASSY_ACTOR(country),
              requestId: input.requestId,
              outcome: input.outcome,
              validUntil: input.validUntil,
              reason: input.reason,
            },
          ],
        });
        return 'recorded';
      } catch (error) {
        const refused = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure;
        if (!refused && !(error instanceof WorkflowNotFoundError)) throw error;
        // Only a case that is gone reads as gone: any other failure of the query is retried.
        const after = await handle.query(getCaseState).catch((failure: unknown) => {
          if (failure instanceof WorkflowNotFoundError) return undefined;
          throw failure;
        });
        if (holds(after)) return 'already_recorded';
        const reason = refused ? error.cause.message : "the case's workflow is not running";
        return { refused: true, reason, temporary: mayTakeOutcomeLater(after, input.requestId) };
      }
    },

    /** Whether the case still waits on (or travels with) this request: from the case projection in Postgres. */
    async caseTravelDocumentStanding({ caseId, requestId }: { caseId: string; requestId: string }): Promise<{ stage: string; holdsRequest: boolean }> {
      const row = await caseStateOf(db, caseId);
      if (!row) return { stage: 'unknown', holdsRequest: false };
      const current = row.state.travelDocument?.requestId;
      const open = row.stage === 'travel_document' || row.stage === 'ready_to_depart';
      return { stage: row.stage, holdsRequest: open && current === requestId };
    },
  };
}

export type TravelDocumentActivities = ReturnType<typeof createTravelDocumentActivities>;
