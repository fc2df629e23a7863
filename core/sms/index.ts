// The SMS gateway port (短信网关) and its adapters. Everything here is Web-standard (fetch, WebCrypto)
// plus kysely for the send log, so intake-edge can use it on Node and Deno.
export type { SmsGateway, SmsMessage, SmsProviderName, SmsPurpose, SmsSendResult, SmsSendStatus } from './types.ts';
export { SmsMessageSchema } from './types.ts';
export type { SmsSegmentCheck } from './segment.ts';
export { checkSmsSegment, fitsOneSmsSegment, withSignName } from './segment.ts';
export type { SmsDatabase, SmsOutboxRow, SmsOutboxTable } from './send-log.ts';
export { countSmsToPhoneSince, listSmsOutbox } from './send-log.ts';
export { createOutboxSmsGateway, validateSmsMessage } from './outbox.ts';
export type { ProviderDeps } from './provider-send.ts';
export type { AliyunSmsConfig } from './aliyun/gateway.ts';
export { AliyunSmsConfigSchema, createAliyunSmsGateway } from './aliyun/gateway.ts';
export type { TencentSmsConfig, TencentSmsTemplate } from './tencent/gateway.ts';
export { TencentSmsConfigSchema, createTencentSmsGateway } from './tencent/gateway.ts';
