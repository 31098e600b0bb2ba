import type { Knex } from 'knex';
import type { CaseState } from '../../domain/case-state';
import { type Stage, TERMINAL_STAGES, type Track } from '../../domain/stages';

/** What is checked before a case is touched: its centre (the caller's scope), stage, track and nationality. */
export interface CaseScope {
  caseId: string;
  centreCode: string;
  stage: Stage;
  track: Track;
  nationality: string;
}

export async function caseScopeOf(db: Knex, caseId: string): Promise<CaseScope | undefined> {
  const row = await db('cases').where({ case_id: caseId }).first('case_id', 'centre_code', 'stage', 'track', 'nationality');
  return row ? { caseId: row.case_id, centreCode: row.centre_code, stage: row.stage, track: row.track, nationality: row.nationality } : undefined;
}

/** The case's stage and the state its workflow last recorded in the projection. */
export async function caseStateOf(db: Knex, caseId: string): Promise<{ stage: Stage; state: CaseState } | undefined> {
  const row = await db('cases').where({ case_id: caseId }).first('stage', 'state');
  return row ? { stage: row.stage, state: row.state } : undefined;
}

/** The flight the case is on (null for none) and its stage. */
export async function caseFlightOf(db: Knex, caseId: string): Promise<{ flightId: string | null; stage: Stage } | undefined> {
  const row = await db('cases').where({ case_id: caseId }).first('flight_id', 'stage');
  return row ? { flightId: row.flight_id, stage: row.stage } : undefined;
}

/** The returnee's names and phone, which a payee must not share. */
export async function returneeOf(db: Knex, caseId: string): Promise<{ familyName: string; givenName: string; phone: string | null } | undefined> {
  const row = await db('cases').where({ case_id: caseId }).first('family_name', 'given_name', 'phone');
  return row ? { familyName: row.family_name, givenName: row.given_name, phone: row.phone } : undefined;
}

/** Those of `caseIds` still open, within `centres` when given (undefined for every centre). */
export async function openCasesAmong(db: Knex, caseIds: string[], centres?: string[]): Promise<string[]> {
  return db('cases')
    .whereIn('case_id', caseIds)
    .whereNotIn('stage', TERMINAL_STAGES)
    .modify((q) => {
      if (centres) q.whereIn('centre_code', centres);
    })
    .pluck('case_id');
}
