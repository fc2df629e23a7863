import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { destroyPiiKeyInFile, loadOrCreatePiiKeyFile, loadPiiKeyring, piiKeyFilePath, rotatePiiKeyFile } from './key-file.node.ts';
import { createPiiVault } from './vault.ts';

describe('embedded key file <dataDir>/keys/pii.json', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pinggai-pii-'));
  });
  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('is created on first start with mode 0600 and read back unchanged after', async () => {
    const first = await loadOrCreatePiiKeyFile(dataDir);
    const stat = await fs.stat(piiKeyFilePath(dataDir));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(await loadOrCreatePiiKeyFile(dataDir)).toEqual(first);
  });

  it('two processes starting at once end with one keyring (exclusive create)', async () => {
    const [a, b] = await Promise.all([loadOrCreatePiiKeyFile(dataDir), loadOrCreatePiiKeyFile(dataDir)]);
    expect(a).toEqual(b);
  });

  it('refuses a key file that others can read', async () => {
    await loadOrCreatePiiKeyFile(dataDir);
    await fs.chmod(piiKeyFilePath(dataDir), 0o644);
    await expect(loadOrCreatePiiKeyFile(dataDir)).rejects.toMatchObject({ code: 'PII_CONFIG_INVALID' });
  });

  it('rotates and destroys keys in place, keeping mode 0600', async () => {
    const vault1 = createPiiVault({ keyring: await loadOrCreatePiiKeyFile(dataDir) });
    const old = await vault1.seal('13812341234', 'phone');
    await rotatePiiKeyFile(dataDir);
    const ring = await destroyPiiKeyInFile(dataDir, 'k1');
    expect((await fs.stat(piiKeyFilePath(dataDir))).mode & 0o777).toBe(0o600);
    expect(ring.active).toBe('k2');
    await expect(createPiiVault({ keyring: await loadOrCreatePiiKeyFile(dataDir) }).open(old, 'phone')).rejects.toMatchObject({
      code: 'PII_KEY_DESTROYED',
    });
  });

  it('prefers PINGGAI_PII_KEYS over the key file and fails fast when neither is there', async () => {
    const ring = await loadPiiKeyring({ env: {}, dataDir });
    expect(ring.active).toBe('k1');
    await expect(loadPiiKeyring({ env: {} })).rejects.toThrow(/PINGGAI_PII_KEYS/);
    const fromEnv = await loadPiiKeyring({ env: { PINGGAI_PII_KEYS: JSON.stringify({ ...ring, active: 'k1' }) }, dataDir: '/nonexistent' });
    expect(fromEnv).toEqual(ring);
  });
});
