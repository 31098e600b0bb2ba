import type { Db } from '../index';

export const CENTRES = [
  { code: 'BKO-MMEIA', name: "Centre d'accueil du MMEIA (Cité d'accueil)", city: 'Bamako', kind: 'reception' },
  { code: 'BKO-AJDM', name: 'AJDM', city: 'Bamako', kind: 'reception' },
  { code: 'BKO-ENDA', name: 'ENDA', city: 'Bamako', kind: 'reception' },
  { code: 'BKO-KANUYA', name: 'Kanuya', city: 'Bamako', kind: 'reception' },
  { code: 'BKO-VER', name: 'Ver', city: 'Bamako', kind: 'reception' },
  { code: 'BKO-ARACEM', name: 'ARACEM', city: 'Bamako', kind: 'reception' },
  { code: 'GAO-PC', name: 'Centre de la Protection Civile', city: 'Gao', kind: 'reception' },
  { code: 'GAO-DIREYBEN', name: 'ONG Direy Ben', city: 'Gao', kind: 'reception' },
  { code: 'GAO-MDM', name: 'Maison des Migrants', city: 'Gao', kind: 'reception' },
  { code: 'KAY-TRANSIT', name: 'Centre de transit de Kayes', city: 'Kayes', kind: 'transit' },
  { code: 'GAO-TRANSIT', name: 'Centre de transit de Gao', city: 'Gao', kind: 'transit' },
] as const;

export const EMBASSIES = [
  { country: 'GHA', name: 'Embassy of Ghana in Bamako', language: 'en' },
  { country: 'TGO', name: 'Ambassade du Togo à Bamako', language: 'fr' },
  { country: 'GIN', name: 'Ambassade de Guinée à Bamako', language: 'fr' },
  { country: 'CIV', name: "Ambassade de Côte d'Ivoire à Bamako", language: 'fr' },
  { country: 'COG', name: 'Ambassade du Congo à Bamako', language: 'fr' },
  { country: 'NGA', name: 'Embassy of Nigeria in Bamako', language: 'en' },
  { country: 'NER', name: 'Ambassade du Niger à Bamako', language: 'fr' },
] as const;

/**
 * The programme's ten flow-monitoring points at nine places; Bamako, where the roads
 * north and west meet, has two, at its main bus stations.
 */
export const FLOW_MONITORING_POINTS = [
  { code: 'FMP-GAO', name: 'Gao', city: 'Gao', region: 'Gao' },
  { code: 'FMP-TOMBOUCTOU', name: 'Tombouctou', city: 'Tombouctou', region: 'Tombouctou' },
  { code: 'FMP-KIDAL', name: 'Kidal', city: 'Kidal', region: 'Kidal' },
  { code: 'FMP-MENAKA', name: 'Ménaka', city: 'Ménaka', region: 'Ménaka' },
  { code: 'FMP-MOPTI', name: 'Mopti', city: 'Mopti', region: 'Mopti' },
  { code: 'FMP-KAYES', name: 'Kayes', city: 'Kayes', region: 'Kayes' },
  { code: 'FMP-SEGOU', name: 'Ségou', city: 'Ségou', region: 'Ségou' },
  { code: 'FMP-SIKASSO', name: 'Sikasso', city: 'Sikasso', region: 'Sikasso' },
  { code: 'FMP-BKO-SOGONIKO', name: 'Bamako, gare routière de Sogoniko', city: 'Bamako', region: 'Bamako' },
  { code: 'FMP-BKO-DJICORONI', name: 'Bamako, gare routière de Djicoroni-Para', city: 'Bamako', region: 'Bamako' },
] as const;

/**
 * Inserts the reference centres, embassies and flow-monitoring points when missing. Existing rows
 * are left alone, so an administrator's changes (a new liaison address) survive every restart.
 */
export async function seedReferenceData(db: Db): Promise<void> {
  await db('centres')
    .insert(CENTRES.map((c) => ({ ...c, supervisor_email: `supervisor.${c.code.toLowerCase()}@sira.local` })))
    .onConflict('code')
    .ignore();
  await db('embassies')
    .insert(EMBASSIES.map((e) => ({ ...e, liaison_email: `liaison.${e.country.toLowerCase()}@embassies.sira.local` })))
    .onConflict('country')
    .ignore();
  await db('flow_monitoring_points').insert([...FLOW_MONITORING_POINTS]).onConflict('code').ignore();
}
