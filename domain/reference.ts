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

export const REGIONS = ['Bamako', 'Koulikoro', 'Mopti', 'Ségou', 'Sikasso', 'Kayes', 'Gao', 'Tombouctou'] as const;

export const ROLES = ['case_officer', 'supervisor', 'manager', 'movement_officer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The nationality whose returnees follow the reintegration track; everyone else returns onward. */
export const HOST_COUNTRY = 'MLI';

/** Fixed parity of the CFA franc (XOF) to the euro. */
export const XOF_PER_EUR = 655.957;
