// Node only: the embedded mode's key file. intake-edge on Deno reads PINGGAI_PII_KEYS instead.
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { piiError } from './errors.ts';
import type { PiiKeyringConfig } from './keyring.ts';
import { PII_KEYS_ENV, destroyPiiKey, generatePiiKeyring, parsePiiKeyring, piiKeyringFromEnv, rotatePiiKeyring } from './keyring.ts';

/** `<dataDir>/keys/pii.json`: beside the data folder, never inside the database. */
export const piiKeyFilePath = (dataDir: string): string => path.join(dataDir, 'keys', 'pii.json');

/** Reads and validates a keyring file (refused when others can read it). */
export const readPiiKeyFile = async (file: string): Promise<PiiKeyringConfig> => {
  const stat = await fs.stat(file);
  // Refuse a key file others can read: the keys are the only thing between a dump and the phones.
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw piiError('PII_CONFIG_INVALID', { 'zh-CN': `${file} 只能由其所有者读取(chmod 600)`, en: `${file} must be readable by its owner only (chmod 600)` }, { source: file });
  }
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    throw piiError('PII_CONFIG_INVALID', { 'zh-CN': `${file} 不是有效的 JSON`, en: `${file} is not valid JSON` }, { source: file });
  }
  return parsePiiKeyring(json, file);
};

/** Writes atomically (temp file + rename) with mode 0600. */
export const writePiiKeyFile = async (file: string, ring: PiiKeyringConfig): Promise<void> => {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await fs.rename(temp, file);
};

/** Reads the key file, creating it (mode 0600, folder 0700) with a fresh keyring on first start. */
export const loadOrCreatePiiKeyFile = async (dataDir: string): Promise<PiiKeyringConfig> => {
  const file = piiKeyFilePath(dataDir);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    const handle = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(generatePiiKeyring(), null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readPiiKeyFile(file);
};

/** Adds a new active key to the key file (old keys stay to open old values). */
export const rotatePiiKeyFile = async (dataDir: string, kid?: string): Promise<PiiKeyringConfig> => {
  const file = piiKeyFilePath(dataDir);
  const ring = rotatePiiKeyring(await readPiiKeyFile(file), kid);
  await writePiiKeyFile(file, ring);
  return ring;
};

/** Crypto-shreds one key in the key file: what it sealed can never be opened again. */
export const destroyPiiKeyInFile = async (dataDir: string, kid: string): Promise<PiiKeyringConfig> => {
  const file = piiKeyFilePath(dataDir);
  const ring = destroyPiiKey(await readPiiKeyFile(file), kid);
  await writePiiKeyFile(file, ring);
  return ring;
};

/**
 * The composition roots' loader: `PINGGAI_PII_KEYS` when set (production), else the embedded key file
 * under `dataDir`; neither → fail fast naming both.
 */
export const loadPiiKeyring = async (options: {
  env: Readonly<Record<string, string | undefined>>;
  dataDir?: string;
}): Promise<PiiKeyringConfig> => {
  if (options.env[PII_KEYS_ENV]?.trim()) return piiKeyringFromEnv(options.env);
  if (options.dataDir !== undefined) return loadOrCreatePiiKeyFile(options.dataDir);
  throw piiError('PII_CONFIG_INVALID', { 'zh-CN': `未设置 ${PII_KEYS_ENV},也没有可存放密钥文件的数据目录`, en: `${PII_KEYS_ENV} is not set and there is no data folder for a key file` }, { source: PII_KEYS_ENV });
};
