/**
 * Workflow IDs are business keys, so that starting twice finds the running workflow instead of a
 * second one; each has its inverse, for lists read from Temporal's visibility.
 */

const CASE = 'case:';
const FLIGHT = 'flight:';
const TRAVEL_DOCUMENT = 'traveldoc:';
const ERASURE = 'erasure:';

export const caseWorkflowId = (caseId: string): string => `${CASE}${caseId}`;
export const flightWorkflowId = (flightId: string): string => `${FLIGHT}${flightId}`;
export const travelDocumentWorkflowId = (requestId: string): string => `${TRAVEL_DOCUMENT}${requestId}`;
/** One erasure per case: a second request finds the first (running, or done). */
export const erasureWorkflowId = (caseId: string): string => `${ERASURE}${caseId}`;

const keyAfter = (prefix: string, workflowId: string): string | undefined =>
  workflowId.startsWith(prefix) ? workflowId.slice(prefix.length) : undefined;

export const caseIdFromWorkflowId = (workflowId: string): string | undefined => keyAfter(CASE, workflowId);
export const flightIdFromWorkflowId = (workflowId: string): string | undefined => keyAfter(FLIGHT, workflowId);
export const requestIdFromWorkflowId = (workflowId: string): string | undefined => keyAfter(TRAVEL_DOCUMENT, workflowId);
export const caseIdFromErasureWorkflowId = (workflowId: string): string | undefined => keyAfter(ERASURE, workflowId);
