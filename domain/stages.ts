/** The stages of a returnee's case (DOMAIN.md) and the two tracks that order them. */

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

export function trackFor(nationality: string, hostCountry: string): Track {
  return nationality === hostCountry ? 'reintegration' : 'onward_return';
}
