import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createPayloadCodec, ENCRYPTED_ENCODING } from '../../platform/codec';
import { caseWorkflowId, flightWorkflowId, travelDocumentWorkflowId } from '../../workflows/ids';
import { isCoverText } from '../../domain/cover-page';
import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let raw: { connection: Connection; client: Client };

// Distinctive values: found anywhere in the stored history, they can only have come from this person.
const person = {
  familyName: 'Zerbokhouma',
  givenName: 'Quivalenne',
  dateOfBirth: '1987-11-23',
  phone: '+22379135791',
  nationality: 'MLI',
  sex: 'F',
};
const SECRETS = [person.familyName, person.givenName, person.dateOfBirth, person.phone, person.phone.replace('+', '')];

beforeAll(async () => {
  stack = await startTestStack();
  // A client WITHOUT the codec: it sees what the Temporal server stores.
  const connection = await Connection.connect({ address: process.env.SIRA_TEST_TEMPORAL_ADDRESS! });
  raw = { connection, client: new Client({ connection, namespace: stack.config.TEMPORAL_NAMESPACE }) };
});

afterAll(async () => {
  await raw?.connection.close();
  await stack?.stop();
});

test("a case's full history on the Temporal server holds no name, date of birth or phone number", async () => {
  const officer = await stack.token('case_officer', { sub: 'awa' });
  const registered = await stack.api.post('/v1/cases').set('Authorization', `Bearer ${officer}`).send(registrationBody({ person }));
  expect(registered.status).toBe(201);
  const caseId: string = registered.body.caseId;
  const step = (path: string, body: object) =>
    stack.api.post(`/v1/cases/${caseId}${path}`).set('Authorization', `Bearer ${officer}`).send(body).expect(200);
  await step('/reception', { centreCode: 'BKO-MMEIA', referrals: [{ kind: 'health', to: 'CSCOM' }] });
  await step('/counselling-sessions', { heldAt: new Date().toISOString(), summary: 'wants to open a tailoring shop' });

  const handle = raw.client.workflow.getHandle(caseWorkflowId(caseId));
  const history = await handle.fetchHistory();
  const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  const asText = [bytes.toString('utf8'), bytes.toString('latin1'), JSON.stringify(temporal.api.history.v1.History.toObject(history as temporal.api.history.v1.History, { bytes: String }))];
  expect(history.events!.length).toBeGreaterThan(5);
  for (const secret of SECRETS) for (const text of asText) expect([secret, text.includes(secret)]).toEqual([secret, false]);

  // Not vacuous: the registration is in there, encrypted, and the codec reads it back.
  const started = history.events![0].workflowExecutionStartedEventAttributes!;
  expect(Buffer.from(started.input!.payloads![0].metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
  const [input] = await createPayloadCodec(stack.config).decode(started.input!.payloads!);
  expect(JSON.stringify(defaultPayloadConverter.fromPayload(input))).toContain(person.familyName);

  const description = await handle.describe();
  const visible = JSON.stringify({
    searchAttributes: description.searchAttributes,
    typed: description.typedSearchAttributes.getAll(),
    memo: description.memo ?? null,
    raw: temporal.api.common.v1.SearchAttributes.toObject(description.raw.workflowExecutionInfo!.searchAttributes as temporal.api.common.v1.SearchAttributes, { bytes: String }),
  });
  expect(visible).toContain('BKO-MMEIA');
  for (const secret of SECRETS) expect([secret, visible.includes(secret)]).toEqual([secret, false]);
  expect(Buffer.from(temporal.api.common.v1.SearchAttributes.encode(description.raw.workflowExecutionInfo!.searchAttributes ?? {}).finish()).toString('utf8')).not.toMatch(
    new RegExp(SECRETS.map((s) => s.replace('+', '\\+')).join('|')),
  );
});

/** What anyone who opens the UI reads of a workflow without decoding: its summary, details, current details, search attributes. */
async function coverOf(workflowId: string) {
  const handle = raw.client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const metadata = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
  return {
    summary: (await description.staticSummary()) ?? '',
    details: (await description.staticDetails()) ?? '',
    current: metadata.currentDetails,
    attributes: JSON.stringify(description.typedSearchAttributes.getAll()),
  };
}

test('every workflow type explains itself without decoding, and never names the person', async () => {
  const officer = await stack.token('case_officer', { sub: 'awa' });
  const movement = await stack.token('movement_officer', { sub: 'moussa' });
  const auth = { Authorization: `Bearer ${officer}` };
  // An Ivorian in transit: an onward-return case, with a travel-document request to the CIV embassy.
  const ivorian = { ...person, nationality: 'CIV', familyName: 'Zerbokhouma', phone: '+22379135792' };
  const registered = await stack.api
    .post('/v1/cases')
    .set(auth)
    .send(registrationBody({ person: ivorian, arrival: { mode: 'in_transit', arrivedAt: new Date(Date.now() - 86_400_000).toISOString(), fromCountry: 'DZA' } }))
    .expect(201);
  const caseId: string = registered.body.caseId;
  await stack.api.post(`/v1/cases/${caseId}/reception`).set(auth).send({ centreCode: 'BKO-MMEIA' }).expect(200);
  const planned = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const requested = await stack.api
    .post(`/v1/cases/${caseId}/travel-documents`)
    .set(auth)
    .send({ documentType: 'laissez_passer', plannedDeparture: planned })
    .expect(201);
  const requestId: string = requested.body.requestId;

  const flight = await stack.api
    .post('/v1/flights')
    .set({ Authorization: `Bearer ${movement}` })
    .send({ flightNumber: '5A 1033', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + 7_200_000).toISOString(), capacity: 10 })
    .expect(201);
  const flightId: string = flight.body.flightId;
  await stack.api
    .post(`/v1/flights/${flightId}/passengers`)
    .set({ Authorization: `Bearer ${movement}` })
    .send({
      person: { familyName: person.familyName, givenName: person.givenName, sex: 'F', dateOfBirth: person.dateOfBirth, nationality: 'MLI', phone: person.phone },
      vulnerabilities: [],
      unaccompaniedMinor: false,
      biometricRef: `BIO-SCAN-${Date.now()}`,
      consentSignedAt: new Date(Date.now() - 86_400_000).toISOString(),
      fitToTravelAt: new Date(Date.now() - 3_600_000).toISOString(),
    })
    .expect(201);

  const caseCover = await coverOf(caseWorkflowId(caseId));
  expect(caseCover.summary).toContain('Returnee case · onward return · centre BKO-MMEIA · nationality CIV');
  expect(caseCover.details).toContain(caseId);
  expect(caseCover.current).toMatch(/Waiting for:\*\* the embassy's answer|Waiting for:\*\* Embassy answers/);
  expect(caseCover.attributes).toContain('travel_document:embassy-answer'); // CaseOpenTask

  const requestCover = await coverOf(travelDocumentWorkflowId(requestId));
  expect(requestCover.summary).toContain('laissez passer from the CIV embassy');
  expect(requestCover.current).toMatch(/Status:\*\* (requested|sent)/);

  const flightCover = await coverOf(flightWorkflowId(flightId));
  expect(flightCover.summary).toContain('Charter flight 5A 1033 · LBY-TIP → MLI-BKO');
  expect(flightCover.current).toContain('1 on the manifest of 10 seats');
  expect(flightCover.current).toContain('Due to depart by');
  expect(flightCover.attributes).toContain('CaseDueAt');

  for (const cover of [caseCover, requestCover, flightCover]) {
    for (const text of [cover.summary, cover.details, cover.current]) expect(isCoverText(text)).toBe(true);
    const all = JSON.stringify(cover);
    for (const secret of [...SECRETS, '+22379135792']) expect([secret, all.includes(secret)]).toEqual([secret, false]);
  }
});
