import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/**
 * Cryptographic random bytes drawn from a pool refilled 4 KiB at a time. ulid's own generator
 * asks the OS for one byte per character (16 calls per id), which showed up in CPU profiles of
 * every service under load; the bytes are the same quality, only fetched in bulk.
 */
const pool = Buffer.alloc(4096);
let next = pool.length;
function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

const ulid = monotonicFactory(pooledRandom);

/**
 * Prefixed, time-ordered ids (`pay_01JD…`): the prefix says what an id is, and sorting by id
 * sorts by creation time, which keyset pagination relies on.
 */
export function newId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}
