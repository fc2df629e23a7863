import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { DomainError } from '../../core/shared/errors.ts';
import type { AnyProjection } from './types.ts';
import { schemaOf } from './types.ts';

type Db = Kysely<unknown>;

export const activeVersion = async (db: Db, name: string): Promise<number | null> => {
  const { rows } = await sql<{
    version: number;
  }>`select version from app.projection_active where projection = ${name}`.execute(db);
  return rows[0]?.version ?? null;
};

const tableExists = async (db: Db, schema: string, table: string): Promise<boolean> => {
  const { rows } = await sql<{ found: boolean }>`
    select exists (select 1 from information_schema.tables where table_schema = ${schema} and table_name = ${table}) as found`.execute(
    db,
  );
  return rows[0]?.found ?? false;
};

/**
 * Makes the tables of a version exist and empty, with no checkpoint, ready to build from position 0.
 * A version whose shape changed gets its tables from a frozen migration; a version that only changes
 * `apply` (a fix) has none, and is cloned from the active version (`like … including all`: columns,
 * defaults, constraints, indexes).
 */
export const prepareVersion = async (db: Db, projection: AnyProjection): Promise<void> => {
  const target = schemaOf(projection);
  const active = await activeVersion(db, projection.name);
  if (active === projection.version) {
    throw new DomainError(
      'PROJECTION_VERSION_ACTIVE',
      `projection ${projection.name}@v${projection.version} is serving; rebuild into a new version`,
      {
        status: 409,
        details: { projection: projection.name, version: projection.version },
      },
    );
  }
  await db.transaction().execute(async (trx) => {
    await sql`create schema if not exists ${sql.id(target)}`.execute(trx);
    for (const table of projection.tables) {
      if (!(await tableExists(trx, target, table))) {
        if (active === null)
          throw new Error(
            `projection ${projection.name}: no table ${target}.${table} and no active version to clone it from`,
          );
        const source = schemaOf({ name: projection.name, version: active });
        await sql`create table ${sql.id(target, table)} (like ${sql.id(source, table)} including all)`.execute(
          trx,
        );
      }
      await sql`truncate table ${sql.id(target, table)}`.execute(trx);
    }
    await sql`delete from app.projection_checkpoints where projection = ${projection.name} and version = ${projection.version}`.execute(
      trx,
    );
  });
};

/**
 * The blue/green swap: in one transaction every `app.<table>` view is pointed at this version's
 * tables and `app.projection_active` records it. Readers see the old version or the new one, never a
 * mix (DDL is transactional in Postgres; a reader waits for the swap's lock for a moment).
 */
export const activateVersion = async (db: Db, projection: AnyProjection): Promise<void> => {
  const schema = schemaOf(projection);
  await db.transaction().execute(async (trx) => {
    for (const table of projection.tables) {
      await sql`drop view if exists ${sql.id('app', table)}`.execute(trx);
      await sql`create view ${sql.id('app', table)} as select * from ${sql.id(schema, table)}`.execute(trx);
    }
    await sql`
      insert into app.projection_active (projection, version) values (${projection.name}, ${projection.version})
      on conflict (projection) do update set version = excluded.version, swapped_at = now()`.execute(trx);
  });
};

/** Drops a retired version's tables and checkpoint; refused for the version that is serving. */
export const dropVersion = async (
  db: Db,
  projection: Pick<AnyProjection, 'name' | 'version'>,
): Promise<void> => {
  if ((await activeVersion(db, projection.name)) === projection.version) {
    throw new DomainError(
      'PROJECTION_VERSION_ACTIVE',
      `projection ${projection.name}@v${projection.version} is serving; it cannot be dropped`,
      { status: 409 },
    );
  }
  await db.transaction().execute(async (trx) => {
    await sql`drop schema if exists ${sql.id(schemaOf(projection))} cascade`.execute(trx);
    await sql`delete from app.projection_checkpoints where projection = ${projection.name} and version = ${projection.version}`.execute(
      trx,
    );
  });
};
