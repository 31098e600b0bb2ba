import { temporal } from '@temporalio/proto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { registrationBody } from '../tests/support/fixtures';
import { startTestStack } from '../tests/support/stack';
import { caseWorkflowId } from '../workflows/ids';

/**
 * Records real histories of every workflow type into tests/replay/histories/, for the replay test
 * that guards determinism. Run it after a deliberate, patched() change: `npm run record-histories`.
 */
async function main() {
  await globalSetup();
  const stack = await startTestStack({ MONITORING_VISITS: '1s,2s', SLA_RECEPTION: '1s' });
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
    await post(`/v1/cases/${full}/tranches`, { amountXof: 400_000, vendor: 'Agro Kayes', items: [{ description: 'seeds', quantity: 10 }] });
    await post(`/v1/cases/${full}/approvals`, { subject: 'tranche', ref: 1, decision: 'approved' }, supervisor);
    await post(`/v1/cases/${full}/tranches/1/payment`, {});
    await post(`/v1/cases/${full}/monitoring-visits`, { visitedAt: now(), scores: { economic: 0.5, social: 0.7, psychosocial: 0.9 } });
    await post(`/v1/cases/${full}/monitoring-visits`, { visitedAt: now(), scores: { economic: 0.7, social: 0.7, psychosocial: 0.9 } });

    // An onward-return case closed by a supervisor.
    const { caseId: onward } = await post('/v1/cases', registrationBody({ person: { nationality: 'NER' } }));
    await post(`/v1/cases/${onward}/reception`, { centreCode: 'BKO-MMEIA' });
    await post(`/v1/cases/${onward}/closure`, { reason: 'withdrew' }, supervisor);

    for (const [name, caseId] of [['returnee-case-reintegration', full], ['returnee-case-onward-closed', onward]]) {
      const handle = stack.client.workflow.getHandle(caseWorkflowId(caseId));
      await handle.result();
      // Binary protobuf: the SDK's JSON reader trips over two protobufjs copies in node_modules.
      const history = await handle.fetchHistory();
      await writeFile(path.join(out, `${name}.binpb`), temporal.api.history.v1.History.encode(history).finish());
      console.log(`recorded ${name}`);
    }
  } finally {
    await stack.stop();
    await globalTeardown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
