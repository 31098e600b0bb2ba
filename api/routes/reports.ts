import { centreSupervisorOf } from '../../db/queries/reference';
import { periodProblems } from '../../domain/report';
import { buildProgrammeReport, reportCsv, reportHtml } from '../../platform/programme-report';
import { type Caller, seesAllCentres } from '../auth';
import { problem } from '../problem';
import { route } from '../route';
import { ProgrammeReportQuery, ProgrammeReportSchema } from '../schemas/reports';

/**
 * Which centres a caller's report counts. Managers and admins see the programme (or the centre they
 * name); a supervisor sees their own centres, and naming another is refused outright: a centre code
 * is reference data, so the 403 leaks nothing a 404 would hide.
 */
async function reportScope(deps: { db: Parameters<typeof centreSupervisorOf>[0] }, caller: Caller, centre: string | undefined) {
  if (centre && !(await centreSupervisorOf(deps.db, centre))) throw problem(404, `no centre ${centre}`);
  if (seesAllCentres(caller)) return { centre: centre ?? null };
  if (centre && !caller.centres.includes(centre)) throw problem(403, `centre ${centre} is not one of yours`);
  const only = centre ?? (caller.centres.length === 1 ? caller.centres[0] : null);
  return { centre: only, centres: caller.centres };
}

// Counts only, no personal data: the report writes no audit row.
export const reportRoutes = [
  route({
    method: 'get',
    path: '/v1/reports/programme',
    summary: 'Read the programme report',
    tag: 'reports',
    roles: ['supervisor', 'manager', 'admin'],
    audit: false,
    query: ProgrammeReportQuery,
    responses: {
      200: {
        description:
          'The programme figures for the period, each with its definition: JSON, CSV (`format=csv`, one row per figure) or a printable HTML page with charts (`format=html`)',
        schema: ProgrammeReportSchema,
      },
      403: { description: "A supervisor named a centre that is not theirs, or the role may not read the report" },
      404: { description: 'No such centre' },
      422: { description: 'A bad period: a date that does not exist, or `from` after `to`; `errors` names the parameter' },
    },
    async handler({ query, caller, deps }) {
      const bad = periodProblems(query.from, query.to);
      if (bad.length) {
        throw problem(422, `Invalid period: ${bad.map((p) => `${p.parameter}: ${p.message}`).join('; ')}`, {
          errors: bad.map((p) => ({ path: `query.${p.parameter}`, message: p.message })),
        });
      }
      const scope = await reportScope(deps, caller, query.centre);
      const report = await buildProgrammeReport(deps.db, { from: query.from, to: query.to, lang: query.lang, ...scope });
      const name = `bilan-${query.from}-${query.to}${report.centre ? `-${report.centre}` : ''}`;
      switch (query.format) {
        case 'csv':
          return {
            status: 200,
            document: { contentType: 'text/csv; charset=utf-8', text: reportCsv(report) },
            headers: { 'Content-Disposition': `attachment; filename="${name}.csv"` },
          };
        case 'html':
          return { status: 200, document: { contentType: 'text/html; charset=utf-8', text: reportHtml(report) } };
        case 'json':
          return { status: 200, body: report };
      }
    },
  }),
];
