import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/**
 * Prefixed, time-ordered ids (`pay_01JD…`): the prefix says what an id is, and sorting by id
 * sorts by creation time, which keyset pagination relies on.
 */
export function newId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}
