import fc from 'fast-check';
import { IsoDate, IsoDateTime } from '../../api/schemas/common';
import { findUnstorable, storableCopy, unstorableReason } from '../../platform/storable';
import {
  anyString,
  dateParts,
  type DateParts,
  dateText,
  dateTimeParts,
  dateTimeText,
  instantOf,
  isCalendarDate,
  jsonTree,
  offsetMinutes,
  oracleUnstorable,
  poisonString,
  storableString,
  wellFormedDateTimeParts,
} from '../support/input-arbitraries';

/**
 * The input rule (issue 9): a string Postgres cannot keep (NUL, lone UTF-16 surrogate) and a date
 * Postgres or Sira cannot use (offset beyond ±14:00, year outside 1900–2100) are refused at the edge.
 * These properties compare the rule with independent oracles over generated input.
 */

describe('which strings can be stored', () => {
  test('unstorableReason refuses exactly the strings with a NUL or a lone surrogate', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expect(unstorableReason(s) !== undefined).toBe(oracleUnstorable(s));
      }),
      { numRuns: 2000 },
    );
  });

  test('the poison values of issue 9 are refused and their well-formed neighbours kept', () => {
    expect(unstorableReason('a\u0000b')).toMatch(/NUL/);
    expect(unstorableReason('\ud800x')).toMatch(/lone surrogate/);
    expect(unstorableReason('x\udfff')).toMatch(/lone surrogate/);
    expect(unstorableReason('\udfff\ud800')).toMatch(/lone surrogate/);
    expect(unstorableReason('\ud83d\ude00 Traoré')).toBeUndefined();
  });

  test('a poison inserted anywhere in storable text is found', () => {
    fc.assert(
      fc.property(poisonString, (s) => {
        expect(oracleUnstorable(s)).toBe(true);
        expect(findUnstorable(s)).toEqual([{ path: '(root)', message: expect.any(String) }]);
      }),
      { numRuns: 500 },
    );
  });

  test('storableCopy always yields a storable string of the same length, and leaves storable strings alone', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const copy = storableCopy(s);
        expect(oracleUnstorable(copy)).toBe(false);
        expect(unstorableReason(copy)).toBeUndefined();
        // One replacement character per refused code unit: an audit row still shows where it was.
        expect(copy.length).toBe(s.length);
        if (!oracleUnstorable(s)) expect(copy).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

type Segment = { key: string } | { index: number };

/** `value` placed at `path` inside containers padded with storable siblings. */
function placeAt(path: Segment[], value: unknown, sibling: string): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const inner = placeAt(rest, value, sibling);
  if ('index' in head) return [...Array.from({ length: head.index }, () => sibling), inner, sibling];
  // fromEntries defines own properties, so a key such as "__proto__" is a field like any other.
  return Object.fromEntries([
    [`${head.key}~`, sibling],
    [head.key, inner],
  ]);
}

const segment: fc.Arbitrary<Segment> = fc.oneof(
  storableString.map((key) => ({ key })),
  fc.nat({ max: 3 }).map((index) => ({ index })),
);

/** The oracle's own walk: every refused string's dotted path, a refused key stopping the walk below it. */
function oraclePaths(value: unknown, path: string[] = []): string[] {
  const here = (p: string[]) => p.join('.') || '(root)';
  if (typeof value === 'string') return oracleUnstorable(value) ? [here(path)] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => oraclePaths(item, [...path, String(i)]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => (oracleUnstorable(key) ? [here([...path, '(key)'])] : oraclePaths(item, [...path, key])));
  }
  return [];
}

describe('where in a body the refused strings are', () => {
  test('one poison placed anywhere in a storable structure is named by its dotted path, and only it', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), poisonString, storableString, (path, poison, sibling) => {
        const body = placeAt(path, poison, sibling);
        const expected = path.map((s) => ('key' in s ? s.key : String(s.index))).join('.') || '(root)';
        expect(findUnstorable(body).map((f) => f.path)).toEqual([expected]);
      }),
      { numRuns: 1000 },
    );
  });

  test('a body or query prefix is put in front of every path', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), poisonString, (path, poison) => {
        const [found] = findUnstorable(placeAt(path, poison, 'ok'), ['query']);
        expect(found.path).toBe(['query', ...path.map((s) => ('key' in s ? s.key : String(s.index)))].join('.'));
      }),
    );
  });

  test('in any tree, exactly the strings and keys the oracle refuses are reported, in document order', () => {
    fc.assert(
      fc.property(jsonTree, (body) => {
        expect(findUnstorable(body).map((f) => f.path)).toEqual(oraclePaths(body));
      }),
      { numRuns: 1000 },
    );
  });

  test('a refused field name is reported as such', () => {
    expect(findUnstorable({ person: { 'family\u0000Name': 'Traoré' } })).toEqual([
      { path: 'person.(key)', message: expect.stringMatching(/^a field name must not contain a NUL/) },
    ]);
  });
});

const inSiraYears = (p: DateParts) => p.year >= 1900 && p.year <= 2100;

describe('which dates and date-times are accepted', () => {
  test('IsoDateTime accepts exactly well-formed date-times of 1900–2100 with an offset within ±14:00', () => {
    fc.assert(
      fc.property(dateTimeParts, (p) => {
        const text = dateTimeText(p);
        const wellFormed = isCalendarDate(p) && p.hour <= 23 && p.minute <= 59 && p.second <= 59 && (!p.offset || p.offset.minutes <= 59);
        const expected = wellFormed && inSiraYears(p) && Math.abs(offsetMinutes(p)) <= 14 * 60;
        expect([text, IsoDateTime.safeParse(text).success]).toEqual([text, expected]);
      }),
      { numRuns: 3000 },
    );
  });

  test('whatever IsoDateTime accepts, Date parses to a finite time, the very instant it names', () => {
    fc.assert(
      fc.property(fc.oneof(wellFormedDateTimeParts, dateTimeParts), (p) => {
        const text = dateTimeText(p);
        fc.pre(IsoDateTime.safeParse(text).success);
        const parsed = new Date(text).getTime();
        expect(Number.isFinite(parsed)).toBe(true);
        expect(parsed).toBe(instantOf(p));
      }),
      { numRuns: 3000 },
    );
  });

  test('IsoDate accepts exactly the calendar dates of 1900–2100, each parsing to a finite time', () => {
    fc.assert(
      fc.property(dateParts, (p) => {
        const text = dateText(p);
        const accepted = IsoDate.safeParse(text).success;
        expect([text, accepted]).toEqual([text, isCalendarDate(p) && inSiraYears(p)]);
        if (accepted) expect(new Date(text).toISOString().slice(0, 10)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  test('the date poison of issue 9 is refused with a message naming the rule', () => {
    const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message) ?? [];
    expect(messages(IsoDateTime.safeParse('2026-11-20T10:00:00+23:59'))).toEqual(['must have a UTC offset between -14:00 and +14:00']);
    expect(messages(IsoDateTime.safeParse('0001-01-01T00:00:00Z'))).toEqual(['must fall between the years 1900 and 2100']);
    expect(messages(IsoDate.safeParse('0001-01-01'))).toEqual(['must fall between the years 1900 and 2100']);
    expect(IsoDateTime.safeParse('2026-11-20T10:00:00+14:00').success).toBe(true);
    expect(IsoDateTime.safeParse('2026-11-20T10:00:00-14:00').success).toBe(true);
  });
});
