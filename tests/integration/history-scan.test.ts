import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createPayloadCodec, ENCRYPTED_ENCODING } from '../../platform/codec';
import { caseWorkflowId } from '../../workflows/ids';
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
