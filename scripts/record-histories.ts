import { temporal } from '@temporalio/proto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { registrationBody } from '../tests/support/fixtures';
import { startTestStack } from '../tests/support/stack';
import { caseWorkflowId, erasureWorkflowId, flightWorkflowId, travelDocumentWorkflowId } from '../workflows/ids';
import { retentionSweep } from '../workflows/erasure';
import { RETENTION_SCHEDULE_ID } from '../platform/retention-schedule';

/**
 * Records real histories of every workflow type into tests/replay/histories/, for the replay test
 * that guards determinism. Run it after a deliberate, patched() change: `npm run record-histories`.
 */
async function main() {
  await globalSetup();
  // Retention after one second: the sweep recorded last erases the closed cases (once their histories are written).
  const stack = await startTestStack({ MONITORING_VISITS: '1s,2s', SLA_RECEPTION: '1s', RETENTION_AFTER_CLOSURE: '1s' });
  // `RECORD_ONLY=erasure,retention-sweep` writes only those files (the journeys all run): a new workflow type's
  // history is added without re-recording the others.
  const only = process.env.RECORD_ONLY?.split(',').filter(Boolean);
  const save = async (name: string, workflowId: string, finished: boolean) => {
    const handle = stack.client.workflow.getHandle(workflowId);
    if (finished) await handle.result();
    if (only && !only.includes(name)) return;
    // Binary protobuf: the SDK's JSON reader trips over two protobufjs copies in node_modules.
    const history = await handle.fetchHistory();
    await writeFile(path.join(out, `${name}.binpb`), temporal.api.history.v1.History.encode(history).finish());
    console.log(`recorded ${name} (${(await handle.describe()).historyLength} events)`);
  };
  const out = path.resolve(__dirname, '../tests/replay/histories');
  await mkdir(out, { recursive: true });
  try {
    const officer = await stack.token('case_officer', { sub: 'awa' });
    const supervisor = await stack.token('supervisor', { sub: 'sidi' });
    const post = async (url: string, body: object, token = officer) => {
      const res = await stack.api.post(url).set('Authorization', `Bearer ${token}`).send(body);
      if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const now = () => new Date().toISOString();
    const criteria = { returnedThroughProgramme: true, withinProgrammeWindow: true, notPreviouslyAssisted: true, vulnerabilityScreeningDone: true };

    // A reintegration journey that gets overdue, is suspended and resumed, and completes.
    const { caseId: full } = await post('/v1/cases', registrationBody());
    await new Promise((r) => setTimeout(r, 2500));
    await post(`/v1/cases/${full}/suspension`, { reason: 're-verification' }, supervisor);
    await stack.api.delete(`/v1/cases/${full}/suspension`).set('Authorization', `Bearer ${supervisor}`).expect(200);
    await post(`/v1/cases/${full}/reception`, { centreCode: 'BKO-MMEIA' });
    await post(`/v1/cases/${full}/counselling-sessions`, { heldAt: now() });
    await post(`/v1/cases/${full}/eligibility`, { decision: 'eligible', criteria, reason: 'ok' });
    await post(`/v1/cases/${full}/plan`, { type: 'collective', projectId: 'COOP-KAYES-01', sector: 'market gardening', budgetXof: 400_000, dimensions: ['economic'] });
    await post(`/v1/cases/${full}/approvals`, { subject: 'plan', decision: 'approved' }, supervisor);
    const admin = await stack.token('admin', { sub: 'ada' });
    const { vendorId } = await post('/v1/vendors', { name: 'Agro Kayes', region: 'Kayes' }, admin);
    await post(`/v1/cases/${full}/tranches`, { amountXof: 400_000, vendorId, items: [{ description: 'seeds', quantity: 10, unitCostXof: 40_000 }] });
    await post(`/v1/cases/${full}/approvals`, { subject: 'tranche', ref: 1, decision: 'approved' }, supervisor);
    await post(`/v1/cases/${full}/tranches/1/payment`, { reference: 'RCPT-0001' });
    await post(`/v1/cases/${full}/monitoring-visits`, { visitedAt: now(), scores: { economic: 0.5, social: 0.7, psychosocial: 0.9 } });
    await post(`/v1/cases/${full}/monitoring-visits`, { visitedAt: now(), scores: { economic: 0.7, social: 0.7, psychosocial: 0.9 } });

    // An onward-return case closed by a supervisor, reopened by another, and closed again.
    const { caseId: onward } = await post('/v1/cases', registrationBody({ person: { nationality: 'NER' } }));
    await post(`/v1/cases/${onward}/reception`, { centreCode: 'BKO-MMEIA' });
    await post(`/v1/cases/${onward}/closure`, { reason: 'unreachable' }, supervisor);
    await stack.client.workflow.getHandle(caseWorkflowId(onward)).result();
    const mariam = await stack.token('supervisor', { sub: 'mariam' });
    await post(`/v1/cases/${onward}/reopening`, { reason: 'back in touch' }, mariam);
    await post(`/v1/cases/${onward}/closure`, { reason: 'withdrew' }, supervisor);

    // A charter flight: three passengers, one no-show, arrival opening two cases.
    const movement = await stack.token('movement_officer', { sub: 'moussa' });
    const HOUR = 3_600_000;
    const flight = await post('/v1/flights', { flightNumber: '5A 1033', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + 2 * HOUR).toISOString(), capacity: 3 }, movement);
    const passengers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await post(`/v1/flights/${flight.flightId}/passengers`, {
        person: { familyName: 'Konaté', givenName: `Bakary ${i}`, sex: 'M', dateOfBirth: '1994-05-20', nationality: 'MLI' },
        vulnerabilities: [],
        unaccompaniedMinor: false,
        biometricRef: `REC-${Date.now()}-${i}`,
        consentSignedAt: new Date(Date.now() - 24 * HOUR).toISOString(),
        fitToTravelAt: new Date(Date.now() - HOUR).toISOString(),
      }, movement);
      passengers.push(p.passengerId);
    }
    await post(`/v1/flights/${flight.flightId}/lock`, {}, movement);
    await post(`/v1/flights/${flight.flightId}/departure`, { departedAt: now(), noShows: [passengers[2]] }, movement);
    await post(`/v1/flights/${flight.flightId}/arrival`, { arrivedAt: now(), centreCode: 'BKO-MMEIA' }, movement);

    // A travel document issued by the embassy through its link; the person then departs.
    const { caseId: transit } = await post('/v1/cases', registrationBody({ person: { nationality: 'GIN' } }));
    await post(`/v1/cases/${transit}/reception`, { centreCode: 'BKO-MMEIA' });
    const planned = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const { requestId } = await post(`/v1/cases/${transit}/travel-documents`, { documentType: 'laissez_passer', plannedDeparture: planned });
    const mail = await stack.smtp.waitFor((m) => m.text.includes(requestId) || m.text.includes('/liaison/requests/'));
    const link = /https?:\/\/[^/\s]+(\/liaison\/requests\/[0-9a-f-]+\?token=[A-Za-z0-9._-]+)/.exec(mail.text)![1];
    const validUntil = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const answer = await stack.api.post(link).send({ decision: 'issued', documentNumber: 'LP-2026-0042', validUntil });
    if (answer.status >= 300) throw new Error(`liaison answer: ${answer.status} ${answer.text}`);
    for (let i = 0; i < 100 && (await stack.db('cases').where({ case_id: transit }).first('stage')).stage !== 'ready_to_depart'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await post(`/v1/cases/${transit}/departure`, { departedAt: now(), transport: 'bus', handoverTo: 'OIM Guinée' });

    const recordings: [string, string, boolean][] = [
      ['returnee-case-reintegration', caseWorkflowId(full), true],
      ['returnee-case-onward-closed', caseWorkflowId(onward), true],
      ['returnee-case-onward-departed', caseWorkflowId(transit), true],
      ['charter-flight', flightWorkflowId(flight.flightId), true],
      // Still running (it waits to see whether the document needs renewing): a partial history replays too.
      ['travel-document-issued', travelDocumentWorkflowId(requestId), false],
    ];
    for (const [name, workflowId, finished] of recordings) await save(name, workflowId, finished);

    // The person withdraws their consent while the embassy has the request; an admin erases the case;
    // the retention sweep then erases every other closed case.
    const { caseId: withdrawn } = await post('/v1/cases', registrationBody({ person: { nationality: 'GIN' } }));
    await post(`/v1/cases/${withdrawn}/reception`, { centreCode: 'BKO-MMEIA' });
    const asked = await post(`/v1/cases/${withdrawn}/travel-documents`, { documentType: 'laissez_passer', plannedDeparture: planned });
    await stack.smtp.waitFor((m) => m.text.includes(asked.requestId));
    await post(`/v1/cases/${withdrawn}/consent-withdrawal`, { reason: 'wants to stop' });
    await save('returnee-case-withdrawn', caseWorkflowId(withdrawn), true);
    await post(`/v1/cases/${withdrawn}/erasure`, { reason: 'asked by the person' }, admin);
    await save('erasure', erasureWorkflowId(withdrawn), true);
    const sweep = await stack.client.workflow.start(retentionSweep, { workflowId: RETENTION_SCHEDULE_ID, taskQueue: stack.taskQueue, args: [] });
    await sweep.result();
    await save('retention-sweep', RETENTION_SCHEDULE_ID, true);
  } finally {
    await stack.stop();
    await globalTeardown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
