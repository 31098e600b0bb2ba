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

/**
 * The case's planned departure moved: the request follows it, and whether its document lapses before
 * the departure is worked out again. Refused (409) once the request is cancelled, refused or expired,
 * and (422) for a day already past; moving to the day already planned changes nothing.
 */
export const movePlannedDeparture = defineUpdate<TravelDocumentState, [{ actor: Actor; plannedDeparture: string }]>('movePlannedDeparture');

export const getTravelDocumentState = defineQuery<TravelDocumentState>('getState');
