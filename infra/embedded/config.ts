import path from 'node:path';
import * as v from 'valibot';
import { fieldIssuesFromValibot } from '../../core/http/field-errors.ts';

const port = v.pipe(
  v.string(),
  v.regex(/^\d{1,5}$/, 'must be a port number'),
  v.transform(Number),
  v.integer(),
  v.minValue(1, 'must be at least 1'),
  v.maxValue(65_535, 'must be at most 65535'),
);

const nonEmpty = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'));

/** The embedded deployable's environment; every variable has a default that suits `npm start`. */
const EmbeddedEnv = v.object({
  PINGGAI_DATA_DIR: v.optional(nonEmpty, '.data'),
  PINGGAI_HTTP_PORT: v.optional(port, '8080'),
  PINGGAI_HOST: v.optional(nonEmpty, '127.0.0.1'),
  TEMPORAL_ADDRESS: v.optional(
    v.pipe(v.string(), v.regex(/^[^\s/]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233')),
    '127.0.0.1:7233',
  ),
  TEMPORAL_NAMESPACE: v.optional(nonEmpty, 'default'),
  /** How many days `--demo` simulates (a short one for tests). */
  PINGGAI_DEMO_DAYS: v.optional(v.pipe(v.string(), v.regex(/^\d{1,2}$/, 'must be a number of days from 1 to 90'), v.transform(Number), v.minValue(1), v.maxValue(90)), '30'),
  /** Where citizens open their links (SMS, QR); default: this server. */
  PINGGAI_PUBLIC_URL: v.optional(v.pipe(v.string(), v.regex(/^https?:\/\/[^/\s]+$/, 'must be scheme and host only, e.g. https://pj.example.gov.cn'))),
});

export interface EmbeddedConfig {
  /** Absolute; holds `pglite/` (events and read models) and `pglite.lock`. */
  readonly dataDir: string;
  readonly httpPort: number;
  readonly host: string;
  readonly temporalAddress: string;
  readonly temporalNamespace: string;
  readonly publicBaseUrl: string;
  readonly demoDays: number;
  /** `--demo`: fill the stack with a month of realistic data for the four pilot halls. */
  readonly demo: boolean;
}

/** Raised before anything starts; the message names every bad variable, in Chinese and English. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`配置有误 / invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once, at start-up. An empty variable counts as unset. */
export const parseEmbeddedConfig = (
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
  cwd: string,
): EmbeddedConfig => {
  const set = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const unknownArgs = argv.filter((arg) => arg !== '--demo');
  const parsed = v.safeParse(EmbeddedEnv, set);
  const problems = [
    ...(parsed.success
      ? []
      : fieldIssuesFromValibot(parsed.issues).map(
          (issue) => `${issue.field}: ${issue.message['zh-CN']} / ${issue.message.en}`,
        )),
    ...unknownArgs.map((arg) => `${arg}: 未知参数 / unknown argument (known: --demo)`),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const out = parsed.output;
  return {
    dataDir: path.resolve(cwd, out.PINGGAI_DATA_DIR),
    httpPort: out.PINGGAI_HTTP_PORT,
    host: out.PINGGAI_HOST,
    temporalAddress: out.TEMPORAL_ADDRESS,
    temporalNamespace: out.TEMPORAL_NAMESPACE,
    publicBaseUrl: out.PINGGAI_PUBLIC_URL ?? `http://${out.PINGGAI_HOST}:${out.PINGGAI_HTTP_PORT}`,
    demoDays: out.PINGGAI_DEMO_DAYS,
    demo: argv.includes('--demo'),
  };
};
