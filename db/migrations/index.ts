import type { Knex } from 'knex';
import * as m001 from './001_reference';
import * as m002 from './002_cases';
import * as m003 from './003_flights';
import * as m004 from './004_travel_documents';
import * as m005 from './005_audit';
import * as m006 from './006_idempotency';
import * as m007 from './007_second_returns';
import * as m008 from './008_vendors';
import * as m009 from './009_travel_document_conflicts';
import * as m010 from './010_flight_minor_safeguards';
import * as m011 from './011_business_dates';
import * as m012 from './012_report_indexes';
import * as m013 from './013_flow_monitoring';
import * as m014 from './014_rate_limits';
import * as m015 from './015_personal_data';
import * as m016 from './016_audit_payload_count';

type Migration = { up(db: Knex): Promise<void>; down(db: Knex): Promise<void> };

// Listed explicitly rather than read from the folder, so the same list runs under tsx, ts-jest and a build.
const MIGRATIONS: Record<string, Migration> = {
  '001_reference': m001,
  '002_cases': m002,
  '003_flights': m003,
  '004_travel_documents': m004,
  '005_audit': m005,
  '006_idempotency': m006,
  '007_second_returns': m007,
  '008_vendors': m008,
  '009_travel_document_conflicts': m009,
  '010_flight_minor_safeguards': m010,
  '011_business_dates': m011,
  '012_report_indexes': m012,
  '013_flow_monitoring': m013,
  '014_rate_limits': m014,
  '015_personal_data': m015,
  '016_audit_payload_count': m016,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name],
};
