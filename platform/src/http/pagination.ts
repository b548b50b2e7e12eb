/** One page of a list request (docs/contract.md §3): at most `limit` objects, after or before a cursor id. */
export interface PageRequest {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
}

export interface PageResult<T> {
  data: T[];
  hasMore: boolean;
}

/** The query of every list endpoint (`listQuerySchema`), as the page a store is asked for. */
export function pageRequest(query: { limit: number; starting_after?: string; ending_before?: string }): PageRequest {
  return { limit: query.limit, startingAfter: query.starting_after, endingBefore: query.ending_before };
}

/** The list envelope every list endpoint returns. */
export function listBody<T, U>(page: PageResult<T>, present: (item: T) => U) {
  return { object: 'list' as const, data: page.data.map(present), has_more: page.hasMore };
}
