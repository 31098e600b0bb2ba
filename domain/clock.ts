/**
 * How far the clocks of officers' devices, the API and the workers may disagree: a date up to this
 * far in the future still counts as now, and a departure this far in the past as not yet gone.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;
