import fc from 'fast-check';

/**
 * Generated input for the input rule's properties (issue 9): strings that may hold a NUL or a lone
 * UTF-16 surrogate anywhere, JSON bodies made of them, and date-times whose parts stray out of range.
 */

/** Independent of the rule's regex: UTF-8 cannot carry a lone surrogate, and Postgres text cannot carry NUL. */
export const oracleUnstorable = (s: string) => Buffer.from(s, 'utf8').toString('utf8') !== s || s.includes('\0');

const HIGH = fc.integer({ min: 0xd800, max: 0xdbff }).map((c) => String.fromCharCode(c));
const LOW = fc.integer({ min: 0xdc00, max: 0xdfff }).map((c) => String.fromCharCode(c));

/**
 * One unit of a string: any code point, or NUL, or half of a surrogate pair on its own. Two adjacent
 * halves in the right order make a valid pair, so well-formed astral characters arise as well.
 */
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff') },
  { weight: 1, arbitrary: HIGH },
  { weight: 1, arbitrary: LOW },
  { weight: 1, arbitrary: fc.constantFrom('\ud83d\ude00', 'é', 'ߐ', '\ufffd') },
);

/** Any string, storable or not (about two in three are not). */
export const anyString = fc.string({ unit, maxLength: 24 });

/** Well-formed Unicode without NUL. */
export const storableString = fc.string({ unit: 'binary', maxLength: 16 }).map((s) => s.split('\u0000').join(''));

export const POISONS = ['\u0000', '\ud800', '\udfff'] as const;

/** A string certain to be refused: storable text with one poison inserted somewhere. */
export const poisonString = fc.tuple(storableString, fc.constantFrom(...POISONS), fc.nat()).map(([s, poison, at]) => {
  const chars = Array.from(s); // by code point, so the poison never splits a valid pair
  const i = at % (chars.length + 1);
  return [...chars.slice(0, i), poison, ...chars.slice(i)].join('');
});

/** A JSON value whose strings and field names may hold poison anywhere. */
export const { tree: jsonTree } = fc.letrec<{ tree: unknown; leaf: unknown }>((tie) => ({
  leaf: fc.oneof({ weight: 4, arbitrary: anyString }, fc.integer(), fc.boolean(), fc.constant(null)),
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.array(tie('tree'), { maxLength: 4 }),
    fc
      .uniqueArray(fc.tuple(anyString, tie('tree')), { maxLength: 4, selector: ([k]) => k })
      // fromEntries defines own properties, so a key such as "__proto__" is a field like any other.
      .map((entries) => Object.fromEntries(entries)),
  ),
}));

/** A JSON object body with at least one poisoned string, under a generated field name. */
export const poisonedBody: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.dictionary(anyString, jsonTree, { maxKeys: 5 }), anyString, poisonString)
  .map(([rest, key, poison]) => ({ ...rest, ...Object.fromEntries([[key, poison]]) }));

// ---------------------------------------------------------------------------------------------
// Dates and date-times

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
export const daysIn = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

export interface DateTimeParts extends DateParts {
  hour: number;
  minute: number;
  second: number;
  /** "" or "." and 1–9 digits */
  fraction: string;
  /** undefined: "Z" */
  offset?: { sign: '+' | '-'; hours: number; minutes: number };
}

/** Parts drawn a little beyond their ranges (year 0000–9999, month 13, hour 24, offset +24:60…). */
const year = fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1895, max: 2105 }), fc.constantFrom(1, 1899, 1900, 2100, 2101));
const month = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 13));
const day = fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constantFrom(0, 32, 28, 29, 30));
const fraction = fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,9}$/));

export const dateParts: fc.Arbitrary<DateParts> = fc.record({ year, month, day });

export const dateTimeParts: fc.Arbitrary<DateTimeParts> = fc.record({
  year,
  month,
  day,
  hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constant(24)),
  minute: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constant(60)),
  second: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constant(60)),
  fraction,
  offset: fc.option(
    fc.record({
      sign: fc.constantFrom('+' as const, '-' as const),
      hours: fc.oneof(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 23 }), fc.constantFrom(14, 15, 16, 24)),
      minutes: fc.oneof(fc.constantFrom(0, 30, 45), fc.integer({ min: 0, max: 59 }), fc.constant(60)),
    }),
    { nil: undefined },
  ),
});

/** Well-formed date-times near Sira's years and offsets, most of which the rule accepts. */
export const wellFormedDateTimeParts: fc.Arbitrary<DateTimeParts> = fc
  .record({ year: fc.integer({ min: 1890, max: 2110 }), month: fc.integer({ min: 1, max: 12 }) })
  .chain(({ year, month }) =>
    fc.record({
      year: fc.constant(year),
      month: fc.constant(month),
      day: fc.integer({ min: 1, max: daysIn(year, month) }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
      fraction,
      offset: fc.option(
        fc.record({ sign: fc.constantFrom('+' as const, '-' as const), hours: fc.integer({ min: 0, max: 15 }), minutes: fc.integer({ min: 0, max: 59 }) }),
        { nil: undefined },
      ),
    }),
  );

export const dateText = (p: DateParts) => `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
export const dateTimeText = (p: DateTimeParts) =>
  `${dateText(p)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${p.fraction}` +
  (p.offset ? `${p.offset.sign}${pad(p.offset.hours)}:${pad(p.offset.minutes)}` : 'Z');

export const isCalendarDate = (p: DateParts) => p.month >= 1 && p.month <= 12 && p.day >= 1 && p.day <= daysIn(p.year, p.month);
export const offsetMinutes = (p: DateTimeParts) => (p.offset ? (p.offset.sign === '-' ? -1 : 1) * (p.offset.hours * 60 + p.offset.minutes) : 0);

/** The instant the parts name, in milliseconds, computed without parsing text. */
export function instantOf(p: DateTimeParts): number {
  const at = new Date(0);
  at.setUTCFullYear(p.year, p.month - 1, p.day);
  // Date keeps milliseconds and drops the digits after them.
  at.setUTCHours(p.hour, p.minute, p.second, Number(`${p.fraction.slice(1)}000`.slice(0, 3)));
  return at.getTime() - offsetMinutes(p) * 60_000;
}
