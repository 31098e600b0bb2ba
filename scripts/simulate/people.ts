import { dateOfBirthFor } from './calendar';
import type { Person, Sex } from './journey';
import type { Programme } from './programme';
import type { Random } from './random';

/** A returnee of the given nationality and sex, `age` years old (and some days) on the day they arrive. */
export function drawPerson(
  rng: Random,
  programme: Programme,
  nationality: string,
  sex: Sex,
  age: number,
  arrivedAt: number,
): Person {
  const names = programme.names[nationality] ?? programme.names[programme.hostCountry];
  return {
    familyName: rng.pick(names.family),
    givenName: rng.pick(names[sex]),
    sex,
    // Born `age` years and up to 364 days before arriving: exactly `age` on the arrival day.
    dateOfBirth: dateOfBirthFor(arrivedAt, age, rng.int(1, 364)),
    nationality,
  };
}

export const drawSex = (rng: Random, womenShare: number): Sex => (rng.chance(womenShare) ? 'F' : 'M');
