import type { Knex } from 'knex';
import type { PageRequest, PageResult } from '../http/pagination';

/**
 * Newest-first keyset pagination on a time-ordered id column (docs/contract.md §3): the database
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
