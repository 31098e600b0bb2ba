import { SEARCH_ATTRIBUTE_LIMITS, SIRA_SEARCH_ATTRIBUTES, searchAttributeFlags } from '../../workflows/search-attributes';

test('the registered search attributes fit the dev server’s SQLite visibility limits per type', () => {
  const perType = new Map<string, number>();
  for (const key of SIRA_SEARCH_ATTRIBUTES) perType.set(key.type, (perType.get(key.type) ?? 0) + 1);
  for (const [type, count] of perType) expect([type, count <= (SEARCH_ATTRIBUTE_LIMITS[type] ?? 0)]).toEqual([type, true]);
});

test('each search attribute is registered once, with a CLI flag', () => {
  const names = SIRA_SEARCH_ATTRIBUTES.map((k) => k.name);
  expect(new Set(names).size).toBe(names.length);
  expect(searchAttributeFlags().filter((f) => f !== '--search-attribute')).toHaveLength(names.length);
  expect(searchAttributeFlags()).toContain('CaseOverdue=Bool');
});
