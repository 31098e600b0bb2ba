import type { Knex } from 'knex';
import { anonymised } from '../../domain/personal-data';
import { historyEntry } from './case-reads';
import { iso } from './rows';

/**
 * The personal-data lifecycle in SQL: the data subject's export, the erasure of a case (one
 * transaction, idempotent), the erasure's own record, and the cases the retention period has reached.
 */

type Row = Record<string, unknown>;

const camel = (name: string) => name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
/** A row as JSON: camelCase keys, timestamps as ISO text. */
const plain = (row: Row): Row => Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v instanceof Date ? iso(v) : v]));

/** The audit rows about the case and its travel-document requests. */
const auditAbout = (db: Knex, caseId: string, requestIds: string[]) =>
  db('audit_log')
    .where((q) => {
      q.where({ object_type: 'case', object_id: caseId });
      if (requestIds.length) q.orWhere((r) => r.where('object_type', 'travel_document').whereIn('object_id', requestIds));
    })
    .orderBy('id');

/** Every message about the case or one of its requests: the outbox rows (metadata; no body is kept). */
const messagesAbout = (db: Knex, caseId: string, requestIds: string[]) =>
  db('notifications')
    .where((q) => {
      q.where({ case_id: caseId });
      for (const id of requestIds) q.orWhere('key', 'like', `traveldoc:${id}%`);
    });

/** Manifest entries of the person: the ones that became or joined this case, and their child safeguards. */
const manifestEntriesOf = (db: Knex, caseId: string) =>
  db('flight_passengers').where({ case_id: caseId }).orWhere({ safeguards_case_id: caseId }).orderBy('added_at');

/** Everything Sira holds on the person of a case (GET /v1/cases/:caseId/personal-data). */
export async function personalDataOf(db: Knex, caseId: string) {
  const kase = await db('cases').where({ case_id: caseId }).first();
  if (!kase) return undefined;
  const requests = await db('travel_documents').where({ case_id: caseId }).orderBy('requested_at');
  const requestIds = requests.map((r) => r.request_id as string);
  const [events, plans, approvals, tranches, visits, requestEvents, messages, passengers, audit, erasure] = await Promise.all([
    db('case_events').where({ case_id: caseId }).orderBy('seq'),
    db('plans').where({ case_id: caseId }).orderBy('version'),
    db('approvals').where({ case_id: caseId }).orderBy('seq'),
    db('tranches').where({ case_id: caseId }).orderBy('n'),
    db('monitoring_visits').where({ case_id: caseId }).orderBy('n'),
    requestIds.length ? db('travel_document_events').whereIn('request_id', requestIds).orderBy(['request_id', 'seq']) : [],
    messagesAbout(db, caseId, requestIds).orderBy('created_at'),
    manifestEntriesOf(db, caseId),
    auditAbout(db, caseId, requestIds),
    db('erasures').where({ case_id: caseId }).first(),
  ]);
  return {
    caseId,
    exportedAt: new Date().toISOString(),
    erasedAt: iso(kase.erased_at),
    identity: {
      familyName: kase.family_name,
      givenName: kase.given_name,
      sex: kase.sex,
      dateOfBirth: kase.date_of_birth,
      ageAtArrival: kase.age_at_arrival,
      nationality: kase.nationality,
      phone: kase.phone,
      biometricRef: kase.biometric_ref,
      documentNumber: kase.document_number,
    },
    registration: {
      track: kase.track,
      centreCode: kase.centre_code,
      officer: kase.officer,
      arrival: { mode: kase.arrival_mode, arrivedAt: iso(kase.arrived_at), fromCountry: kase.from_country, flightId: kase.flight_id },
      residenceRegion: kase.residence_region,
      vulnerabilities: kase.vulnerabilities,
      unaccompaniedMinor: kase.minor,
      consentAt: iso(kase.consent_at),
      consentWithdrawnAt: iso(kase.consent_withdrawn_at),
      secondReturn: kase.second_return,
      previousCaseId: kase.previous_case_id,
      registeredAt: iso(kase.created_at),
    },
    status: {
      stage: kase.stage,
      suspended: kase.suspended,
      suspensionReason: kase.suspension_reason,
      closureReason: kase.closure_reason,
      closedAt: iso(kase.closed_at),
      state: kase.state,
    },
    steps: events.map(historyEntry),
    plans: plans.map(plain),
    approvals: approvals.map(plain),
    tranches: tranches.map(plain),
    monitoringVisits: visits.map(plain),
    travelDocuments: requests.map((r) => ({
      ...plain(r),
      history: (requestEvents as Row[]).filter((e) => e.request_id === r.request_id).map(plain),
    })),
    emails: messages.map((m) => plain(m)),
    manifestEntries: passengers.map(plain),
    audit: audit.map(plain),
    erasure: erasure ? plain(erasure) : null,
  };
}

/** What an erasure starts from: the case's stage and the requests whose workflows go with it. */
export async function erasureSubjectOf(
  db: Knex,
  caseId: string,
): Promise<{ stage: string; erasedAt: string | null; requestIds: string[] } | undefined> {
  const kase = await db('cases').where({ case_id: caseId }).first('stage', 'erased_at');
  if (!kase) return undefined;
  const requestIds = await db('travel_documents').where({ case_id: caseId }).pluck('request_id');
  return { stage: kase.stage, erasedAt: iso(kase.erased_at), requestIds };
}

/** Records who asked for the erasure, when and why; a repeated request keeps the first. */
export async function recordErasureRequest(db: Knex, e: { caseId: string; by: string; role: string; reason: string; at: string }): Promise<void> {
  await db('erasures')
    .insert({ case_id: e.caseId, requested_by: e.by, requested_role: e.role, reason: e.reason, requested_at: e.at })
    .onConflict('case_id')
    .ignore();
}

export async function erasureOf(db: Knex, caseId: string) {
  const row = await db('erasures').where({ case_id: caseId }).first();
  return row ? { requestedBy: row.requested_by as string, requestedAt: iso(row.requested_at)!, completedAt: iso(row.completed_at), reason: row.reason as string } : undefined;
}

/**
 * Removes every piece of the person's data from Postgres, in one transaction, keeping what the
 * programme report counts: sex, age at arrival, nationality, centre, region of residence, dates,
 * amounts, stages and the closure reason. Run again, it finds nothing left to remove.
 */
export async function eraseCaseRecords(db: Knex, caseId: string, at: string): Promise<void> {
  await db.transaction(async (trx) => {
    const kase = await trx('cases').where({ case_id: caseId }).forUpdate().first('biometric_ref', 'document_number', 'family_name', 'given_name', 'phone', 'state');
    if (!kase) return;
    const requestIds: string[] = await trx('travel_documents').where({ case_id: caseId }).pluck('request_id');
    const secrets = [kase.family_name, kase.given_name, kase.phone, kase.biometric_ref, kase.document_number].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );

    // Manifest entries name the person: removed whole (the flight keeps its counts).
    await trx('flight_passengers')
      .where({ case_id: caseId })
      .orWhere({ safeguards_case_id: caseId })
      .modify((q) => {
        if (kase.biometric_ref) q.orWhere({ biometric_ref: kase.biometric_ref });
        if (kase.document_number) q.orWhere({ document_number: kase.document_number });
      })
      .delete();

    // Stored answers to retried requests that carried the person's data.
    for (const secret of secrets) {
      await trx('idempotent_requests').whereRaw('strpos(response_body::text, ?) > 0', [secret]).delete();
    }

    await trx('cases')
      .where({ case_id: caseId })
      .update({
        age_at_arrival: trx.raw(
          "coalesce(age_at_arrival, extract(year from age((arrived_at at time zone 'UTC')::date, date_of_birth))::smallint)",
        ),
        family_name: null,
        given_name: null,
        date_of_birth: null,
        phone: null,
        biometric_ref: null,
        document_number: null,
        vulnerabilities: JSON.stringify([]),
        suspension_reason: null,
        open_task: null,
        state: JSON.stringify(anonymised(kase.state ?? {})),
        erased_at: trx.raw('coalesce(erased_at, ?)', [at]),
      });

    for (const e of await trx('case_events').where({ case_id: caseId }).select('id', 'detail')) {
      await trx('case_events').where({ id: e.id }).update({ detail: JSON.stringify(anonymised(e.detail ?? {})) });
    }
    await trx('approvals').where({ case_id: caseId }).update({ comment: null });
    for (const t of await trx('tranches').where({ case_id: caseId }).select('n', 'items')) {
      await trx('tranches')
        .where({ case_id: caseId, n: t.n })
        .update({ items: JSON.stringify(anonymised(t.items ?? [])), payment_reference: null, cancel_reason: null });
    }

    for (const r of await trx('travel_documents').where({ case_id: caseId }).select('request_id', 'state', 'conflict')) {
      await trx('travel_documents')
        .where({ request_id: r.request_id })
        .update({
          document_number: null,
          interview_place: null,
          refusal_reason: null,
          cancellation_reason: null,
          state: JSON.stringify(anonymised(r.state ?? {})),
          conflict: r.conflict ? JSON.stringify(anonymised(r.conflict)) : null,
        });
    }
    if (requestIds.length) {
      for (const e of await trx('travel_document_events').whereIn('request_id', requestIds).select('id', 'detail')) {
        await trx('travel_document_events').where({ id: e.id }).update({ detail: JSON.stringify(anonymised(e.detail ?? {})) });
      }
    }

    // The outbox keeps that a message went, and of what kind: its subject may have named the person.
    await messagesAbout(trx, caseId, requestIds).update({ subject: trx.raw("'[erased] ' || kind"), last_error: null });
  });
}

/** How the audit trail names a completed erasure (followed by its reason). */
export const ERASURE_AUDIT_ACTION = 'Personal data erased (Postgres rows and Temporal executions)';

/**
 * Marks the erasure done and writes its audit row, both once: who asked, when it completed and why
 * (the reason, also kept in `erasures`).
 */
export async function completeErasure(db: Knex, caseId: string, at: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const done = await trx('erasures')
      .where({ case_id: caseId })
      .whereNull('completed_at')
      .update({ completed_at: at })
      .returning(['requested_by', 'requested_role', 'reason']);
    if (!done.length) return false;
    await trx('audit_log').insert({
      actor_sub: done[0].requested_by,
      actor_role: done[0].requested_role,
      // Who and when are the row's; why is the request's reason, clipped as every audit text is.
      action: `${ERASURE_AUDIT_ACTION}: ${String(done[0].reason).slice(0, 200)}`,
      route: 'workflow erasure',
      object_type: 'case',
      object_id: caseId,
      request_id: `erasure:${caseId}`,
      client_ip: null,
      outcome: 'succeeded',
      http_status: 200,
    });
    return true;
  });
}

/** Cases closed before `closedBefore` and not yet erased, oldest first: what retention erases next. */
export async function casesDueForErasure(db: Knex, closedBefore: Date, limit: number): Promise<string[]> {
  return db('cases')
    .whereNull('erased_at')
    .whereIn('stage', ['closed', 'completed'])
    .where('closed_at', '<', closedBefore)
    .orderBy('closed_at')
    .limit(limit)
    .pluck('case_id');
}
