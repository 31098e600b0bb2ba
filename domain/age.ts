/**
 * Age in calendar years, as a birth certificate counts it: someone born on 2000-01-01 turns 18 on
 * 2018-01-01, not on 2017-12-31 as 365.25-day years would have it.
 */

const parts = (isoDate: string) => {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  return { y, m, d };
};

/** Completed years of age on a given date (`on` may be a date or a date-time; its UTC day counts). */
export function ageOn(dateOfBirth: string, on: string | number): number {
  const birth = parts(dateOfBirth);
  const day = new Date(on).toISOString().slice(0, 10);
  const at = parts(day);
  const hadBirthday = at.m > birth.m || (at.m === birth.m && at.d >= birth.d);
  return at.y - birth.y - (hadBirthday ? 0 : 1);
}

/**
 * The day a person turns `years` old (YYYY-MM-DD). Someone born on 29 February comes of age on
 * 1 March in a common year.
 */
export function birthdayOfAge(dateOfBirth: string, years: number): string {
  const birth = parts(dateOfBirth);
  const date = new Date(Date.UTC(birth.y + years, birth.m - 1, birth.d));
  return date.toISOString().slice(0, 10);
}

export const AGE_OF_MAJORITY = 18;

/** The 18th birthday: the only trace of the date of birth a minor's case keeps in its workflow. */
export const adultOn = (dateOfBirth: string): string => birthdayOfAge(dateOfBirth, AGE_OF_MAJORITY);

export const isMinorOn = (dateOfBirth: string, on: string | number): boolean => ageOn(dateOfBirth, on) < AGE_OF_MAJORITY;
