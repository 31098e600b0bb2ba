import {
  BREAKDOWN_KEYS,
  BREAKDOWNS,
  type BreakdownRow,
  FIGURE_KEYS,
  FIGURES,
  inconsistencies,
  periodBounds,
  periodProblems,
  type ProgrammeReport,
  REPORT_LANGUAGES,
} from '../../domain/report';
import { reportCsv, reportHtml } from '../../platform/programme-report';

const CONTRACT_KEYS = [
  'returns.malians', 'returns.nonMalians', 'returns.total', 'charters.arrived', 'minors.malian', 'minors.nonMalianUnaccompanied',
  'medical.malian', 'medical.nonMalian', 'psychologicalFirstAid', 'counselling.attended', 'reintegration.started',
  'reintegration.beingPrepared', 'reintegration.collective', 'reintegration.individual', 'reintegration.completed', 'disbursed.xof',
  'travelDocuments.requested', 'travelDocuments.issued', 'travelDocuments.refused', 'travelDocuments.medianDaysToAnswer',
  'sustainability.surveyed', 'sustainability.sustainable',
];

function aReport(lang: 'fr' | 'en' = 'en'): ProgrammeReport {
  const figures = Object.fromEntries(FIGURE_KEYS.map((key) => [key, { value: 0, definition: FIGURES[key][lang] }])) as ProgrammeReport['figures'];
  figures['returns.malians'] = { value: 12, women: 3, definition: 'Cases, "returned", with a comma\nand a line break.' };
  figures['minors.malian'] = { value: 2, girls: 1, boys: 1, definition: FIGURES['minors.malian'][lang] };
  figures['travelDocuments.medianDaysToAnswer'] = { value: null, definition: FIGURES['travelDocuments.medianDaysToAnswer'][lang] };
  const breakdowns = Object.fromEntries(BREAKDOWN_KEYS.map((key) => [key, { definition: BREAKDOWNS[key][lang], rows: [] as BreakdownRow[] }])) as ProgrammeReport['breakdowns'];
  breakdowns['returns.byCentre'].rows = [{ label: 'BKO-MMEIA', value: 12, women: 3 }];
  breakdowns['returns.byMonth'].rows = [{ label: '2019-01', value: 7, women: 1 }, { label: '2019-02', value: 5, women: 2 }];
  return { period: { from: '2019-01-01', to: '2019-03-31' }, centre: null, lang, generatedAt: '2019-04-01T08:00:00.000Z', figures, breakdowns };
}

/** RFC 4180, read back: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    }
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

test("every figure of the contract is a key, and every key has a one-sentence definition in French and English", () => {
  expect(FIGURE_KEYS).toEqual(expect.arrayContaining(CONTRACT_KEYS));
  for (const definitions of [FIGURES, BREAKDOWNS] as const) {
    for (const [key, byLang] of Object.entries(definitions)) {
      for (const lang of REPORT_LANGUAGES) {
        const text = (byLang as Record<string, string>)[lang];
        expect([key, lang, typeof text === 'string' && text.length > 20 && /[.]$/.test(text)]).toEqual([key, lang, true]);
      }
      expect([key, byLang.fr === byLang.en]).toEqual([key, false]);
    }
  }
});

test('the period includes both days, in UTC, and a bad one names its parameter', () => {
  expect(periodBounds('2019-01-01', '2019-01-31')).toEqual({ start: '2019-01-01T00:00:00.000Z', end: '2019-02-01T00:00:00.000Z' });
  expect(periodProblems('2019-01-01', '2019-01-01')).toEqual([]);
  expect(periodProblems('2019-02-01', '2019-01-31').map((p) => p.parameter)).toEqual(['from']);
  expect(periodProblems('2019-02-30', 'yesterday').map((p) => p.parameter)).toEqual(['from', 'to']);
});

test('overlapping reintegration categories are caught before a report goes out', () => {
  const counts = Object.fromEntries(FIGURE_KEYS.map((key) => [key, { value: 0 }])) as Parameters<typeof inconsistencies>[0];
  counts['reintegration.started'] = { value: 10 };
  counts['reintegration.beingPrepared'] = { value: 5 };
  counts['reintegration.collective'] = { value: 3 };
  counts['reintegration.individual'] = { value: 2 };
  expect(inconsistencies(counts)).toEqual([]);
  counts['reintegration.individual'] = { value: 3 };
  expect(inconsistencies(counts)).toEqual([expect.stringMatching(/exceeds started/)]);
});

test('the CSV has one row per figure and quotes what RFC 4180 says to quote', () => {
  const csv = reportCsv(aReport());
  const rows = parseCsv(csv);
  expect(rows[0]).toEqual(['key', 'value', 'women', 'girls', 'boys', 'definition']);
  expect(rows.slice(1, 1 + FIGURE_KEYS.length).map((r) => r[0])).toEqual(FIGURE_KEYS);
  expect(rows.find((r) => r[0] === 'returns.malians')).toEqual(['returns.malians', '12', '3', '', '', 'Cases, "returned", with a comma\nand a line break.']);
  expect(rows.find((r) => r[0] === 'minors.malian')?.slice(1, 5)).toEqual(['2', '', '1', '1']);
  expect(rows.find((r) => r[0] === 'travelDocuments.medianDaysToAnswer')?.[1]).toBe('');
  expect(rows.find((r) => r[0] === 'returns.byCentre.BKO-MMEIA')?.slice(1, 3)).toEqual(['12', '3']);
  expect(csv).toContain('"Cases, ""returned"", with a comma\nand a line break."');
  expect(rows.every((r) => r.length === 6)).toBe(true);
});

test('the page is in the report’s language, with an inline SVG per chart and no script', () => {
  for (const lang of REPORT_LANGUAGES) {
    const page = reportHtml(aReport(lang));
    expect(page).toContain(`<html lang="${lang}">`);
    expect(page).toContain(lang === 'fr' ? 'Bilan du programme' : 'Programme report');
    expect(page.match(/<svg /g)).toHaveLength(5);
    expect(page).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
    for (const key of FIGURE_KEYS) expect(page).toContain(`<code>${key}</code>`);
    expect(page).toContain('Cases, &quot;returned&quot;');
  }
});
