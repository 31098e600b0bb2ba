import { hasDocumentConflict } from '../../domain/case-steps';
import type { Db } from '../index';
import { page, type PageRequest } from './page';
import { iso, personFromRow } from './rows';

export interface CaseListFilter extends PageRequest {
  stage?: string;
  centre?: string;
  track?: string;
  nationality?: string;
  overdue?: boolean;
  suspended?: boolean;
  /** Restricts to these centres; undefined means every centre. */
  centres?: string[];
}

const SUMMARY_COLUMNS = [
  'case_id',
  'track',
  'stage',
  'centre_code',
  'nationality',
  'minor',
  'family_name',
  'given_name',
  'sex',
  'arrived_at',
  'arrival_mode',
  'flight_id',
  'overdue',
  'due_at',
  'suspended',
  'open_task',
  'closure_reason',
  'updated_at',
];

type Row = Record<string, unknown>;

export function caseSummary(row: Row) {
  return {
    caseId: row.case_id,
    track: row.track,
    stage: row.stage,
    centreCode: row.centre_code,
    nationality: row.nationality,
    minor: row.minor,
    familyName: row.family_name,
    givenName: row.given_name,
    sex: row.sex,
    arrivalMode: row.arrival_mode,
    arrivedAt: iso(row.arrived_at),
    flightId: row.flight_id ?? null,
    overdue: row.overdue,
    dueAt: iso(row.due_at),
    suspended: row.suspended,
    openTask: row.open_task ?? null,
    closureReason: row.closure_reason ?? null,
    updatedAt: iso(row.updated_at),
  };
}

export async function listCases(db: Db, f: CaseListFilter) {
  const filtered = db('cases').where((q) => {
    if (f.stage) q.where('stage', f.stage);
    if (f.centre) q.where('centre_code', f.centre);
    if (f.track) q.where('track', f.track);
    if (f.nationality) q.where('nationality', f.nationality);
    if (f.overdue !== undefined) q.where('overdue', f.overdue);
    if (f.suspended !== undefined) q.where('suspended', f.suspended);
    if (f.centres) q.whereIn('centre_code', f.centres);
  });
  const { rows, total } = await page(filtered, f, (q) =>
    q.select(SUMMARY_COLUMNS).orderBy([{ column: 'arrived_at', order: 'desc' }, { column: 'case_id' }]),
  );
  return { items: rows.map(caseSummary), total };
}

/** The case as an officer reads it: identity, stage, open task and due date, ledgers and full history. */
export async function caseDetail(db: Db, caseId: string) {
  const row = await db('cases').where({ case_id: caseId }).first();
  if (!row) return undefined;
  const [events, plans, tranches, visits, approvals] = await Promise.all([
    db('case_events').where({ case_id: caseId }).orderBy('seq'),
    db('plans').where({ case_id: caseId }).orderBy('version'),
    db('tranches').where({ case_id: caseId }).orderBy('n'),
    db('monitoring_visits').where({ case_id: caseId }).orderBy('n'),
    db('approvals').where({ case_id: caseId }).orderBy('seq'),
  ]);
  const state = row.state ?? {};
  return {
    ...caseSummary(row),
    workflowId: row.workflow_id,
    officer: row.officer,
    person: personFromRow(row),
    arrival: { mode: row.arrival_mode, arrivedAt: iso(row.arrived_at), fromCountry: row.from_country, flightId: row.flight_id ?? undefined },
    residenceRegion: row.residence_region ?? undefined,
    vulnerabilities: row.vulnerabilities,
    unaccompaniedMinor: row.minor,
    biometricRef: row.biometric_ref ?? undefined,
    documentNumber: row.document_number ?? undefined,
    suspensionReason: row.suspension_reason ?? undefined,
    // A person back after an earlier case ended: a second return, linked to that case.
    secondReturn: row.second_return ?? false,
    previousCaseId: row.previous_case_id ?? undefined,
    cashGrant: state.cashGrant ?? null,
    closure: state.closure ?? null,
    reopenings: state.reopenings ?? 0,
    openTasks: row.open_task ? [{ ...row.open_task, dueAt: iso(row.due_at), overdue: row.overdue }] : [],
    dates: {
      registeredAt: iso(row.created_at),
      arrivedAt: iso(row.arrived_at),
      receivedAt: state.receivedAt ?? null,
      closedAt: iso(row.closed_at),
      dueAt: iso(row.due_at),
    },
    counsellingSessions: state.counsellingSessions ?? 0,
    eligibility: state.eligibility ?? null,
    safeguards: state.safeguards ?? null,
    pendingClosure: state.pendingClosure ?? null,
    travelDocument: state.travelDocument ? { ...state.travelDocument, conflict: hasDocumentConflict(state) } : null,
    plans: plans.map((p) => ({
      version: p.version,
      type: p.type,
      projectId: p.project_id ?? undefined,
      sector: p.sector,
      budgetXof: Number(p.budget_xof),
      reducedFromXof: p.reduced_from_xof === null ? undefined : Number(p.reduced_from_xof),
      dimensions: p.dimensions,
      status: p.status,
    })),
    tranches: tranches.map((t) => ({
      n: t.n,
      amountXof: Number(t.amount_xof),
      vendor: t.vendor,
      vendorId: t.vendor_id ?? undefined,
      items: t.items,
      status: t.status,
      requestedAt: iso(t.requested_at),
      approvedBy: t.approved_by ?? undefined,
      paidAt: iso(t.paid_at),
      paidBy: t.paid_by ?? undefined,
      paymentReference: t.payment_reference ?? undefined,
      cancelReason: t.cancel_reason ?? undefined,
    })),
    monitoringVisits: visits.map((v) => ({
      n: v.n,
      visitedAt: iso(v.visited_at),
      scores: { economic: v.economic, social: v.social, psychosocial: v.psychosocial },
      composite: v.composite,
      sustainable: v.sustainable,
    })),
    approvals: approvals.map((a) => ({ subject: a.subject, ref: a.ref ?? undefined, decision: a.decision, by: a.decided_by, at: iso(a.decided_at) })),
    history: events.map(historyEntry),
  };
}

/** One recorded step of a case's history, as the case's reads and the person's export show it. */
export function historyEntry(e: Row) {
  return {
    seq: e.seq,
    step: e.kind,
    by: e.actor_sub,
    role: e.actor_role,
    at: iso(e.at),
    occurredAt: iso(e.occurred_at),
    stageAfter: e.stage_after,
    detail: e.detail,
  };
}
