import fs from 'node:fs/promises';

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
  // Loaded lazily: production images talk to RDS and never need the WASM build.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  if (options.dataDir) await fs.mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(
    options.dataDir ?? 'memory://',
    options.loadDataDir ? { loadDataDir: options.loadDataDir } : {},
  );
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** An initialised, empty data directory as a tarball, so each test database skips initdb. */
export async function dumpFreshDataDir(): Promise<Blob> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create('memory://');
  const dump = await db.dumpDataDir('none');
  await db.close();
  return dump;
}
