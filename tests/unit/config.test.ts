import path from 'node:path';
import { ConfigError, loadConfig } from '../../platform/config';
import { DAY, HOUR } from './fixtures';

const SECRET = 'a-production-secret-of-at-least-32-chars';
const CODEC_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

/** The ConfigError that loadConfig throws for this environment; fails the test when it loads. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

const variables = (error: ConfigError) => error.issues.map((i) => i.variable);

describe('loadConfig defaults (an empty environment)', () => {
  const config = loadConfig({});

  it('runs in development on port 3000 with the Temporal and mail defaults', () => {
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: 3000,
      EMBEDDED_PG_PORT: 5433,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'sira',
      TEMPORAL_DEV_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      SMTP_CATCHER_PORT: 2525,
      MAIL_FROM: 'sira@localhost',
      PROGRAMME_MANAGER_EMAIL: 'programme.manager@sira.local',
    });
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('is reached at localhost on its port and keeps data under an absolute .data directory', () => {
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.dataDir).toBe(path.resolve('.data'));
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });

  it('uses a development signing secret when no auth is configured', () => {
    expect(config.AUTH_SECRET).toEqual(expect.any(String));
    expect(config.AUTH_SECRET!.length).toBeGreaterThanOrEqual(32);
  });

  it('carries the Mali programme policy: €3,000 ceiling in XOF, 52,000 FCFA cash grant, 3/6/12-month visits', () => {
    expect(config.casePolicy).toEqual({
      hostCountry: 'MLI',
      ceilingXof: 1_967_871,
      defaultCashGrantXof: 52_000,
      slaMs: {
        reception: 3 * DAY,
        counselling: 14 * DAY,
        eligibility: 14 * DAY,
        planning: 30 * DAY,
        approval: 7 * DAY,
        disbursing: 60 * DAY,
        travel_document: 30 * DAY,
      },
      monitoringVisitOffsetsMs: [90 * DAY, 180 * DAY, 365 * DAY],
      sustainabilityThreshold: 0.66,
      monitoringEarlyWindowMs: 14 * DAY,
      programmeWindow: { startsOn: '2017-05-17' },
      cashGrantCapXof: 52_000,
    });
  });
});

describe('loadConfig overrides', () => {
  it('coerces numbers from strings and derives the public URL from PORT', () => {
    const config = loadConfig({
      PORT: '8080',
      ARRIVAL_CASH_GRANT_XOF: '60000',
      SUSTAINABILITY_THRESHOLD: '0.5',
    });
    expect(config.PORT).toBe(8080);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.casePolicy.defaultCashGrantXof).toBe(60_000);
    expect(config.casePolicy.sustainabilityThreshold).toBe(0.5);
  });

  it('strips a trailing slash from PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://sira.example.org/' }).publicUrl).toBe(
      'https://sira.example.org',
    );
  });

  it('an empty optional URL counts as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', SMTP_URL: '', PUBLIC_URL: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  it('each SLA_* variable sets its SLA, so a test can run the programme in seconds', () => {
    const config = loadConfig({
      SLA_RECEPTION: '20s',
      SLA_COUNSELLING: '1m',
      SLA_ELIGIBILITY: '2h',
      SLA_PLANNING: '500ms',
      SLA_APPROVAL: '1w',
      SLA_DISBURSING: '45d',
      SLA_TRAVEL_DOCUMENT: '3w',
    });
    expect(config.casePolicy.slaMs).toEqual({
      reception: 20_000,
      counselling: 60_000,
      eligibility: 2 * HOUR,
      planning: 500,
      approval: 7 * DAY,
      disbursing: 45 * DAY,
      travel_document: 21 * DAY,
    });
    expect(config.SLA_RECEPTION).toBe(20_000);
  });

  it('the monitoring early window, the programme window and the cash-grant cap are configuration', () => {
    const policy = loadConfig({
      MONITORING_EARLY_WINDOW: '0s',
      PROGRAMME_STARTS_ON: '2017-05-17',
      PROGRAMME_ENDS_ON: '2020-12-31',
      ARRIVAL_CASH_GRANT_CAP_XOF: '100000',
    }).casePolicy;
    expect(policy).toMatchObject({ monitoringEarlyWindowMs: 0, programmeWindow: { startsOn: '2017-05-17', endsOn: '2020-12-31' }, cashGrantCapXof: 100_000 });
    expect(() => loadConfig({ SLA_PLANNING: '0s' })).toThrow(/SLA_PLANNING/);
    expect(() => loadConfig({ PROGRAMME_ENDS_ON: '31/12/2020' })).toThrow(/PROGRAMME_ENDS_ON/);
  });

  it('MONITORING_VISITS sets the visit offsets', () => {
    expect(loadConfig({ MONITORING_VISITS: '20s,40s,1m' }).casePolicy.monitoringVisitOffsetsMs).toEqual([
      20_000, 40_000, 60_000,
    ]);
    expect(loadConfig({ MONITORING_VISITS: '30d' }).casePolicy.monitoringVisitOffsetsMs).toEqual([30 * DAY]);
  });

  it('REINTEGRATION_CEILING_EUR is converted to XOF, rounded down', () => {
    expect(loadConfig({ REINTEGRATION_CEILING_EUR: '1000' }).casePolicy.ceilingXof).toBe(655_957);
    expect(loadConfig({ REINTEGRATION_CEILING_EUR: '1500' }).casePolicy.ceilingXof).toBe(983_935);
  });

  it('with a JWKS URL and no secret, no development secret is made up', () => {
    const config = loadConfig({ AUTH_JWKS_URL: 'https://idp.example.org/.well-known/jwks.json' });
    expect(config.AUTH_SECRET).toBeUndefined();
    expect(config.AUTH_JWKS_URL).toBe('https://idp.example.org/.well-known/jwks.json');
  });

  it('a configured AUTH_SECRET is kept as is', () => {
    expect(loadConfig({ AUTH_SECRET: SECRET }).AUTH_SECRET).toBe(SECRET);
  });
});

describe('loadConfig refuses bad values with a ConfigError naming the variable', () => {
  it.each([
    'SLA_RECEPTION',
    'SLA_COUNSELLING',
    'SLA_ELIGIBILITY',
    'SLA_PLANNING',
    'SLA_APPROVAL',
    'SLA_DISBURSING',
  ])('a bad %s', (variable) => {
    const error = configError({ [variable]: 'soon' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.issues).toEqual([
      { variable, message: expect.stringContaining('"soon" is not a duration') },
    ]);
    expect(error.message).toContain(`${variable}: "soon" is not a duration`);
  });

  it.each(['0d', '-3d', '3 days', '72'])('SLA_APPROVAL=%j', (value) => {
    expect(variables(configError({ SLA_APPROVAL: value }))).toEqual(['SLA_APPROVAL']);
  });

  it('names every bad variable at once', () => {
    const error = configError({ SLA_RECEPTION: 'x', PORT: '70000', NODE_ENV: 'staging' });
    expect(variables(error).sort()).toEqual(['NODE_ENV', 'PORT', 'SLA_RECEPTION']);
  });

  it.each(['180d,90d', '90d,90d', '90d,180d,120d'])('MONITORING_VISITS must increase (%j)', (value) => {
    const error = configError({ MONITORING_VISITS: value });
    expect(variables(error)).toEqual(['MONITORING_VISITS']);
    expect(error.issues[0].message).toMatch(/increasing durations/);
  });

  it('an empty variable counts as unset', () => {
    const config = loadConfig({ MONITORING_VISITS: '', DATABASE_URL: '', TEMPORAL_ADDRESS: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.casePolicy.monitoringVisitOffsetsMs).toEqual([90 * DAY, 180 * DAY, 365 * DAY]);
  });

  it.each(['90d,,365d', '90d,later', ' '])('MONITORING_VISITS must be durations (%j)', (value) => {
    expect(variables(configError({ MONITORING_VISITS: value }))).toEqual(['MONITORING_VISITS']);
  });

  it.each([
    ['PORT', '0'],
    ['PORT', 'eighty'],
    ['PORT', '80.5'],
    ['REINTEGRATION_CEILING_EUR', '0'],
    ['REINTEGRATION_CEILING_EUR', '-3000'],
    ['ARRIVAL_CASH_GRANT_XOF', '-1'],
    ['ARRIVAL_CASH_GRANT_XOF', '52000.5'],
    ['SUSTAINABILITY_THRESHOLD', '1.5'],
    ['SUSTAINABILITY_THRESHOLD', '-0.1'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'verbose'],
    ['MAIL_FROM', 'not-an-address'],
    ['PUBLIC_URL', 'not a url'],
    ['AUTH_SECRET', 'too-short'],
  ])('%s=%j', (variable, value) => {
    expect(variables(configError({ [variable]: value }))).toEqual([variable]);
  });
});

describe('production', () => {
  it('requires AUTH_SECRET or AUTH_JWKS_URL', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.issues).toEqual([
      { variable: 'AUTH_SECRET', message: 'set AUTH_SECRET or AUTH_JWKS_URL in production' },
    ]);
  });

  it('an empty AUTH_JWKS_URL does not count', () => {
    expect(variables(configError({ NODE_ENV: 'production', AUTH_JWKS_URL: '' }))).toEqual(['AUTH_SECRET']);
  });

  it('starts with an AUTH_SECRET of at least 32 characters', () => {
    const config = loadConfig({ NODE_ENV: 'production', AUTH_SECRET: SECRET, SIRA_CODEC_KEYS: CODEC_KEYS });
    expect(config.NODE_ENV).toBe('production');
    expect(config.AUTH_SECRET).toBe(SECRET);
  });

  it('starts with an AUTH_JWKS_URL and then has no shared secret at all', () => {
    const config = loadConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example.org/jwks', SIRA_CODEC_KEYS: CODEC_KEYS });
    expect(config.AUTH_SECRET).toBeUndefined();
  });
});
