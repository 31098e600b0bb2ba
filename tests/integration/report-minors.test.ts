import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let officer: string;
let manager: string;

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_API_PER_MINUTE: '100000' });
  officer = await stack.token('case_officer', { centres: ['BKO-AJDM'], sub: 'kadi' });
  manager = await stack.token('manager', { sub: 'mariam' });
});

afterAll(async () => {
  await stack?.stop();
});

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The date of birth of someone who turns 18 `offsetDays` after `on` (negative: before). */
const bornToTurn18 = (on: number, offsetDays: number) => {
  const birthday = new Date(on + offsetDays * DAY);
  return `${birthday.getUTCFullYear() - 18}-${day(birthday.getTime()).slice(5)}`;
};

test('a minor counts by their age on arrival: one who turned 18 since still counts, one who turned 18 the day before does not', async () => {
  const arrivedAt = Date.now() - 30 * DAY;
  const register = async (dateOfBirth: string, sex: 'F' | 'M', unaccompaniedMinor: boolean) => {
    const res = await stack.api
      .post('/v1/cases')
      .set('Authorization', `Bearer ${officer}`)
      .send(
        registrationBody({
          centreCode: 'BKO-AJDM',
          person: { sex, nationality: 'MLI', dateOfBirth },
          arrival: { mode: 'commercial', arrivedAt: new Date(arrivedAt).toISOString(), fromCountry: 'LBY' },
          unaccompaniedMinor,
        }),
      );
    expect(res.status).toBe(201);
    return res.body.caseId as string;
  };
  // 17 on arrival, 18 ten days later: the case has since stopped counting him as a minor.
  const turned = await register(bornToTurn18(arrivedAt, 10), 'M', true);
  // 18 the day before arrival: an adult returnee.
  await register(bornToTurn18(arrivedAt, -1), 'F', false);
  for (let i = 0; i < 100; i++) {
    const row = await stack.db('cases').where({ case_id: turned }).first('state');
    if (row.state.minor === false) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await stack.db('cases').where({ case_id: turned }).first('state')).state.minor).toBe(false);

  const res = await stack.api
    .get('/v1/reports/programme')
    .query({ from: day(arrivedAt), to: day(arrivedAt), centre: 'BKO-AJDM' })
    .set('Authorization', `Bearer ${manager}`);
  expect(res.status).toBe(200);
  expect(res.body.figures['returns.malians'].value).toBe(2);
  expect(res.body.figures['minors.malian']).toMatchObject({ value: 1, girls: 0, boys: 1 });
});
