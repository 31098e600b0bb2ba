/** Workflow IDs are business keys (DESIGN.md, principle 3), each with its inverse. */

export const caseWorkflowId = (caseId: string): string => `case:${caseId}`;
export const flightWorkflowId = (flightId: string): string => `flight:${flightId}`;
export const travelDocumentWorkflowId = (requestId: string): string => `traveldoc:${requestId}`;

export function caseIdFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith('case:') ? workflowId.slice('case:'.length) : undefined;
}
