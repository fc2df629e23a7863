import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Before a test database goes away, writes every row of every table as text into
 * PINGGAI_PII_SCAN_DIR (set by infra/scripts/test.mjs for the e2e tier), for infra/scripts/pii-scan.mjs
 * to search for plain phone numbers. Does nothing when the variable is unset. Works on the Postgres
 * server (pg client) and on PGlite alike: rows as Postgres prints them (`t::text`), one per line.
 */
export type RowQuery = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;

export const dumpForPiiScan = async (label: string, query: RowQuery, dir = process.env.PINGGAI_PII_SCAN_DIR): Promise<string | null> => {
  if (!dir) return null;
  const tables = await query(
    `select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
  );
  const out: string[] = [];
  for (const row of tables.rows) {
    const name = `"${String(row.s).replaceAll('"', '""')}"."${String(row.t).replaceAll('"', '""')}"`;
    out.push(`-- ${name}`);
    const rows = await query(`select t::text as r from ${name} t`);
    for (const r of rows.rows) out.push(String(r.r));
  }
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${label.replace(/[^A-Za-z0-9_-]/g, '_')}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.sql.txt`);
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
};
