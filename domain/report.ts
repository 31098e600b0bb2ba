/**
 * The programme report ("Bilan"): its figure keys, each one's definition in
 * French and English, the report's shape and the checks its figures must pass. The SQL that counts
 * them is in db/queries/report.ts; assembly and rendering in platform/programme-report.ts.
 */

export const REPORT_LANGUAGES = ['fr', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

type Definition = Record<ReportLanguage, string>;

/** The contract's figures, then the extra ones a steering committee asks for, in the order they are shown. */
export const FIGURES = {
  'returns.malians': {
    fr: "Cas du parcours de réintégration (Maliens) dont la date d'arrivée tombe dans la période.",
    en: 'Reintegration-track (Malian) cases whose arrival date is in the period.',
  },
  'returns.nonMalians': {
    fr: 'Cas du parcours de retour (non-Maliens) dont le départ vers leur pays est daté dans la période.',
    en: 'Onward-return (non-Malian) cases whose departure home is dated in the period.',
  },
  'returns.total': {
    fr: 'Retours volontaires assistés : retours de Maliens plus retours de non-Maliens de la période.',
    en: 'Assisted voluntary returns: Malian returns plus non-Malian returns of the period.',
  },
  'returns.second': {
    fr: "Cas arrivés dans la période d'une personne déjà assistée par un cas antérieur (second retour).",
    en: 'Cases arrived in the period of a person an earlier case already assisted (second return).',
  },
  'charters.arrived': {
    fr: "Vols affrétés dont la date d'arrivée tombe dans la période.",
    en: 'Charter flights whose arrival date is in the period.',
  },
  'minors.malian': {
    fr: "Cas maliens arrivés dans la période, âgés de moins de 18 ans (années révolues) à leur date d'arrivée.",
    en: 'Malian cases arrived in the period who were under 18 (completed years) on their arrival date.',
  },
  'minors.nonMalianUnaccompanied': {
    fr: 'Cas non maliens arrivés dans la période et signalés mineurs non accompagnés ou séparés.',
    en: 'Non-Malian cases arrived in the period flagged as unaccompanied or separated minors.',
  },
  'medical.malian': {
    fr: "Cas maliens dont l'accueil, daté dans la période, a enregistré des soins médicaux fournis.",
    en: 'Malian cases whose reception, dated in the period, recorded medical care provided.',
  },
  'medical.nonMalian': {
    fr: "Cas non maliens dont l'accueil, daté dans la période, a enregistré des soins médicaux fournis.",
    en: 'Non-Malian cases whose reception, dated in the period, recorded medical care provided.',
  },
  psychologicalFirstAid: {
    fr: "Cas dont l'accueil, daté dans la période, a enregistré des premiers secours psychologiques.",
    en: 'Cases whose reception, dated in the period, recorded psychological first aid.',
  },
  'counselling.attended': {
    fr: 'Cas distincts ayant eu au moins une séance de conseil tenue dans la période.',
    en: 'Distinct cases with at least one counselling session held in the period.',
  },
  'reintegration.started': {
    fr: "Cas distincts dont l'éligibilité a pris effet dans la période : décision « éligible » sans revue, ou approbation du superviseur qui l'a fait passer à la planification.",
    en: 'Distinct cases whose eligibility took effect in the period: an "eligible" decision needing no review, or the supervisor\'s approval that moved it to planning.',
  },
  'reintegration.beingPrepared': {
    fr: "Parmi les réintégrations commencées, cas non clôturés sans plan approuvé à la fin de la période (assistance en préparation).",
    en: 'Of the reintegrations started, cases not closed and without an approved plan at the end of the period (assistance being prepared).',
  },
  'reintegration.collective': {
    fr: 'Parmi les réintégrations commencées, cas non clôturés dont le plan collectif ou communautaire était approuvé à la fin de la période.',
    en: 'Of the reintegrations started, cases not closed whose collective or community plan was approved by the end of the period.',
  },
  'reintegration.individual': {
    fr: 'Parmi les réintégrations commencées, cas non clôturés dont le plan individuel était approuvé à la fin de la période.',
    en: 'Of the reintegrations started, cases not closed whose individual plan was approved by the end of the period.',
  },
  'reintegration.completed': {
    fr: 'Cas du parcours de réintégration terminés (aide livrée et dernière visite de suivi faite) par une visite ou un paiement daté dans la période.',
    en: 'Reintegration-track cases completed (help delivered and last monitoring visit done) by a visit or payment dated in the period.',
  },
  'planning.medianDaysFromArrivalToApprovedPlan': {
    fr: "Médiane, en jours, du délai entre l'arrivée et l'approbation du plan, pour les plans approuvés dans la période.",
    en: 'Median days from arrival to the approval of the plan, over plans approved in the period.',
  },
  'planning.shareWithinOneMonth': {
    fr: "Pourcentage entier (0 à 100) des plans approuvés dans la période qui l'ont été dans les 30 jours suivant l'arrivée.",
    en: 'Whole percentage (0 to 100) of the plans approved in the period that were approved within 30 days of arrival.',
  },
  'disbursed.xof': {
    fr: 'Somme, en francs CFA (XOF), des paiements de tranches datés dans la période.',
    en: 'Sum, in CFA francs (XOF), of the tranche payments dated in the period.',
  },
  'disbursed.tranches': {
    fr: 'Nombre de tranches payées à des fournisseurs, paiement daté dans la période.',
    en: 'Number of tranches paid to vendors, with a payment dated in the period.',
  },
  'disbursed.cases': {
    fr: 'Cas distincts ayant au moins un paiement de tranche daté dans la période.',
    en: 'Distinct cases with at least one tranche payment dated in the period.',
  },
  'travelDocuments.requested': {
    fr: "Demandes de document de voyage adressées à une ambassade dans la période (hors documents déjà détenus).",
    en: 'Travel-document requests made to an embassy in the period (documents already held excluded).',
  },
  'travelDocuments.issued': {
    fr: "Parmi ces demandes, celles pour lesquelles l'ambassade a délivré un document.",
    en: 'Of those requests, the ones for which the embassy issued a document.',
  },
  'travelDocuments.refused': {
    fr: "Parmi ces demandes, celles que l'ambassade a refusées.",
    en: 'Of those requests, the ones the embassy refused.',
  },
  'travelDocuments.medianDaysToAnswer': {
    fr: "Médiane, en jours (au dixième), du délai entre la demande et la première décision de l'ambassade (délivrance ou refus), sur les demandes de la période ayant reçu une réponse.",
    en: "Median days (to a tenth) from the request to the embassy's first decision (issued or refused), over the period's answered requests.",
  },
  'sustainability.surveyed': {
    fr: 'Cas ayant eu au moins une visite de suivi dans la période.',
    en: 'Cases with at least one monitoring visit in the period.',
  },
  'sustainability.sustainable': {
    fr: "Parmi eux, ceux dont la dernière visite de la période a un score composite au moins égal au seuil configuré.",
    en: "Of those, the ones whose last visit of the period has a composite score at or above the configured threshold.",
  },
  'flowMonitoring.observed': {
    fr: 'Migrants internationaux comptés aux points de suivi des flux les jours de la période (tous points, une personne vue à deux points comptée deux fois).',
    en: 'International migrants counted at the flow-monitoring points on the days of the period (all points; a person seen at two points counts twice).',
  },
} as const satisfies Record<string, Definition>;

export type FigureKey = keyof typeof FIGURES;
export const FIGURE_KEYS = Object.keys(FIGURES) as FigureKey[];

/** Breakdowns: one row per centre, month, region or nationality, each row a figure of its own in the CSV. */
export const BREAKDOWNS = {
  'returns.byMonth': {
    fr: 'Retours par mois (AAAA-MM) : arrivées de Maliens et départs de non-Maliens.',
    en: 'Returns by month (YYYY-MM): Malian arrivals and non-Malian departures.',
  },
  'returns.byCentre': {
    fr: 'Retours de la période par centre du cas : arrivées de Maliens et départs de non-Maliens.',
    en: "Returns of the period by the case's centre: Malian arrivals and non-Malian departures.",
  },
  'returns.malians.byRegion': {
    fr: 'Retours de Maliens de la période par région de résidence envisagée (« unknown » si non renseignée).',
    en: 'Malian returns of the period by intended region of residence ("unknown" when not recorded).',
  },
  'returns.nonMalians.byNationality': {
    fr: 'Retours de non-Maliens de la période par nationalité (code ISO 3166 alpha-3).',
    en: 'Non-Malian returns of the period by nationality (ISO 3166 alpha-3 code).',
  },
  'flowMonitoring.topNationalities': {
    fr: 'Les nationalités les plus comptées aux points de suivi des flux dans la période (code ISO 3166 alpha-3), en nombre de migrants.',
    en: 'The nationalities most counted at the flow-monitoring points in the period (ISO 3166 alpha-3 code), in migrants.',
  },
  'flowMonitoring.topNationalityShares': {
    fr: 'Les mêmes nationalités, en pourcentage entier des migrants comptés dans la période.',
    en: 'The same nationalities, as a whole percentage of the migrants counted in the period.',
  },
} as const satisfies Record<string, Definition>;

export type BreakdownKey = keyof typeof BREAKDOWNS;
export const BREAKDOWN_KEYS = Object.keys(BREAKDOWNS) as BreakdownKey[];

/** What the queries count: a value, and where it applies, women among it or girls and boys among minors. */
export interface Count {
  value: number | null;
  women?: number;
  girls?: number;
  boys?: number;
}

export interface Figure extends Count {
  definition: string;
}

export interface BreakdownRow {
  label: string;
  value: number;
  women?: number;
}

export interface Breakdown {
  definition: string;
  rows: BreakdownRow[];
}

export interface ProgrammeReport {
  period: { from: string; to: string };
  /** The centre asked for; null for every centre the caller sees. */
  centre: string | null;
  lang: ReportLanguage;
  generatedAt: string;
  figures: Record<FigureKey, Figure>;
  breakdowns: Record<BreakdownKey, Breakdown>;
}

const DAY_MS = 86_400_000;

/** A calendar date YYYY-MM-DD that exists (no 2019-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** What is wrong with a period, by parameter; empty when it is a period. */
export function periodProblems(from: string, to: string): { parameter: 'from' | 'to'; message: string }[] {
  const problems: { parameter: 'from' | 'to'; message: string }[] = [];
  if (!isCalendarDate(from)) problems.push({ parameter: 'from', message: 'must be a date such as 2019-03-31' });
  if (!isCalendarDate(to)) problems.push({ parameter: 'to', message: 'must be a date such as 2019-03-31' });
  if (problems.length === 0 && from > to) problems.push({ parameter: 'from', message: `must not be after to (${to})` });
  return problems;
}

/**
 * `[from, to]` with both days included, in the programme's time zone (Africa/Bamako, which is UTC):
 * the half-open instant range `[from 00:00Z, the day after to 00:00Z)`.
 */
export function periodBounds(from: string, to: string): { start: string; end: string } {
  const end = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString();
  return { start: `${from}T00:00:00.000Z`, end };
}

/**
 * Figures that contradict each other mean a query is wrong: the report is not sent with them.
 * Sira's reintegration categories do not overlap (the seed's did, by 110).
 */
export function inconsistencies(f: Record<FigureKey, Count>): string[] {
  const v = (key: FigureKey) => f[key].value ?? 0;
  const found: string[] = [];
  const split = v('reintegration.beingPrepared') + v('reintegration.collective') + v('reintegration.individual');
  if (split > v('reintegration.started')) found.push(`beingPrepared + collective + individual (${split}) exceeds started (${v('reintegration.started')})`);
  if (v('travelDocuments.issued') + v('travelDocuments.refused') > v('travelDocuments.requested')) found.push('issued + refused exceeds requested');
  if (v('sustainability.sustainable') > v('sustainability.surveyed')) found.push('sustainable exceeds surveyed');
  if (v('returns.total') !== v('returns.malians') + v('returns.nonMalians')) found.push('returns.total is not malians + nonMalians');
  for (const key of FIGURE_KEYS) {
    const { value, women, girls, boys } = f[key];
    if (women !== undefined && women > (value ?? 0)) found.push(`${key}: women exceed the value`);
    if (girls !== undefined && boys !== undefined && girls + boys > (value ?? 0)) found.push(`${key}: girls + boys exceed the value`);
  }
  return found;
}
