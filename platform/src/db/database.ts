import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { migrate, type Migration } from './migrate';

export interface DatabaseOptions {
  /** The service's own schema; the connection's search_path is set to it. */
  schema: string;
  /** A PostgreSQL server. Unset: an embedded PGlite with data under `dataDir`. */
  url?: string;
  dataDir?: string;
  /** For tests: start the embedded database from this tarball, in memory. */
  embeddedTemplate?: Blob;
  poolMax?: number;
  migrations?: Migration[];
  logger?: Logger;
}

export interface Database {
  knex: Knex;
  schema: string;
  embedded: boolean;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** bigint columns hold money in minor units; they come back as numbers, never silently rounded. */
function parseSafeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${value} exceeds 2^53-1`);
  return n;
}

const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return parseSafeInteger;
    if (oid === NUMERIC_OID) return (value: string) => (/^-?\d+$/.test(value) ? parseSafeInteger(value) : value);
    return (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
  },
};

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = options.url;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir, loadDataDir: options.embeddedTemplate });
    url = embedded.url;
    options.logger?.info({ dataDir: options.dataDir ?? 'memory' }, 'embedded PostgreSQL (PGlite) started');
  }
  const knex = knexFactory({
    client: 'pg',
    connection: {
      connectionString: url,
      types: typeParsers,
      application_name: options.schema,
    } as Knex.PgConnectionConfig,
    searchPath: [options.schema],
    // PGlite serves one connection at a time; a larger pool would only queue behind it.
    pool: { min: 0, max: embedded ? 1 : (options.poolMax ?? 10) },
    acquireConnectionTimeout: 30_000,
  });
  try {
    if (options.migrations) {
      const applied = await migrate(knex, options.schema, options.migrations);
      if (applied.length) options.logger?.info({ schema: options.schema, applied }, 'migrations applied');
    }
  } catch (error) {
    await knex.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    knex,
    schema: options.schema,
    embedded: Boolean(embedded),
    async ping() {
      await knex.raw('select 1');
    },
    async close() {
      await knex.destroy();
      await embedded?.stop();
    },
  };
}
