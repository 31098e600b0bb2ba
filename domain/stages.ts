/** The stages of a returnee's case and the two tracks that order them (README, Rules). */

export const TRACKS = ['reintegration', 'onward_return'] as const;
export type Track = (typeof TRACKS)[number];

export const STAGES = [
  'registered',
  'received',
  'counselling',
  'eligibility',
  'planning',
  'disbursing',
  'monitoring',
  'travel_document',
  'ready_to_depart',
  'completed',
  'closed',
] as const;
export type Stage = (typeof STAGES)[number];

export const TERMINAL_STAGES: readonly Stage[] = ['completed', 'closed'];

export function isTerminal(stage: Stage): boolean {
  return TERMINAL_STAGES.includes(stage);
}

export const CLOSURE_REASONS = [
  'completed',
  'ineligible',
  'withdrew',
  'unreachable',
  're_migrated',
  'deceased',
  'moved_away',
  'programme_ended',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

/**
 * Reasons an officer may close a case for. `completed` is reached by completing the journey, and
 * `ineligible` by an eligibility decision a supervisor confirms, never by a closure.
 */
export const MANUAL_CLOSURE_REASONS = ['withdrew', 'unreachable', 're_migrated', 'deceased', 'moved_away', 'programme_ended'] as const satisfies readonly ClosureReason[];

/** Facts that close a case even while it is suspended: a hold freezes commitments, not facts. */
export const CLOSURES_DURING_HOLD: readonly ClosureReason[] = ['deceased', 'withdrew'];

export function trackFor(nationality: string, hostCountry: string): Track {
  return nationality === hostCountry ? 'reintegration' : 'onward_return';
}
