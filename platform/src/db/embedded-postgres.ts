import fs from 'node:fs/promises';
import { lockDirectory, type DirectoryLock } from './directory-lock';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the `pg` driver. */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** A directory for persistent data, or undefined for an in-memory database. */
  dataDir?: string;
  /** A `dumpDataDir()` tarball to start from instead of running initdb (tests). */
  loadDataDir?: Blob;
}

/**
 * A real PostgreSQL (PGlite, Postgres compiled to WASM) inside this process, served over the
 * Postgres wire protocol on a loopback port so the application uses the same `pg` driver code
 * path as against a server. PGlite runs one query at a time: callers use a pool of one.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { PGlite, PGLiteSocketServer } = await loadPglite();
  let lock: DirectoryLock | undefined;
  if (options.dataDir) {
    await fs.mkdir(options.dataDir, { recursive: true });
    // Beside the directory, not in it: PostgreSQL owns what is inside.
    lock = await lockDirectory(`${options.dataDir}.lock`, process.argv[1] ?? 'node', options.dataDir);
  }
  let db: Awaited<ReturnType<typeof PGlite.create>>;
  try {
    db = await PGlite.create(
      options.dataDir ?? 'memory://',
      options.loadDataDir ? { loadDataDir: options.loadDataDir } : {},
    );
  } catch (error) {
    await lock?.release();
    throw new Error(
      `The embedded database in ${options.dataDir ?? 'memory'} cannot be opened (${String(error)}). ` +
        'Nothing else has it open (it is locked), so its files are damaged: move the directory aside ' +
        'to start with an empty database, or restore it from a copy.',
      { cause: error },
    );
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
      await lock?.release();
    },
  };
}

/**
 * PGlite is an optional peer of the platform: the local stack (`local/`) and the tests install
 * it, production images do not (they talk to RDS through DATABASE_URL). Loaded only when needed,
 * with a message that says what to do when it is absent.
 */
async function loadPglite() {
  try {
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-socket'),
    ]);
    return { PGlite, PGLiteSocketServer };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      'DATABASE_URL is not set and the embedded PostgreSQL (@electric-sql/pglite) is not installed. ' +
        'Set DATABASE_URL to a PostgreSQL server, or run from the repository with its dev dependencies (npm ci).',
      { cause: error },
    );
  }
}

/** An initialised, empty data directory as a tarball, so each test database skips initdb. */
export async function dumpFreshDataDir(): Promise<Blob> {
  const { PGlite } = await loadPglite();
  const db = await PGlite.create('memory://');
  const dump = await db.dumpDataDir('none');
  await db.close();
  return dump;
}
