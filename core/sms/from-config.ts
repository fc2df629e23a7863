import * as v from 'valibot';
import type { Kysely } from 'kysely';
import type { PiiVault } from '../pii/vault.ts';
import { AliyunSmsConfigSchema, createAliyunSmsGateway } from './aliyun/gateway.ts';
import { createOutboxSmsGateway } from './outbox.ts';
import type { SmsDatabase } from './send-log.ts';
import { TencentSmsConfigSchema, createTencentSmsGateway } from './tencent/gateway.ts';
import type { SmsGateway } from './types.ts';

/**
 * Which gateway sends the messages (`PINGGAI_SMS`, JSON): Aliyun or Tencent Cloud with their
 * credentials, approved sign name and template codes, or the development outbox, which sends nothing
 * (its rows are shown in the console and `npm run ops`). Unset means the outbox.
 *
 * @example
 *   PINGGAI_SMS='{"provider":"aliyun","accessKeyId":"…","accessKeySecret":"…","signName":"咸安政务",
 *     "templates":{"invitation":"SMS_123","invitation_reminder":"SMS_124","warning_alert":"SMS_125"}}'
 */
export const SmsProviderConfigSchema = v.variant('provider', [
  v.strictObject({ provider: v.literal('outbox') }),
  v.strictObject({ provider: v.literal('aliyun'), ...AliyunSmsConfigSchema.entries }),
  v.strictObject({ provider: v.literal('tencent'), ...TencentSmsConfigSchema.entries }),
]);
export type SmsProviderConfig = v.InferOutput<typeof SmsProviderConfigSchema>;

/** The sign name the provider puts before every message (the outbox: none of its own). */
export const providerSignName = (config: SmsProviderConfig): string | null => (config.provider === 'outbox' ? null : config.signName);

/**
 * Refuses to start when the provider has no template for a message this process sends: Aliyun and
 * Tencent Cloud send the approved template with its parameters, not our text, so a missing one would
 * fail every such message later (or, sent under another template, say the wrong thing).
 */
export const assertSmsTemplates = (config: SmsProviderConfig, needed: readonly string[], sender: string): void => {
  if (config.provider === 'outbox') return;
  const missing = needed.filter((code) => config.templates[code] === undefined);
  if (missing.length > 0) {
    throw new Error(`PINGGAI_SMS.templates: no ${config.provider} template for ${missing.join(', ')} (the ${sender} sends them)`);
  }
};

export const smsGatewayOf = (
  config: SmsProviderConfig,
  deps: { readonly db: Kysely<SmsDatabase>; readonly vault: PiiVault; readonly log?: (line: string) => void; readonly fetch?: typeof fetch },
): SmsGateway => {
  const { provider, ...settings } = config;
  switch (provider) {
    case 'outbox':
      return createOutboxSmsGateway({ db: deps.db, vault: deps.vault, ...(deps.log ? { log: deps.log } : {}) });
    case 'aliyun':
      return createAliyunSmsGateway(settings as v.InferOutput<typeof AliyunSmsConfigSchema>, deps);
    case 'tencent':
      return createTencentSmsGateway(settings as v.InferOutput<typeof TencentSmsConfigSchema>, deps);
  }
};
