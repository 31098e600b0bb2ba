import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { isNotificationSent } from '../db/queries/notifications';
import { liaisonFacts } from '../db/queries/travel-documents';
import type { Actor } from '../domain/case-state';
import { messageKey, messageKeyPrefix } from '../domain/travel-document';
import { travelDocumentWorkflowId } from '../workflows/ids';
import { cancelTravelDocumentRequest } from '../workflows/travel-document-messages';
import type { ActivityDeps } from './case-activities';
import { sendOnce } from './outbox';
import { withdrawalMail } from './templates/travel-document-mail';

/** Activities of a consent withdrawal (the case's `withdrawConsent` step). */
export function createConsentActivities({ db, mailer, temporal }: ActivityDeps) {
  return {
    /**
     * The person withdrew their consent: their request stops chasing the embassy (cancelled), and an
     * embassy that was sent the request is told it is withdrawn, once (outbox key `…:withdrawn`).
     * A request the embassy already answered, or one that ended, is left as it is and not mailed about.
     */
    async withdrawTravelDocumentRequest({ caseId, requestId, actor }: { caseId: string; requestId: string; actor: Actor }): Promise<'withdrawn' | 'not_open'> {
      await temporal.workflow
        .getHandle(travelDocumentWorkflowId(requestId))
        .executeUpdate(cancelTravelDocumentRequest, {
          args: [{ actor, reason: 'the person withdrew their consent' }],
          updateId: `consent-withdrawal:${caseId}`,
        })
        .catch((error: unknown) => {
          const refused = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure;
          if (!refused && !(error instanceof WorkflowNotFoundError)) throw error;
        });
      const facts = await liaisonFacts(db, requestId);
      if (!facts || facts.status !== 'cancelled' || !facts.embassy) return 'not_open';
      // Only an embassy that received the request (or its renewal) has anything to stop.
      if (!(await isNotificationSent(db, messageKey(requestId, { kind: 'request', round: facts.round })))) return 'withdrawn';
      await sendOnce(db, mailer, {
        key: `${messageKeyPrefix(requestId)}:withdrawn`,
        kind: 'traveldoc_withdrawn',
        caseId,
        to: facts.embassy.liaisonEmail,
        ...withdrawalMail(facts),
      });
      return 'withdrawn';
    },
  };
}

export type ConsentActivities = ReturnType<typeof createConsentActivities>;
