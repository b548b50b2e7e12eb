import type { Knex } from 'knex';

export interface PageRequest {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
}

export interface PageResult<T> {
  data: T[];
  hasMore: boolean;
}

/**
 * Newest-first keyset pagination on a time-ordered id column (DESIGN.md §3): the database
 * seeks straight to the cursor through an index, so a page costs the same on page 1 and page
 * 10,000. `starting_after` pages towards older objects, `ending_before` towards newer ones.
 */
export async function keysetPage<Row>(
  query: Knex.QueryBuilder,
  page: PageRequest,
  column = 'id',
): Promise<PageResult<Row>> {
  if (page.endingBefore) {
    const rows: Row[] = await query
      .where(column, '>', page.endingBefore)
      .orderBy(column, 'asc')
      .limit(page.limit + 1);
    return { data: rows.slice(0, page.limit).reverse(), hasMore: rows.length > page.limit };
  }
  if (page.startingAfter) query.where(column, '<', page.startingAfter);
  const rows: Row[] = await query.orderBy(column, 'desc').limit(page.limit + 1);
  return { data: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

/** The list envelope every list endpoint returns. */
export function listBody<T, U>(page: PageResult<T>, present: (item: T) => U) {
  return { object: 'list' as const, data: page.data.map(present), has_more: page.hasMore };
}
