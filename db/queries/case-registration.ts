import type { Knex } from 'knex';
import type { CaseState } from '../../domain/case-state';
import type { Registration, RegistrationResult } from '../../domain/registration';
import { caseWorkflowId } from '../../workflows/ids';
import { earlierCasesOf, openCaseOf } from './case-identity';
import { insertEvent, projectionColumns } from './case-projection';

/**
 * Writes the case row and its registration event, in one transaction. A second registration of the
 * same biometric reference or document number writes nothing and names the existing case.
 */
export async function recordRegistration(db: Knex, r: Registration, state: CaseState): Promise<RegistrationResult> {
  const who = { biometricRef: r.biometricRef, documentNumber: r.documentNumber };
  return db.transaction(async (trx) => {
    // A person back after an earlier case ended is a second return: a new case, linked to the last one.
    const earlier = await earlierCasesOf(trx, who, r.caseId);
    const known: CaseState = { ...state, previousCaseId: earlier.previousCaseId, previouslyAssisted: earlier.previouslyAssisted };
    const registered = { caseId: r.caseId, ...(earlier.previousCaseId ? { previousCaseId: earlier.previousCaseId } : {}), previouslyAssisted: earlier.previouslyAssisted };
    const inserted = await trx('cases')
      .insert({
        case_id: r.caseId,
        workflow_id: caseWorkflowId(r.caseId),
        officer: r.officer,
        nationality: r.person.nationality,
        minor: r.unaccompaniedMinor,
        family_name: r.person.familyName,
        given_name: r.person.givenName,
        sex: r.person.sex,
        date_of_birth: r.person.dateOfBirth,
        phone: r.person.phone ?? null,
        arrival_mode: r.arrival.mode,
        arrived_at: r.arrival.arrivedAt,
        from_country: r.arrival.fromCountry,
        residence_region: r.residenceRegion ?? null,
        vulnerabilities: JSON.stringify(r.vulnerabilities),
        biometric_ref: r.biometricRef ?? null,
        document_number: r.documentNumber ?? null,
        previous_case_id: earlier.previousCaseId ?? null,
        second_return: earlier.previousCaseId !== undefined,
        consent_at: r.registeredAt,
        created_at: r.registeredAt,
        ...projectionColumns(known, r.registeredAt),
      })
      .onConflict()
      .ignore()
      .returning('case_id');
    if (inserted.length === 0) {
      const own = await trx('cases').where({ case_id: r.caseId }).first('previous_case_id');
      if (own) return registered;
      const existing = await openCaseOf(trx, who, r.caseId);
      if (!existing) throw new Error(`case ${r.caseId} could not be inserted`);
      return { caseId: r.caseId, duplicateOf: existing.caseId };
    }
    await insertEvent(trx, {
      caseId: r.caseId,
      seq: 0,
      kind: 'registered',
      actorSub: r.officer,
      actorRole: 'case_officer',
      at: r.registeredAt,
      // Registration counts from the arrival: that is when the person came back.
      occurredAt: r.arrival.arrivedAt,
      stageAfter: state.stage,
      detail: {
        track: r.track,
        centreCode: r.centreCode,
        arrivalMode: r.arrival.mode,
        flightId: r.arrival.flightId,
        ...(earlier.previousCaseId ? { secondReturn: true, previousCaseId: earlier.previousCaseId } : {}),
      },
    });
    return registered;
  });
}
