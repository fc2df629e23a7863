import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Kysely, Migration, MigrationProvider, MigrationResultSet } from 'kysely';
import { Migrator } from 'kysely';

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Every frozen migration of the project lives in infra/db/migrations as `NNNN_name.ts` (number ranges
 * per module keep engineers from colliding; see the README). Unordered migrations are allowed because
 * modules add theirs independently; each one only creates what it owns.
 */
// Our own provider rather than kysely's FileMigrationProvider: its import() runs inside node_modules,
// where test runners and tsx do not load TypeScript files.
const folderProvider: MigrationProvider = {
  async getMigrations() {
    const files = (await fs.readdir(migrationFolder)).filter((f) => /^\d{4}_[a-z0-9_]+\.ts$/.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.ts$/, '')] = (await import(pathToFileURL(path.join(migrationFolder, file)).href)) as Migration;
    }
    return migrations;
  },
};

export const migrator = (db: Kysely<unknown>): Migrator =>
  new Migrator({
    db,
    provider: folderProvider,
    allowUnorderedMigrations: true,
  });

export const migrateToLatest = async (db: Kysely<unknown>, log: (line: string) => void = () => {}): Promise<void> => {
  const { error, results } = await migrator(db).migrateToLatest();
  report(results, log);
  if (error) throw error instanceof Error ? error : new Error(String(error));
};

const report = (results: MigrationResultSet['results'], log: (line: string) => void): void => {
  for (const result of results ?? []) log(`migration ${result.migrationName}: ${result.status}`);
};
