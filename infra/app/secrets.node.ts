// Node only: the embedded mode's own secrets, created on first start beside the data folder (never in
// the database): the key that signs citizens' link tokens and the case system's request-signing key.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';

const secret = v.pipe(v.string(), v.minLength(32));
export const EmbeddedSecretsSchema = v.object({
  linkTokens: v.object({ active: v.pipe(v.string(), v.regex(/^[0-9A-Za-z]$/)), keys: v.record(v.string(), secret) }),
  caseSystems: v.array(v.object({ system: v.string(), keys: v.record(v.string(), secret) })),
});

export type EmbeddedSecrets = v.InferOutput<typeof EmbeddedSecretsSchema>;

export const embeddedSecretsPath = (dataDir: string): string => path.join(dataDir, 'keys', 'secrets.json');

const fresh = (): EmbeddedSecrets => ({
  linkTokens: { active: 'a', keys: { a: randomBytes(32).toString('base64url') } },
  caseSystems: [{ system: 'zwfw', keys: { 'zwfw-embedded': randomBytes(32).toString('base64url') } }],
});

/** Reads `<dataDir>/keys/secrets.json`, creating it (mode 0600) with fresh random secrets the first time. */
export const loadOrCreateEmbeddedSecrets = async (dataDir: string): Promise<{ secrets: EmbeddedSecrets; created: boolean; file: string }> => {
  const file = embeddedSecretsPath(dataDir);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let created = false;
  try {
    const handle = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(fresh(), null, 2)}\n`);
      await handle.sync();
      created = true;
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = await fs.stat(file);
  if ((stat.mode & 0o077) !== 0) throw new Error(`${file} must be readable by its owner only (chmod 600)`);
  const parsed = v.safeParse(EmbeddedSecretsSchema, JSON.parse(await fs.readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${v.getDotPath(parsed.issues[0]) ?? '(root)'} ${parsed.issues[0].message}`);
  return { secrets: parsed.output, created, file };
};
