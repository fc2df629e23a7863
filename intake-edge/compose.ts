import type { Kysely } from 'kysely';
import type { BlobStore } from '../core/blobs/types.ts';
import { createPgPool, postgresKysely } from '../core/db/postgres.ts';
import { createPgEventStore } from '../core/eventstore/pg.ts';
import type { Subscription } from '../core/eventstore/types.ts';
import { piiKeyringFromEnv } from '../core/pii/keyring.ts';
import { createPiiVault } from '../core/pii/vault.ts';
import * as v from 'valibot';
import { assertSmsTemplates, providerSignName, SmsProviderConfigSchema, smsGatewayOf } from '../core/sms/from-config.ts';
import type { SmsProviderConfig } from '../core/sms/from-config.ts';
import type { SmsDatabase } from '../core/sms/send-log.ts';
import type { SmsGateway } from '../core/sms/types.ts';
import { createIntakeApp, intakeServices } from './app.ts';
import { parseIntakeConfig } from './config.ts';
import { systemClock, webCryptoIds } from './deps.ts';
import { startInvitationReactor } from './invitations/reactor.ts';
import { invitationTemplateCodes } from './invitations/send.ts';
import { startSweeper } from './invitations/sweeper.ts';
import type { IntakeDatabase } from './tables.ts';

export type Env = Readonly<Record<string, string | undefined>>;

const required = (env: Env, name: string): string => {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new Error(`${name} is not set`);
  return value;
};

/** PORT as a port number (8787 when unset); anything else stops the start with its name. */
const portOf = (env: Env): number => {
  const text = env['PORT'] ?? '8787';
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65_535) throw new Error(`PORT must be a port number (1–65535), not "${text}"`);
  return port;
};

/** PINGGAI_SMS (JSON) as a gateway choice; unset: the development outbox. A bad value stops the start naming it. */
const smsConfigOf = (env: Env): SmsProviderConfig => {
  const text = env['PINGGAI_SMS'];
  if (text === undefined || text.trim() === '') return { provider: 'outbox' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`PINGGAI_SMS is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = v.safeParse(SmsProviderConfigSchema, json);
  if (!parsed.success) {
    throw new Error(`PINGGAI_SMS: ${parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`).join('; ')}`);
  }
  return parsed.output;
};

/**
 * The intake deployable's composition root, shared by node.ts and deno.ts: Postgres server for
 * events and working tables, the PII vault from PINGGAI_PII_KEYS, configuration from
 * PINGGAI_INTAKE_CONFIG (JSON). The runtime passes what differs (blob store; an SMS adapter other
 * than the development outbox).
 */
export const composeIntake = (env: Env, runtime: { blobs: BlobStore; sms?: (db: Kysely<SmsDatabase>) => SmsGateway; log?: (line: string) => void }) => {
  const port = portOf(env);
  const databaseUrl = required(env, 'PINGGAI_DATABASE_URL');
  let configJson: unknown;
  try {
    configJson = JSON.parse(required(env, 'PINGGAI_INTAKE_CONFIG'));
  } catch (error) {
    throw new Error(`PINGGAI_INTAKE_CONFIG is not valid JSON: ${(error as Error).message}`);
  }
  const config = parseIntakeConfig(configJson);
  const smsConfig = smsConfigOf(env);
  const signName = providerSignName(smsConfig);
  if (signName !== null && signName !== config.sms.signName) {
    // Every invitation is checked to fit one segment with config.sms.signName; the provider sends its own.
    throw new Error(`PINGGAI_SMS signName "${signName}" differs from PINGGAI_INTAKE_CONFIG sms.signName "${config.sms.signName}": make them the same`);
  }
  assertSmsTemplates(smsConfig, invitationTemplateCodes(config), 'intake');
  const vault = createPiiVault({ keyring: piiKeyringFromEnv(env) });
  const store = createPgEventStore({ connectionString: databaseUrl });
  const db = postgresKysely<IntakeDatabase & SmsDatabase>(createPgPool({ connectionString: databaseUrl, applicationName: 'pinggai-intake' }));
  const log = runtime.log ?? ((line: string) => console.log(line));
  if (!runtime.sms) {
    log(
      smsConfig.provider === 'outbox'
        ? 'SMS: development outbox only, nothing reaches a phone (set PINGGAI_SMS to send through Aliyun or Tencent Cloud)'
        : `SMS: sent through ${smsConfig.provider}, sign name 【${signName}】`,
    );
  }
  const services = intakeServices({
    store,
    db: db as unknown as Kysely<IntakeDatabase>,
    vault,
    sms: runtime.sms?.(db as unknown as Kysely<SmsDatabase>) ?? smsGatewayOf(smsConfig, { db: db as unknown as Kysely<SmsDatabase>, vault, log }),
    blobs: runtime.blobs,
    clock: systemClock(),
    ids: webCryptoIds(),
    config,
    log,
  });
  const app = createIntakeApp(services);
  let reactor: Subscription | null = null;
  let sweeper: { stop(): void } | null = null;
  return {
    app,
    services,
    /** Where to listen: PORT, 8787 when unset. */
    port,
    /** Starts the invitation reactor and the reminder/expiry sweeper (one instance of each per deployment). */
    startBackground(): void {
      reactor ??= startInvitationReactor(services);
      sweeper ??= startSweeper(services);
    },
    async close(): Promise<void> {
      sweeper?.stop();
      await reactor?.stop();
      await store.close();
      await db.destroy();
    },
  };
};
