import { technicalArea, technicalProblem } from '../../activities/technical-failures';
import { technicalMessage } from '../../domain/technical-problem';

describe('what a failing activity says to do', () => {
  it.each<[string, unknown, string]>([
    ['nodemailer cannot connect', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ESOCKET', command: 'CONN' }), 'smtp'],
    ['the mail server refuses a recipient', Object.assign(new Error('Message failed'), { code: 'EENVELOPE' }), 'smtp'],
    ['Postgres is shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), 'postgres'],
    ['the pool cannot get a connection', new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), 'postgres'],
    ['a refused connection to Postgres', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED', port: 5433 }), 'postgres'],
    ['Temporal is away', Object.assign(new Error('14 UNAVAILABLE: No connection established'), { name: 'ServiceError' }), 'temporal'],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'centre')"), 'unknown'],
  ])('%s', (_, error, area) => {
    expect(technicalArea(error)).toBe(area);
  });

  it('names the activity, the attempt, since when, the cause and what to do', () => {
    const problem = technicalProblem(Object.assign(new Error('x'), { code: 'ESOCKET' }), {
      activityType: 'sendTravelDocumentMail',
      attempt: 4,
      scheduledTimestampMs: Date.parse('2026-11-29T10:00:00Z'),
    });
    expect(problem).toMatchObject({ area: 'smtp', attempt: 4, failingSince: '2026-11-29T10:00:00.000Z' });
    expect(technicalMessage(problem, 'connect ECONNREFUSED')).toBe(
      `sendTravelDocumentMail failed (attempt 4, failing since 2026-11-29 10:00 UTC): connect ECONNREFUSED. What to do: ${problem.whatToDo}`,
    );
    expect(problem.whatToDo).toMatch(/SMTP_URL/);
  });
});
