/**
 * `npm run projections -- <command>` — the operator's handle on the read models:
 *   status                          serving version, checkpoint and lag of every projection
 *   rebuild <name> [--version N]    build version N (default: the serving one + 1, same code) from
 *                                   position 0 beside the serving one, with progress lines, then swap
 *   drop <name> --version N         drop a retired version's tables
 * On a Postgres server (PINGGAI_PG_URL) this runs beside live projectors; for the embedded PGlite
 * (PINGGAI_DATA_DIR, default .data) it takes the data folder's lock, so stop `npm start` first —
 * or let `npm start` rebuild a newer registered version itself (startProjections).
 */
import * as v from 'valibot';
import { projectionRegistry } from './index.ts';
import { projectorLag } from './runtime/lag.ts';
import { formatProgress, rebuildProjection } from './runtime/rebuild.ts';
import { activeVersion, dropVersion } from './runtime/schema.ts';
import type { AnyProjection } from './runtime/types.ts';
import { CliInputError, openCliDatabase } from '../infra/cli/database.ts';

const Args = v.union([
  v.tuple([v.literal('status')]),
  v.tuple([v.literal('rebuild'), v.string()]),
  v.tuple([
    v.literal('rebuild'),
    v.string(),
    v.literal('--version'),
    v.pipe(v.string(), v.regex(/^[1-9]\d*$/, 'a positive integer')),
  ]),
  v.tuple([
    v.literal('drop'),
    v.string(),
    v.literal('--version'),
    v.pipe(v.string(), v.regex(/^[1-9]\d*$/, 'a positive integer')),
  ]),
]);

const fail = (message: string): never => {
  console.error(`projections: ${message}`);
  process.exit(2);
};

const args = v.safeParse(Args, process.argv.slice(2));
if (!args.success) fail('usage: status | rebuild <name> [--version N] | drop <name> --version N');
const [command, name, , versionText] = args.output! as readonly string[];
const log = (line: string) => console.log(line);

const open = () =>
  openCliDatabase({ env: process.env, name: 'pinggai-projections-cli', log }).catch((error: unknown) =>
    error instanceof CliInputError ? fail(error.message) : Promise.reject(error),
  );

const codeFor = (projectionName: string, version: number | null): AnyProjection => {
  const versions = projectionRegistry
    .filter((projection) => projection.name === projectionName)
    .sort((a, b) => a.version - b.version);
  const newest =
    versions[versions.length - 1] ??
    fail(
      `no projection named ${projectionName} (known: ${[...new Set(projectionRegistry.map((p) => p.name))].join(', ')})`,
    );
  // A version without code of its own is the newest code under that number: a rebuild "with the same logic".
  return version === null
    ? newest
    : (versions.find((projection) => projection.version === version) ?? { ...newest, version });
};

const deps = await open();
try {
  if (command === 'status') {
    for (const projectionName of [...new Set(projectionRegistry.map((projection) => projection.name))]) {
      const active = await activeVersion(deps.db, projectionName);
      const lag = active === null ? null : await projectorLag(deps.db, codeFor(projectionName, active));
      log(
        JSON.stringify({
          projection: projectionName,
          serving: active,
          checkpoint: lag?.checkpoint ?? null,
          behind_events: lag?.behindEvents ?? null,
          behind_seconds: lag?.behindSeconds ?? null,
        }),
      );
    }
  } else if (command === 'rebuild') {
    const active = await activeVersion(deps.db, name!);
    const target = codeFor(name!, versionText ? Number(versionText) : (active ?? 0) + 1);
    const result = await rebuildProjection(deps, target, {
      onProgress: (progress) => log(formatProgress(progress)),
    });
    log(
      `rebuilt ${target.name}@v${target.version}: ${result.applied} events, swapped in; start its live projector (npm start does) and drop v${active ?? '?'} when done`,
    );
  } else {
    await dropVersion(deps.db, { name: codeFor(name!, null).name, version: Number(versionText) });
    log(`dropped ${name}@v${versionText}`);
  }
} catch (error) {
  console.error(`projections: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await deps.close();
}
