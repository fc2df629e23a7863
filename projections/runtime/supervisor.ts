import type { AnyProjection } from './types.ts';
import type { Projector, ProjectorDeps, ProjectorOptions } from './projector.ts';
import { startProjector } from './projector.ts';
import type { RebuildResult } from './rebuild.ts';
import { formatProgress, rebuildProjection } from './rebuild.ts';
import { activateVersion, activeVersion } from './schema.ts';

export interface Projections {
  /** The live projectors (one per projection; the serving version, or the new one after its swap). */
  projectors(): readonly Projector[];
  /** Resolves when every blue/green rebuild started at boot has swapped (or failed: it rejects). */
  readonly rebuilt: Promise<readonly RebuildResult[]>;
  /** Resolves once every live projector has applied everything committed before the call. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

const byName = (registry: readonly AnyProjection[]): Map<string, AnyProjection[]> => {
  const groups = new Map<string, AnyProjection[]>();
  for (const projection of registry)
    groups.set(projection.name, [...(groups.get(projection.name) ?? []), projection]);
  for (const versions of groups.values()) versions.sort((a, b) => a.version - b.version);
  return groups;
};

/**
 * Starts every projection of the registry the way a composition root wants them: the serving
 * (active) version runs live; when the registry also holds a newer version, it is rebuilt in the
 * background from position 0 (blue/green), swapped in, started live, and the old projector stopped.
 * Keep the old version in the registry until the swap has happened everywhere; a deployment that
 * removed the serving version's code serves its last rows, frozen, until the new version swaps in.
 */
export const startProjections = async (
  deps: ProjectorDeps,
  registry: readonly AnyProjection[],
  options: ProjectorOptions & {
    readonly log?: (line: string) => void;
    readonly rebuildBatchSize?: number;
  } = {},
): Promise<Projections> => {
  const log = options.log ?? ((line: string) => console.log(line));
  const live = new Map<string, Projector>();
  const rebuilds: Promise<RebuildResult>[] = [];
  let stopped = false;

  for (const [name, versions] of byName(registry)) {
    const newest = versions[versions.length - 1]!;
    let active = await activeVersion(deps.db, name);
    if (active === null) {
      // A projection whose tables a migration created without marking them active: serve the oldest.
      await activateVersion(deps.db, versions[0]!);
      active = versions[0]!.version;
    }
    // A version rebuilt by the operator with the newest code (`npm run projections -- rebuild`) has no
    // code of its own: it runs the newest code under its number.
    const serving =
      versions.find((projection) => projection.version === active) ??
      (active > newest.version ? { ...newest, version: active } : undefined);
    if (serving) live.set(name, startProjector(deps, serving, options));
    else
      log(
        JSON.stringify({
          level: 'warn',
          msg: 'serving projection version has no code; its rows stay frozen until the rebuild swaps',
          projection: name,
          version: active,
        }),
      );
    if (newest.version > active) {
      rebuilds.push(
        rebuildProjection(deps, newest, {
          ...(options.rebuildBatchSize ? { batchSize: options.rebuildBatchSize } : {}),
          onProgress: (progress) => log(formatProgress(progress)),
        }).then(async (result) => {
          const old = live.get(name);
          if (!stopped) live.set(name, startProjector(deps, newest, options));
          await old?.stop();
          return result;
        }),
      );
    }
  }
  const rebuilt = Promise.all(rebuilds);
  // Observed by whoever awaits `rebuilt`; never an unhandled rejection at boot.
  rebuilt.catch((error: unknown) =>
    log(JSON.stringify({ level: 'error', msg: 'projection rebuild failed', error: String(error) })),
  );

  return {
    projectors: () => [...live.values()],
    rebuilt,
    async caughtUp() {
      await Promise.all([...live.values()].map((projector) => projector.caughtUp()));
    },
    async stop() {
      stopped = true;
      await rebuilt.catch(() => undefined);
      await Promise.all([...live.values()].map((projector) => projector.stop()));
    },
  };
};
