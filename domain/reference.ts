/** Reference data of the Mali deployment (centres, regions, roles). Seeds and validation share these lists. */

export const CENTRE_CODES = [
  'BKO-MMEIA',
  'BKO-AJDM',
  'BKO-ENDA',
  'BKO-KANUYA',
  'BKO-VER',
  'BKO-ARACEM',
  'GAO-PC',
  'GAO-DIREYBEN',
  'GAO-MDM',
  'KAY-TRANSIT',
  'GAO-TRANSIT',
] as const;

/** The flow-monitoring points where migrants passing through are counted (aggregates, never a person). */
export const FLOW_MONITORING_POINT_CODES = [
  'FMP-GAO',
  'FMP-TOMBOUCTOU',
  'FMP-KIDAL',
  'FMP-MENAKA',
  'FMP-MOPTI',
  'FMP-KAYES',
  'FMP-SEGOU',
  'FMP-SIKASSO',
  'FMP-BKO-SOGONIKO',
  'FMP-BKO-DJICORONI',
] as const;

export const REGIONS = ['Bamako', 'Koulikoro', 'Mopti', 'Ségou', 'Sikasso', 'Kayes', 'Gao', 'Tombouctou'] as const;

/** The roles a token names. A flow monitor records the daily counts at flow-monitoring points, nothing else. */
export const ROLES = ['case_officer', 'supervisor', 'manager', 'movement_officer', 'flow_monitor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The nationality whose returnees follow the reintegration track; everyone else returns onward. */
export const HOST_COUNTRY = 'MLI';

/** Fixed parity of the CFA franc (XOF) to the euro. */
export const XOF_PER_EUR = 655.957;
