import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { monotonicFactory } from 'ulid';

const COLUMNS =
  'id, debit_account_id, credit_account_id, amount, currency, status, initiator, created_at, posted_amount';
const COPY_SQL = `copy ledger.transfers (${COLUMNS}) from stdin with (format csv)`;

/**
 * History for the scale runs: `count` posted transfers of 1 between the given pairs of
 * accounts, alternating direction so each pair's net is zero (balances stay right and
 * GET /v1/ledger/verify stays clean). Ids are ULIDs timestamped in the past, as older
 * transfers have. `count` is rounded up to a multiple of 2 × pairs.
 */
export function historyRows(
  pairs: Array<[string, string]>,
  count: number,
  currency: string,
): { rows: number; csv: Generator<string> } {
  const rounds = Math.ceil(count / (2 * pairs.length)) * 2;
  const rows = rounds * pairs.length;
  const ulid = monotonicFactory();
  const base = Date.now() - 90 * 86_400_000;
  function* csv(): Generator<string> {
    let chunk = '';
    let k = 0;
    for (let round = 0; round < rounds; round += 1) {
      for (const [a, b] of pairs) {
        const [from, to] = round % 2 ? [b, a] : [a, b];
        const at = base + k;
        chunk += `tr_${ulid(at)},${from},${to},1,${currency},posted,seed,${new Date(at).toISOString()},1\n`;
        k += 1;
        if (chunk.length > 1 << 20) {
          yield chunk;
          chunk = '';
        }
      }
    }
    if (chunk) yield chunk;
  }
  return { rows, csv: csv() };
}

/** COPY into the ledger on the PostgreSQL server (pg-copy-streams). */
export async function seedServer(
  url: string,
  pairs: Array<[string, string]>,
  count: number,
  currency: string,
): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows, csv } = historyRows(pairs, count, currency);
    await pipeline(Readable.from(csv), client.query(copyFrom(COPY_SQL)));
    await client.query('analyze ledger.transfers');
    return rows;
  } finally {
    await client.end();
  }
}

/** COPY into transaction-service's embedded database (its process stopped): PGlite reads COPY from '/dev/blob'. */
export async function seedPglite(
  dataDir: string,
  pairs: Array<[string, string]>,
  count: number,
  currency: string,
): Promise<number> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir);
  try {
    const { rows, csv } = historyRows(pairs, count, currency);
    const parts = [...csv];
    await db.query(`copy ledger.transfers (${COLUMNS}) from '/dev/blob' with (format csv)`, [], {
      blob: new Blob(parts),
    });
    await db.exec('analyze ledger.transfers');
    return rows;
  } finally {
    await db.close();
  }
}
