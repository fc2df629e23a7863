import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateEmbeddedSecrets } from '../app/secrets.node.ts';
import { CliInputError } from '../cli/database.ts';
import { configuredCaseSystems, unknownCaseSystem } from './case-systems.ts';

const intakeSecrets = JSON.stringify({
  linkTokens: { active: 'a', keys: { a: 'l'.repeat(32) } },
  caseSystems: [
    { system: 'zwfw', keys: { 'zwfw-1': 'z'.repeat(32) } },
    { system: 'bdc', keys: { 'bdc-1': 'b'.repeat(32) } },
  ],
});

describe('the case systems a backfill may name', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinggai-case-systems-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('embedded: the systems of the data folder the intake signs with', async () => {
    const { secrets } = await loadOrCreateEmbeddedSecrets(dataDir);
    expect(await configuredCaseSystems({ env: { PINGGAI_INTAKE_SECRETS: intakeSecrets }, dataDir, embedded: true })).toEqual(secrets.caseSystems.map((entry) => entry.system));
  });

  it('Postgres server: the systems of PINGGAI_INTAKE_SECRETS, which it needs', async () => {
    expect(await configuredCaseSystems({ env: { PINGGAI_INTAKE_SECRETS: intakeSecrets }, dataDir, embedded: false })).toEqual(['zwfw', 'bdc']);
    await expect(configuredCaseSystems({ env: {}, dataDir, embedded: false })).rejects.toThrow(CliInputError);
    await expect(configuredCaseSystems({ env: {}, dataDir, embedded: false })).rejects.toThrow(/PINGGAI_INTAKE_SECRETS/);
    await expect(configuredCaseSystems({ env: { PINGGAI_INTAKE_SECRETS: '{oops' }, dataDir, embedded: false })).rejects.toThrow(/PINGGAI_INTAKE_SECRETS.*JSON/);
    await expect(configuredCaseSystems({ env: { PINGGAI_INTAKE_SECRETS: '{"caseSystems":"zwfw"}' }, dataDir, embedded: false })).rejects.toThrow(/PINGGAI_INTAKE_SECRETS: caseSystems/);
  });

  it('refuses a system the intake does not know, naming the ones it does', () => {
    expect(unknownCaseSystem('zwfw', ['zwfw', 'bdc'])).toBeNull();
    const refused = unknownCaseSystem('zwwf', ['zwfw', 'bdc']);
    expect(refused).toMatch(/^办件系统 zwwf 未配置.*zwfw、bdc.* \/ zwwf is not a configured case system \(configured: zwfw, bdc\)$/);
  });
});
