/**
 * The case systems (办件系统) the intake takes signed reports from. A backfill must name one of them: its
 * cases are stored under that system's stream ids, and under a mistyped name they would sit in streams
 * no live report reaches, counted twice once the same cases arrive live.
 *   embedded PGlite   `<dataDir>/keys/secrets.json`, the file `npm start` signs with (created alike)
 *   Postgres server   PINGGAI_INTAKE_SECRETS, the intake's own configuration
 */
import * as v from 'valibot';
import { EmbeddedSecretsSchema, loadOrCreateEmbeddedSecrets } from '../app/secrets.node.ts';
import { CliInputError } from '../cli/database.ts';

// Only the system names are needed; the rest of the secrets is the intake's business.
const CaseSystemsSchema = v.pick(EmbeddedSecretsSchema, ['caseSystems']);

export const configuredCaseSystems = async (options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dataDir: string;
  readonly embedded: boolean;
}): Promise<readonly string[]> => {
  if (options.embedded) return (await loadOrCreateEmbeddedSecrets(options.dataDir)).secrets.caseSystems.map((entry) => entry.system);
  const text = options.env.PINGGAI_INTAKE_SECRETS?.trim();
  if (!text) {
    throw new CliInputError(
      '在 Postgres 服务器上补录需要 PINGGAI_INTAKE_SECRETS(intake 的配置,据此核对办件系统名称) / ' +
        "backfill on a Postgres server needs PINGGAI_INTAKE_SECRETS (the intake's configuration, to check the case system's name)",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliInputError('PINGGAI_INTAKE_SECRETS 不是有效的 JSON / PINGGAI_INTAKE_SECRETS is not valid JSON');
  }
  const parsed = v.safeParse(CaseSystemsSchema, json);
  if (!parsed.success) {
    throw new CliInputError(`PINGGAI_INTAKE_SECRETS: ${v.getDotPath(parsed.issues[0]) ?? '(root)'}: ${parsed.issues[0].message}`);
  }
  return parsed.output.caseSystems.map((entry) => entry.system);
};

/** Why `system` is refused, naming the configured ones; null when the intake knows it. */
export const unknownCaseSystem = (system: string, configured: readonly string[]): string | null =>
  configured.includes(system)
    ? null
    : `办件系统 ${system} 未配置(已配置:${configured.join('、') || '无'}) / ${system} is not a configured case system (configured: ${configured.join(', ') || 'none'})`;
