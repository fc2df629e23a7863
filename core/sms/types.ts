import * as v from 'valibot';

/** The gateways PingGai can send through: the development outbox, 阿里云短信 and 腾讯云短信. */
export type SmsProviderName = 'outbox' | 'aliyun' | 'tencent';

/** What the message is for, so the console and rate limits can tell invitations from staff alerts. */
export type SmsPurpose = 'invitation' | 'reminder' | 'warning_alert' | 'callback' | 'other';

/**
 * One SMS to send. `to` is the plain phone number: it exists only in memory, on its way to the
 * provider; the send log keeps it sealed, masked and as a blind index.
 */
export interface SmsMessage {
  /** Same key → the message is sent at most once (derive it from the activity/command id). */
  readonly idempotencyKey: string;
  /** Normalised mainland mobile number (normalizeChinaMobile). */
  readonly to: string;
  /** The logical template (e.g. 'invitation'); each provider adapter maps it to its own template id. */
  readonly templateCode: string;
  /** Template parameters by name, in the template's order (Tencent's parameters are positional). */
  readonly params: Readonly<Record<string, string>>;
  /** The text as the recipient will read it (with the sign name), for the outbox and the length check. */
  readonly text: string;
  readonly purpose: SmsPurpose;
}

export type SmsSendStatus =
  | 'sent' // accepted by the provider (or stored in the development outbox)
  | 'failed' // refused by the provider with a definite answer: nothing was sent, a retry may send
  | 'in_doubt'; // no definite answer (network error, timeout, 5xx, or another attempt still running): never resent automatically

export interface SmsSendResult {
  readonly status: SmsSendStatus;
  readonly provider: SmsProviderName;
  /** True when this key was seen before and the first result is returned without sending. */
  readonly duplicate: boolean;
  readonly providerMessageId?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** The SMS gateway port (短信网关). Adapters: development outbox, Aliyun, Tencent Cloud. */
export interface SmsGateway {
  readonly provider: SmsProviderName;
  send(message: SmsMessage): Promise<SmsSendResult>;
}

export const SmsMessageSchema = v.strictObject({
  idempotencyKey: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  to: v.pipe(v.string(), v.regex(/^1[3-9]\d{9}$/, 'to must be a normalised mainland mobile number')),
  templateCode: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/)),
  params: v.record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_]{1,32}$/)), v.pipe(v.string(), v.maxLength(200))),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(500)),
  purpose: v.picklist(['invitation', 'reminder', 'warning_alert', 'callback', 'other']),
});
