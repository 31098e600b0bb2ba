import type { Knex } from 'knex';

/** A reception or transit centre, and the supervisor its overdue cases are reported to. */
export interface Centre {
  code: string;
  name: string;
  city: string;
  kind: string;
  supervisorEmail: string;
}

/** The liaison of a country's embassy, who answers travel-document requests in their language. */
export interface Embassy {
  country: string;
  name: string;
  liaisonEmail: string;
  language: 'fr' | 'en';
}

export async function listCentres(db: Knex): Promise<Centre[]> {
  const rows = await db('centres').orderBy('code');
  return rows.map((c) => ({ code: c.code, name: c.name, city: c.city, kind: c.kind, supervisorEmail: c.supervisor_email }));
}

/** A centre's name and supervisor; undefined when there is no such centre. */
export async function centreSupervisorOf(db: Knex, code: string): Promise<{ name: string; supervisorEmail: string } | undefined> {
  const row = await db('centres').where({ code }).first('supervisor_email', 'name');
  return row ? { name: row.name, supervisorEmail: row.supervisor_email } : undefined;
}

export async function listEmbassies(db: Knex): Promise<Embassy[]> {
  const rows = await db('embassies').orderBy('country');
  return rows.map((e) => ({ country: e.country, name: e.name, liaisonEmail: e.liaison_email, language: e.language }));
}

/** Whether a liaison is on file for the country's embassy. */
export async function hasEmbassyLiaison(db: Knex, country: string): Promise<boolean> {
  return (await db('embassies').where({ country }).first('country')) !== undefined;
}

/** Adds the country's embassy liaison, or replaces the one on file. */
export async function setEmbassy(db: Knex, embassy: Embassy): Promise<void> {
  const { country, name, liaisonEmail, language } = embassy;
  await db('embassies')
    .insert({ country, name, liaison_email: liaisonEmail, language })
    .onConflict('country')
    .merge({ name, liaison_email: liaisonEmail, language, updated_at: db.fn.now() });
}
