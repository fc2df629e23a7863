import { describe, expect, it } from 'vitest';
import { ConfigError } from '../embedded/config.ts';
import { parseDeployableEnv } from './env.ts';

const secrets = JSON.stringify({
  linkTokens: { active: 'a', keys: { a: 'x'.repeat(32) } },
  caseSystems: [{ system: 'zwfw', keys: { k: 'y'.repeat(32) } }],
});
const base = { PINGGAI_DATABASE_URL: 'postgres://pinggai@db:5432/pinggai', PINGGAI_PII_KEYS: '{"active":"k1"}', PINGGAI_BLOB_DIR: '/var/lib/pinggai/blobs' };

const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('the deployables read their environment once and name every bad variable', () => {
  it('an API with only the shared variables gets the defaults', () => {
    const env = parseDeployableEnv('api', base);
    expect(env).toMatchObject({ port: 8080, host: '0.0.0.0', temporal: { address: '127.0.0.1:7233', namespace: 'default' }, blobDir: '/var/lib/pinggai/blobs' });
  });

  it('PINGGAI_SMS names the gateway (Aliyun or Tencent Cloud); unset it is the development outbox; a bad one is refused by name', () => {
    expect(parseDeployableEnv('api', base).sms).toEqual({ provider: 'outbox' });
    const aliyun = { provider: 'aliyun', accessKeyId: 'LTAI-x', accessKeySecret: 'secret', signName: '咸安政务', templates: { invitation: 'SMS_123456' } };
    expect(parseDeployableEnv('api', { ...base, PINGGAI_SMS: JSON.stringify(aliyun) }).sms).toEqual(aliyun);
    expect(problemsOf(() => parseDeployableEnv('api', { ...base, PINGGAI_SMS: JSON.stringify({ provider: 'aliyun', accessKeyId: 'LTAI-x' }) })).join('\n')).toMatch(/PINGGAI_SMS/);
    expect(problemsOf(() => parseDeployableEnv('api', { ...base, PINGGAI_SMS: '{oops' })).join('\n')).toMatch(/PINGGAI_SMS.*JSON/);
  });

  it('intake needs its public URL and link secrets; each missing or bad one is named', () => {
    const problems = problemsOf(() => parseDeployableEnv('intake', { ...base, PINGGAI_PUBLIC_URL: 'pj.example.gov.cn', PORT: '99999' }));
    expect(problems.join('\n')).toMatch(/PINGGAI_PUBLIC_URL/);
    expect(problems.join('\n')).toMatch(/PINGGAI_INTAKE_SECRETS/);
    expect(problems.join('\n')).toMatch(/PORT/);
  });

  it('intake secrets that are not JSON, or JSON of the wrong shape, are refused by name', () => {
    expect(problemsOf(() => parseDeployableEnv('intake', { ...base, PINGGAI_PUBLIC_URL: 'https://pj.example.gov.cn', PINGGAI_INTAKE_SECRETS: '{oops' })).join('\n')).toMatch(/PINGGAI_INTAKE_SECRETS.*JSON/);
    expect(problemsOf(() => parseDeployableEnv('intake', { ...base, PINGGAI_PUBLIC_URL: 'https://pj.example.gov.cn', PINGGAI_INTAKE_SECRETS: '{"linkTokens":{}}' })).join('\n')).toMatch(/PINGGAI_INTAKE_SECRETS/);
    const ok = parseDeployableEnv('intake', { ...base, PINGGAI_PUBLIC_URL: 'https://pj.example.gov.cn', PINGGAI_INTAKE_SECRETS: secrets });
    expect(ok.intakeSecrets?.caseSystems[0]?.system).toBe('zwfw');
    expect(ok.trustedProxyHops, 'no proxy trusted unless configured').toBe(0);
    const intake = { ...base, PINGGAI_PUBLIC_URL: 'https://pj.example.gov.cn', PINGGAI_INTAKE_SECRETS: secrets };
    expect(parseDeployableEnv('intake', { ...intake, PINGGAI_TRUSTED_PROXY_HOPS: '1' }).trustedProxyHops).toBe(1);
    expect(problemsOf(() => parseDeployableEnv('intake', { ...intake, PINGGAI_TRUSTED_PROXY_HOPS: 'yes' })).join('\n')).toMatch(/PINGGAI_TRUSTED_PROXY_HOPS/);
  });

  it('a projector group outside the known ones, a database URL of another kind and a missing PII key ring are named', () => {
    const problems = problemsOf(() =>
      parseDeployableEnv('projector', { PINGGAI_DATABASE_URL: 'mysql://db', PINGGAI_BLOB_DIR: '/b', PINGGAI_PUBLIC_URL: 'https://pj.example.gov.cn', PINGGAI_INTAKE_SECRETS: secrets, PINGGAI_PROJECTOR_GROUP: 'metrics' }),
    ).join('\n');
    expect(problems).toMatch(/PINGGAI_DATABASE_URL/);
    expect(problems).toMatch(/PINGGAI_PII_KEYS/);
    expect(problems).toMatch(/PINGGAI_PROJECTOR_GROUP/);
  });

  it('an empty variable counts as unset', () => {
    expect(problemsOf(() => parseDeployableEnv('worker', { ...base, PINGGAI_DATABASE_URL: '' })).join('\n')).toMatch(/PINGGAI_DATABASE_URL/);
  });

  it('the worker needs its alert recipients: a staff directory with mobiles, or "demo"; a bad one is named', () => {
    expect(problemsOf(() => parseDeployableEnv('worker', base)).join('\n')).toMatch(/PINGGAI_ALERT_RECIPIENTS/);
    expect(parseDeployableEnv('worker', { ...base, PINGGAI_ALERT_RECIPIENTS: 'demo' }).alertRecipients).toBe('demo');
    const directory = { dispatchers: [{ id: 'dispatcher', phone: '+86 139 0000 0001' }], 'department_handlers@SCJ': [{ id: 'handler-scj', phone: '13900000002' }] };
    expect(parseDeployableEnv('worker', { ...base, PINGGAI_ALERT_RECIPIENTS: JSON.stringify(directory) }).alertRecipients).toEqual({
      dispatchers: [{ id: 'dispatcher', phone: '13900000001' }],
      'department_handlers@SCJ': [{ id: 'handler-scj', phone: '13900000002' }],
    });
    for (const bad of ['{oops', '{"dispatchers":[]}', '{"dispatchers":[{"id":"d","phone":"12345"}]}', '{"Dispatchers!":[{"id":"dispatcher","phone":"13900000001"}]}']) {
      expect(problemsOf(() => parseDeployableEnv('worker', { ...base, PINGGAI_ALERT_RECIPIENTS: bad })).join('\n'), bad).toMatch(/PINGGAI_ALERT_RECIPIENTS/);
    }
  });
});
