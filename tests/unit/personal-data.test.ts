import { anonymised, retentionCutoff } from '../../domain/personal-data';
import { ConfigError, loadConfig } from '../../platform/config';
import { officer, reception, registeredCase, rejection, step, supervisor, T0, HOUR, iso } from './fixtures';

describe('a consent withdrawal', () => {
  it('closes an open case as withdrew, keeping the date, even while suspended', () => {
    const held = step(step(registeredCase(), reception), { type: 'suspend', reason: 're-verification' }, { actor: supervisor });
    const withdrawn = step(held, { type: 'withdrawConsent', reason: 'wants to stop' }, { now: T0 + HOUR });
    expect(withdrawn.stage).toBe('closed');
    expect(withdrawn.closure).toMatchObject({ reason: 'withdrew', by: officer.sub, stage: 'received' });
    expect(withdrawn.consentWithdrawnAt).toBe(iso(T0 + HOUR));
    expect(withdrawn.task).toBeUndefined();
  });

  it('is refused on a closed case, and a withdrawn case is never reopened', () => {
    const withdrawn = step(registeredCase(), { type: 'withdrawConsent', reason: 'stop' });
    expect(rejection(withdrawn, { type: 'withdrawConsent', reason: 'again' }).code).toBe('stage_conflict');
    expect(rejection(withdrawn, { type: 'reopen', reason: 'came back' }, { actor: supervisor }).message).toMatch(/withdrew their consent/);
  });
});

describe('anonymised', () => {
  it('keeps codes, numbers, dates and staff ids, and drops words, names and identity keys', () => {
    const detail = {
      centreCode: 'BKO-MMEIA',
      medical: { provided: true, notes: 'asthma' },
      referrals: [{ kind: 'health', to: 'Dr Keita' }],
      summary: 'wants a shop',
      reason: 'withdrew',
      comment: 'call +22370000000',
      occurredAt: '2026-01-02T09:00:00.000Z',
      dateOfBirth: '1990-01-01',
      adultOn: '2008-01-01',
      documentNumber: 'X-1',
      decidedBy: 'sidi',
      items: [{ description: 'sewing machine', quantity: 1, unitCostXof: 300 }],
      dimensions: ['economic'],
      vulnerabilities: ['medical_condition'],
    };
    expect(anonymised(detail)).toEqual({
      centreCode: 'BKO-MMEIA',
      medical: { provided: true },
      referrals: [{ kind: 'health' }],
      reason: 'withdrew',
      occurredAt: '2026-01-02T09:00:00.000Z',
      decidedBy: 'sidi',
      items: [{ quantity: 1, unitCostXof: 300 }],
      dimensions: ['economic'],
      vulnerabilities: [],
    });
    expect(anonymised({ reason: 'he moved in with his uncle' })).toEqual({});
  });
});

it('retention: no period, no cutoff', () => {
  expect(retentionCutoff(T0, undefined)).toBeUndefined();
  expect(retentionCutoff(T0, HOUR)?.getTime()).toBe(T0 - HOUR);
});

describe('RETENTION_AFTER_CLOSURE', () => {
  it('takes whole years or a duration; empty or unset means never', () => {
    expect(loadConfig({ RETENTION_AFTER_CLOSURE: '5y' }).RETENTION_AFTER_CLOSURE).toBe(5 * 365 * 86_400_000);
    expect(loadConfig({ RETENTION_AFTER_CLOSURE: '180d' }).RETENTION_AFTER_CLOSURE).toBe(180 * 86_400_000);
    expect(loadConfig({ RETENTION_AFTER_CLOSURE: '' }).RETENTION_AFTER_CLOSURE).toBeUndefined();
    expect(loadConfig({}).RETENTION_AFTER_CLOSURE).toBeUndefined();
  });

  it('refuses anything else, naming the variable', () => {
    for (const value of ['five years', '0y', '-1d', '5 years']) {
      let error: unknown;
      try {
        loadConfig({ RETENTION_AFTER_CLOSURE: value });
      } catch (e) {
        error = e;
      }
      expect([value, error instanceof ConfigError && error.issues.map((i) => i.variable)]).toEqual([value, ['RETENTION_AFTER_CLOSURE']]);
    }
  });
});
