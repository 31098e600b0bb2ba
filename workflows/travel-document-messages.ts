import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/case-state';
import type { LiaisonAnswer, TravelDocumentState } from '../domain/travel-document';

/** The embassy's answer through its signed link: `round` is the link's, so an old link cannot answer a renewal. */
export const answerTravelDocumentRequest = defineUpdate<TravelDocumentState, [{ answer: LiaisonAnswer; round: number }]>(
  'answerTravelDocumentRequest',
);

/** An officer withdraws a request the embassy has not answered (the person withdrew, the case closed). */
export const cancelTravelDocumentRequest = defineUpdate<TravelDocumentState, [{ actor: Actor; reason: string }]>(
  'cancelTravelDocumentRequest',
);

export const getTravelDocumentState = defineQuery<TravelDocumentState>('getState');
