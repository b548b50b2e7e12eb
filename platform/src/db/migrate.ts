import type { Knex } from 'knex';

export interface Migration {
  /** Unique and stable forever: it is the row knex records as applied. */
  name: string;
  up(knex: Knex): Promise<void>;
  down?(knex: Knex): Promise<void>;
}

/**
 * Migrations are an explicit list of modules rather than a folder scan, so the same code runs
 * from TypeScript sources under tsx and from compiled JavaScript in the image.
 */
class ListMigrationSource implements Knex.MigrationSource<Migration> {
  constructor(private readonly migrations: Migration[]) {}
  async getMigrations() {
    return this.migrations;
  }
  getMigrationName(migration: Migration) {
    return migration.name;
  }
  async getMigration(migration: Migration) {
    return { up: migration.up, down: migration.down ?? (async () => undefined) };
  }
}

/** Creates the service's schema if needed and applies pending migrations inside it. */
export async function migrate(knex: Knex, schema: string, migrations: Migration[]): Promise<string[]> {
  const names = new Set<string>();
  for (const m of migrations) {
    if (names.has(m.name)) throw new Error(`Duplicate migration name: ${m.name}`);
    names.add(m.name);
  }
  await knex.raw('create schema if not exists ??', [schema]);
  const [, applied] = (await knex.migrate.latest({
    schemaName: schema,
    tableName: 'knex_migrations',
    migrationSource: new ListMigrationSource(migrations),
  })) as [number, string[]];
  return applied;
}
