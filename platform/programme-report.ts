import type { Db } from '../db';
import { flowMonitoringFigures } from '../db/queries/flow-monitoring';
import {
  arrivalFigures,
  charterFigures,
  completionFigures,
  counsellingFigures,
  departureFigures,
  disbursementFigures,
  planningFigures,
  receptionFigures,
  reintegrationFigures,
  returnBreakdowns,
  sustainabilityFigures,
  travelDocumentFigures,
} from '../db/queries/report';
import {
  BREAKDOWN_KEYS,
  BREAKDOWNS,
  type BreakdownRow,
  type Count,
  FIGURE_KEYS,
  type FigureKey,
  FIGURES,
  inconsistencies,
  periodBounds,
  type ProgrammeReport,
  type ReportLanguage,
} from '../domain/report';
import { type Html, html } from './html';

export type { ProgrammeReport };

/**
 * The programme report for a period: every figure of domain/report.ts counted in Postgres, with its
 * definition in the report's language. `centres` limits it to the caller's centres (a supervisor's),
 * `centre` to one of them; neither: the whole programme.
 */
export async function buildProgrammeReport(
  db: Db,
  q: { from: string; to: string; centres?: string[]; centre?: string | null; lang: ReportLanguage },
): Promise<ProgrammeReport> {
  const { start, end } = periodBounds(q.from, q.to);
  const scope = { start, end, centres: q.centre ? [q.centre] : (q.centres ?? null) };
  const groups = await Promise.all(
    [
      arrivalFigures,
      departureFigures,
      charterFigures,
      receptionFigures,
      counsellingFigures,
      reintegrationFigures,
      completionFigures,
      planningFigures,
      disbursementFigures,
      travelDocumentFigures,
      sustainabilityFigures,
    ].map((group) => group(db, scope)),
  );
  const flow = await flowMonitoringFigures(db, { from: q.from, to: q.to });
  const counts = Object.assign({}, ...groups) as Record<FigureKey, Count>;
  // Flow monitoring counts people passing the points, not cases: the same in every centre's report.
  counts['flowMonitoring.observed'] = { value: flow.observed };
  const malians = counts['returns.malians'];
  const nonMalians = counts['returns.nonMalians'];
  counts['returns.total'] = { value: (malians.value ?? 0) + (nonMalians.value ?? 0), women: (malians.women ?? 0) + (nonMalians.women ?? 0) };
  const wrong = inconsistencies(counts);
  if (wrong.length) throw new Error(`the programme report's figures contradict each other: ${wrong.join('; ')}`);
  const returnRows = await returnBreakdowns(db, scope);
  const rows = {
    ...returnRows,
    'flowMonitoring.topNationalities': flow.topNationalities.map((n) => ({ label: n.nationality, value: n.count })),
    'flowMonitoring.topNationalityShares': flow.topNationalities.map((n) => ({ label: n.nationality, value: Math.round(n.share * 100) })),
  };
  return {
    period: { from: q.from, to: q.to },
    centre: q.centre ?? null,
    lang: q.lang,
    generatedAt: new Date().toISOString(),
    figures: Object.fromEntries(FIGURE_KEYS.map((key) => [key, { ...counts[key], definition: FIGURES[key][q.lang] }])) as ProgrammeReport['figures'],
    breakdowns: Object.fromEntries(BREAKDOWN_KEYS.map((key) => [key, { definition: BREAKDOWNS[key][q.lang], rows: rows[key] }])) as ProgrammeReport['breakdowns'],
  };
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
const csvField = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One row per figure (breakdown rows as `<breakdown>.<label>`), for spreadsheets: UTF-8, CRLF lines. */
export function reportCsv(report: ProgrammeReport): string {
  const lines = [['key', 'value', 'women', 'girls', 'boys', 'definition']];
  for (const key of FIGURE_KEYS) {
    const f = report.figures[key];
    lines.push([key, f.value, f.women, f.girls, f.boys, f.definition].map(csvField));
  }
  for (const key of BREAKDOWN_KEYS) {
    const b = report.breakdowns[key];
    for (const row of b.rows) lines.push([`${key}.${row.label}`, row.value, row.women, '', '', b.definition].map(csvField));
  }
  return lines.map((line) => line.join(',')).join('\r\n') + '\r\n';
}

const TEXTS = {
  fr: {
    title: 'Bilan du programme',
    period: (from: string, to: string) => `Du ${from} au ${to} inclus (heure de Bamako, UTC)`,
    centre: 'Centre :',
    allCentres: 'Tous les centres',
    generated: 'Établi le',
    figure: 'Chiffre',
    value: 'Valeur',
    women: 'Femmes',
    girls: 'Filles',
    boys: 'Garçons',
    definition: 'Définition',
    none: 'aucune donnée',
    charts: {
      byMonth: 'Retours par mois',
      byCentre: 'Retours par centre',
      reintegration: 'Réintégration',
      byRegion: 'Retours de Maliens par région de résidence',
      byNationality: 'Retours de non-Maliens par nationalité',
    },
    reintegration: { started: 'commencées', beingPrepared: 'en préparation', collective: 'projet collectif', individual: 'projet individuel', completed: 'terminées' },
    breakdowns: 'Ventilations',
    note:
      "Les catégories « en préparation », « projet collectif » et « projet individuel » ne se recoupent pas : leur somme ne dépasse jamais les réintégrations commencées (les cas clôturés après l'éligibilité n'entrent dans aucune). Le bilan initial du programme (2 522 + 1 054 + 1 468 = 5 044 pour 4 934) comptait 110 cas deux fois ; une comparaison avec ses chiffres doit en tenir compte.",
    locale: 'fr-FR',
  },
  en: {
    title: 'Programme report',
    period: (from: string, to: string) => `From ${from} to ${to} inclusive (Bamako time, UTC)`,
    centre: 'Centre:',
    allCentres: 'All centres',
    generated: 'Generated on',
    figure: 'Figure',
    value: 'Value',
    women: 'Women',
    girls: 'Girls',
    boys: 'Boys',
    definition: 'Definition',
    none: 'no data',
    charts: {
      byMonth: 'Returns by month',
      byCentre: 'Returns by centre',
      reintegration: 'Reintegration',
      byRegion: 'Malian returns by region of residence',
      byNationality: 'Non-Malian returns by nationality',
    },
    reintegration: { started: 'started', beingPrepared: 'being prepared', collective: 'collective project', individual: 'individual project', completed: 'completed' },
    breakdowns: 'Breakdowns',
    note:
      'The categories "being prepared", "collective project" and "individual project" do not overlap: together they never exceed the reintegrations started (cases closed after eligibility are in none). The programme\'s first report (2,522 + 1,054 + 1,468 = 5,044 for 4,934) counted 110 cases twice; a comparison with its figures must allow for that.',
    locale: 'en-GB',
  },
} as const;

const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const LABEL_WIDTH = 170;
const BAR_SPACE = 360;
const CHART_WIDTH = LABEL_WIDTH + BAR_SPACE + 80;

/**
 * A horizontal bar chart as inline SVG, styled by attributes only: it prints, needs no script and
 * sits under the API's Content-Security-Policy as it is.
 */
function barChart(title: string, rows: BreakdownRow[], format: (n: number) => string, empty: string): Html {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const height = 28 + Math.max(1, rows.length) * (BAR_HEIGHT + BAR_GAP);
  const bars = rows.map((r, i) => {
    const y = 28 + i * (BAR_HEIGHT + BAR_GAP);
    const width = Math.round((r.value / max) * BAR_SPACE);
    return html`<g><text x="${LABEL_WIDTH - 8}" y="${y + 13}" text-anchor="end" font-size="12" fill="#222">${r.label}</text><rect x="${LABEL_WIDTH}" y="${y}" width="${width}" height="${BAR_HEIGHT}" fill="#1f6f8b"></rect><text x="${LABEL_WIDTH + width + 6}" y="${y + 13}" font-size="12" fill="#222">${format(r.value)}</text></g>`;
  });
  const nothing = rows.length ? '' : html`<text x="${LABEL_WIDTH}" y="41" font-size="12" fill="#666">${empty}</text>`;
  return html`<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${title}" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}"><title>${title}</title><text x="0" y="16" font-size="14" font-weight="bold" fill="#111">${title}</text>${bars}${nothing}</svg></figure>`;
}

/** A printable page in the report's language: the figures with their definitions, then the charts. */
export function reportHtml(report: ProgrammeReport): string {
  const t = TEXTS[report.lang];
  const number = new Intl.NumberFormat(t.locale, { maximumFractionDigits: 1 });
  const show = (v: number | null | undefined) => (v === null || v === undefined ? '' : number.format(v));
  const f = report.figures;
  const reintegration: BreakdownRow[] = (['started', 'beingPrepared', 'collective', 'individual', 'completed'] as const).map((k) => ({
    label: t.reintegration[k],
    value: f[`reintegration.${k}`].value ?? 0,
  }));
  const b = report.breakdowns;
  const charts = [
    barChart(t.charts.byMonth, b['returns.byMonth'].rows, show, t.none),
    barChart(t.charts.byCentre, b['returns.byCentre'].rows, show, t.none),
    barChart(t.charts.reintegration, reintegration, show, t.none),
    barChart(t.charts.byRegion, b['returns.malians.byRegion'].rows, show, t.none),
    barChart(t.charts.byNationality, b['returns.nonMalians.byNationality'].rows, show, t.none),
  ];
  const figureRows = FIGURE_KEYS.map((key) => {
    const x = f[key];
    return html`<tr><th scope="row"><code>${key}</code></th><td class="n">${show(x.value)}</td><td class="n">${show(x.women)}</td><td class="n">${show(x.girls)}</td><td class="n">${show(x.boys)}</td><td>${x.definition}</td></tr>`;
  });
  const breakdownRows = BREAKDOWN_KEYS.map(
    (key) => html`<tr><th scope="row"><code>${key}</code></th><td>${b[key].rows.map((r) => `${r.label}: ${show(r.value)}`).join(' · ') || t.none}</td><td>${b[key].definition}</td></tr>`,
  );
  const generated = new Date(report.generatedAt).toISOString().slice(0, 16).replace('T', ' ');
  return html`<!doctype html>
<html lang="${report.lang}">
<head>
<meta charset="utf-8">
<title>${t.title} ${report.period.from} – ${report.period.to}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure.chart { margin: 0; break-inside: avoid; }
@media print { body { margin: 1cm; } .charts { display: block; } }
</style>
</head>
<body>
<h1>${t.title}</h1>
<p>${t.period(report.period.from, report.period.to)} · ${t.centre} ${report.centre ?? t.allCentres} · ${t.generated} ${generated} UTC</p>
<section class="charts">${charts}</section>
<table>
<thead><tr><th>${t.figure}</th><th>${t.value}</th><th>${t.women}</th><th>${t.girls}</th><th>${t.boys}</th><th>${t.definition}</th></tr></thead>
<tbody>${figureRows}</tbody>
</table>
<h2>${t.breakdowns}</h2>
<table><tbody>${breakdownRows}</tbody></table>
<p>${t.note}</p>
</body>
</html>
`.value;
}
