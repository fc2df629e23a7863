import { describe, expect, it } from 'vitest';
import { ConfigError, parseEmbeddedConfig } from './config.ts';

const parse = (env: Record<string, string>, argv: string[] = []) =>
  parseEmbeddedConfig(env, argv, '/srv/pinggai');

const problemsOf = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('embedded configuration', () => {
  it('defaults suit npm start on one machine', () => {
    expect(parse({})).toEqual({
      dataDir: '/srv/pinggai/.data',
      httpPort: 8080,
      host: '127.0.0.1',
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      publicBaseUrl: 'http://127.0.0.1:8080',
      demoDays: 30,
      demo: false,
    });
  });

  it('reads every variable and the --demo flag; empty variables count as unset', () => {
    const config = parse(
      {
        PINGGAI_DATA_DIR: '/var/lib/pinggai',
        PINGGAI_HTTP_PORT: '9090',
        PINGGAI_HOST: '0.0.0.0',
        TEMPORAL_ADDRESS: 'temporal:7233',
        TEMPORAL_NAMESPACE: '',
        PINGGAI_DEMO_DAYS: '5',
        PINGGAI_PUBLIC_URL: 'https://pj.xianan.gov.cn',
      },
      ['--demo'],
    );
    expect(config).toMatchObject({
      dataDir: '/var/lib/pinggai',
      httpPort: 9090,
      host: '0.0.0.0',
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'default',
      publicBaseUrl: 'https://pj.xianan.gov.cn',
      demoDays: 5,
      demo: true,
    });
    expect(problemsOf(() => parse({ PINGGAI_DEMO_DAYS: '400' }))[0]).toMatch(/^PINGGAI_DEMO_DAYS: /);
  });

  it('fails fast naming each bad variable, in Chinese and English', () => {
    const problems = problemsOf(() => parse({ PINGGAI_HTTP_PORT: 'eighty', TEMPORAL_ADDRESS: 'http://x' }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^PINGGAI_HTTP_PORT: 格式不正确 \/ must be a port number/);
    expect(problems[1]).toMatch(/^TEMPORAL_ADDRESS: .* must be host:port/);
  });

  it('refuses a port out of range and an unknown argument', () => {
    const problems = problemsOf(() => parse({ PINGGAI_HTTP_PORT: '70000' }, ['--dmeo']));
    expect(problems).toEqual([
      expect.stringMatching(/^PINGGAI_HTTP_PORT: .*at most 65535/),
      expect.stringMatching(/^--dmeo: 未知参数/),
    ]);
  });
});
