import type { Knex } from 'knex';
import { TERMINAL_STAGES } from '../../domain/stages';

/** How Sira knows two registrations are the same person: a biometric reference or a document number. */
export interface PersonIdentity {
  biometricRef?: string | null;
  documentNumber?: string | null;
}

/**
 * Keeps the rows (cases or manifest entries) of the same person: the same biometric reference or the
 * same document number. Without either, nobody is the same person.
 */
export function whereSamePerson(q: Knex.QueryBuilder, who: PersonIdentity): void {
  q.where((w) => {
    if (who.biometricRef) w.orWhere('biometric_ref', who.biometricRef);
    if (who.documentNumber) w.orWhere('document_number', who.documentNumber);
    if (!who.biometricRef && !who.documentNumber) w.whereRaw('false');
  });
}

/** The person's open case, if any (other than `except`): a second registration of it is a duplicate. */
export async function openCaseOf(db: Knex, who: PersonIdentity, except?: string): Promise<{ caseId: string; centreCode: string } | undefined> {
  const query = db('cases').first('case_id', 'centre_code');
  whereSamePerson(query, who);
  query.whereNotIn('stage', TERMINAL_STAGES);
  if (except) query.whereNot('case_id', except);
  const row = await query;
  return row ? { caseId: row.case_id, centreCode: row.centre_code } : undefined;
}

/**
 * The person's earlier, ended cases: the latest one (a new case links to it as a second return) and
 * whether any reached reintegration assistance (an approved plan), which makes them "previously assisted".
 */
export async function earlierCasesOf(
  db: Knex,
  who: PersonIdentity,
  except: string,
): Promise<{ previousCaseId?: string; previouslyAssisted: boolean }> {
  const query = db('cases')
    .select('case_id')
    .select(db.raw("exists (select 1 from plans p where p.case_id = cases.case_id and p.status = 'approved') as assisted"))
    .whereIn('stage', TERMINAL_STAGES)
    .whereNot('case_id', except)
    .orderBy('created_at', 'desc');
  whereSamePerson(query, who);
  const rows: { case_id: string; assisted: boolean }[] = await query;
  return { previousCaseId: rows[0]?.case_id, previouslyAssisted: rows.some((r) => r.assisted) };
}
