/**
 * The production deployables' environment (intake, API + console, Temporal worker, projector): each
 * role reads only the variables it needs, validated once at start-up; a bad or missing variable stops
 * the process with a message naming it (ConfigError, zh-CN and English). Secrets arrive the same way
 * (a Kubernetes Secret, or `npm run start:cluster`), never from files in the image.
 */
import * as v from 'valibot';
import { fieldIssuesFromValibot } from '../../core/http/field-errors.ts';
import type { StaffDirectory } from '../../workflows/recipients.ts';
import { StaffDirectorySchema } from '../../workflows/recipients.ts';
import { EmbeddedSecretsSchema } from '../app/secrets.node.ts';
import type { EmbeddedSecrets } from '../app/secrets.node.ts';
import { ConfigError } from '../embedded/config.ts';
import type { SmsProviderConfig } from '../../core/sms/from-config.ts';
import { SmsProviderConfigSchema } from '../../core/sms/from-config.ts';

export type DeployableRole = 'intake' | 'api' | 'worker' | 'projector';

/** A projector process runs one group: a read model, or the reactors (invitations, warning policy, feed, forwarder, webhooks). */
export const projectorGroups = ['ratings', 'warnings', 'reactors', 'all'] as const;
export type ProjectorGroup = (typeof projectorGroups)[number];

const nonEmpty = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'));
const port = v.pipe(v.string(), v.regex(/^\d{1,5}$/, 'must be a port number'), v.transform(Number), v.integer(), v.minValue(1, 'must be at least 1'), v.maxValue(65_535, 'must be at most 65535'));
const postgresUrl = v.pipe(v.string(), v.regex(/^postgres(?:ql)?:\/\/\S+$/, 'must be a postgres:// URL'));
const hostPort = v.pipe(v.string(), v.regex(/^[^\s/]+:\d{1,5}$/, 'must be host:port, e.g. temporal-frontend:7233'));
const publicUrl = v.pipe(v.string(), v.regex(/^https?:\/\/[^/\s]+$/, 'must be scheme and host only, e.g. https://pj.example.gov.cn'));
const jsonOf = <T extends v.GenericSchema>(schema: T) =>
  v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      try {
        return JSON.parse(dataset.value) as unknown;
      } catch {
        addIssue({ message: 'must be JSON' });
        return NEVER;
      }
    }),
    schema,
  );

const common = {
  PINGGAI_DATABASE_URL: postgresUrl,
  PORT: v.optional(port, '8080'),
  PINGGAI_HOST: v.optional(nonEmpty, '0.0.0.0'),
  /** The PII vault's keys; read by loadPiiKeyring, checked here only for presence. */
  PINGGAI_PII_KEYS: nonEmpty,
  /** The SMS gateway: {"provider":"aliyun"|"tencent",…credentials, sign name, templates}; unset: the development outbox. */
  PINGGAI_SMS: v.optional(jsonOf(SmsProviderConfigSchema)),
};
const temporal = {
  TEMPORAL_ADDRESS: v.optional(hostPort, '127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: v.optional(nonEmpty, 'default'),
  PINGGAI_TASK_QUEUE: v.optional(nonEmpty),
};
const intake = {
  /** Where citizens open their links (SMS, QR). */
  PINGGAI_PUBLIC_URL: publicUrl,
  /** `{linkTokens, caseSystems}`: the key that signs citizens' links and the case systems' request keys. */
  PINGGAI_INTAKE_SECRETS: jsonOf(EmbeddedSecretsSchema),
  /**
   * Reverse proxies in front of the intake that each append the address they saw to X-Forwarded-For
   * (the ingress: 1): the static QR's per-address limit counts the client's, not the proxy's.
   */
  PINGGAI_TRUSTED_PROXY_HOPS: v.optional(v.pipe(v.string(), v.regex(/^[0-5]$/, 'a whole number from 0 to 5'), v.transform(Number)), '0'),
};
/** Evidence photos and attachments: a folder shared by the processes that read and write them. */
const blobs = { PINGGAI_BLOB_DIR: nonEmpty };

const schemas = {
  intake: v.object({ ...common, ...intake, ...blobs }),
  api: v.object({ ...common, ...temporal, ...blobs, PINGGAI_CONSOLE_DIST: v.optional(nonEmpty) }),
  worker: v.object({
    ...common,
    ...temporal,
    ...blobs,
    /** Who gets the warning alerts: a JSON staff directory, or `demo` for the pilot's made-up one (trials only). */
    PINGGAI_ALERT_RECIPIENTS: v.union([v.literal('demo'), jsonOf(StaffDirectorySchema)], 'must be "demo" or a JSON staff directory: {"dispatchers":[{"id":"…","phone":"139…"}],…}'),
  }),
  projector: v.object({
    ...common,
    ...temporal,
    ...intake,
    ...blobs,
    PINGGAI_PROJECTOR_GROUP: v.optional(v.picklist(projectorGroups, `must be one of ${projectorGroups.join(', ')}`), 'all'),
  }),
} as const;

export interface DeployableEnv {
  readonly databaseUrl: string;
  readonly port: number;
  readonly host: string;
  readonly temporal: { readonly address: string; readonly namespace: string; readonly taskQueue?: string };
  readonly publicBaseUrl?: string;
  readonly intakeSecrets?: EmbeddedSecrets;
  /** Trusted reverse proxies in front of the intake (PINGGAI_TRUSTED_PROXY_HOPS, 0 when unset). */
  readonly trustedProxyHops: number;
  readonly blobDir?: string;
  readonly consoleDist?: string;
  readonly projectorGroup: ProjectorGroup;
  /** The worker's alert recipients: a staff directory, or the demo one. */
  readonly alertRecipients?: StaffDirectory | 'demo';
  /** Which gateway sends SMS (PINGGAI_SMS); the development outbox when unset. */
  readonly sms: SmsProviderConfig;
}

/** Parses `env` for `role`; an empty variable counts as unset. Throws ConfigError naming every bad variable. */
export const parseDeployableEnv = (role: DeployableRole, env: Readonly<Record<string, string | undefined>>): DeployableEnv => {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = v.safeParse(schemas[role], set);
  if (!parsed.success)
    throw new ConfigError(fieldIssuesFromValibot(parsed.issues).map((issue) => `${issue.field}: ${issue.message['zh-CN']} / ${issue.message.en}`));
  const out = parsed.output as Record<string, unknown>;
  const text = (key: string) => out[key] as string | undefined;
  return {
    databaseUrl: text('PINGGAI_DATABASE_URL')!,
    port: out.PORT as number,
    host: text('PINGGAI_HOST')!,
    temporal: {
      address: text('TEMPORAL_ADDRESS') ?? '127.0.0.1:7233',
      namespace: text('TEMPORAL_NAMESPACE') ?? 'default',
      ...(text('PINGGAI_TASK_QUEUE') ? { taskQueue: text('PINGGAI_TASK_QUEUE')! } : {}),
    },
    ...(text('PINGGAI_PUBLIC_URL') ? { publicBaseUrl: text('PINGGAI_PUBLIC_URL')! } : {}),
    ...(out.PINGGAI_INTAKE_SECRETS ? { intakeSecrets: out.PINGGAI_INTAKE_SECRETS as EmbeddedSecrets } : {}),
    trustedProxyHops: (out.PINGGAI_TRUSTED_PROXY_HOPS as number | undefined) ?? 0,
    ...(text('PINGGAI_BLOB_DIR') ? { blobDir: text('PINGGAI_BLOB_DIR')! } : {}),
    ...(text('PINGGAI_CONSOLE_DIST') ? { consoleDist: text('PINGGAI_CONSOLE_DIST')! } : {}),
    projectorGroup: (out.PINGGAI_PROJECTOR_GROUP as ProjectorGroup | undefined) ?? 'all',
    ...(out.PINGGAI_ALERT_RECIPIENTS ? { alertRecipients: out.PINGGAI_ALERT_RECIPIENTS as StaffDirectory | 'demo' } : {}),
    sms: (out.PINGGAI_SMS as SmsProviderConfig | undefined) ?? { provider: 'outbox' },
  };
};
