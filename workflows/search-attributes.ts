import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes that let managers find stuck work in the Temporal UI. They hold codes and
 * flags only: never a name, a date of birth or a phone number.
 */
export const CaseStage = defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD);
export const CaseDueAt = defineSearchAttributeKey('CaseDueAt', SearchAttributeType.DATETIME);
export const CaseOverdue = defineSearchAttributeKey('CaseOverdue', SearchAttributeType.BOOL);
/** The open task's key (`planning:plan`, `eligibility:exception-approval`, …): what the case waits for. */
export const CaseOpenTask = defineSearchAttributeKey('CaseOpenTask', SearchAttributeType.KEYWORD);
export const CaseSuspended = defineSearchAttributeKey('CaseSuspended', SearchAttributeType.BOOL);
export const CaseCentre = defineSearchAttributeKey('CaseCentre', SearchAttributeType.KEYWORD);
export const CaseNationality = defineSearchAttributeKey('CaseNationality', SearchAttributeType.KEYWORD);
export const CaseTrack = defineSearchAttributeKey('CaseTrack', SearchAttributeType.KEYWORD);
export const CaseMinor = defineSearchAttributeKey('CaseMinor', SearchAttributeType.BOOL);
export const CaseOfficer = defineSearchAttributeKey('CaseOfficer', SearchAttributeType.KEYWORD);
export const FlightId = defineSearchAttributeKey('FlightId', SearchAttributeType.KEYWORD);
export const FlightStatus = defineSearchAttributeKey('FlightStatus', SearchAttributeType.KEYWORD);
export const TravelDocStatus = defineSearchAttributeKey('TravelDocStatus', SearchAttributeType.KEYWORD);

/**
 * The dev server's SQLite visibility holds at most 3 Bool (and 3 Datetime, 10 Keyword) custom
 * attributes, so flights and travel documents flag lateness with the shared CaseOverdue key
 * (`CaseOverdue = true` finds every overdue work item; WorkflowType tells which kind).
 */
export const TravelDocOverdue = CaseOverdue;
export const FlightOverdue = CaseOverdue;
/**
 * The same holds for due dates (3 Datetime): a flight is due to depart, a request's answer is due
 * from its embassy, by CaseDueAt (`CaseDueAt < "<now>"` finds every piece of work past its date).
 */
export const TravelDocDueAt = CaseDueAt;
export const FlightDueAt = CaseDueAt;

/** Every key Sira upserts; the dev stack and the tests register exactly these. */
export const SIRA_SEARCH_ATTRIBUTES = [
  CaseStage,
  CaseDueAt,
  CaseOverdue,
  CaseSuspended,
  CaseCentre,
  CaseNationality,
  CaseTrack,
  CaseMinor,
  CaseOfficer,
  FlightId,
  FlightStatus,
  TravelDocStatus,
  CaseOpenTask,
];

/** Custom attributes per type that every supported visibility store (SQLite included) accepts. */
export const SEARCH_ATTRIBUTE_LIMITS: Partial<Record<string, number>> = {
  [SearchAttributeType.BOOL]: 3,
  [SearchAttributeType.DATETIME]: 3,
  [SearchAttributeType.KEYWORD]: 10,
  [SearchAttributeType.INT]: 3,
  [SearchAttributeType.DOUBLE]: 3,
  [SearchAttributeType.TEXT]: 3,
};

const CLI_TYPE: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.DOUBLE]: 'Double',
};

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function searchAttributeFlags(): string[] {
  return SIRA_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`]);
}
