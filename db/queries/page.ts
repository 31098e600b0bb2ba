import type { Knex } from 'knex';

/** Which page of a list the caller asks for, counted from 1. */
export interface PageRequest {
  page: number;
  pageSize: number;
}

/**
 * One page of what a filtered query matches, and how many rows match in all: the count runs on the
 * filter alone, the page on the filter with the columns and order `shape` adds.
 */
export async function page<Row = Record<string, unknown>>(
  filtered: Knex.QueryBuilder,
  at: PageRequest,
  shape: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
): Promise<{ rows: Row[]; total: number }> {
  const [{ count }] = await filtered.clone().count<{ count: number | string }[]>({ count: '*' });
  const rows: Row[] = await shape(filtered.clone())
    .limit(at.pageSize)
    .offset((at.page - 1) * at.pageSize);
  return { rows, total: Number(count) };
}
