import * as v from 'valibot';
import type { ProviderDeps, ProviderOutcome } from '../provider-send.ts';
import { jsonOrUndefined, sendThroughProvider, unknownTemplate } from '../provider-send.ts';
import type { SmsGateway, SmsMessage } from '../types.ts';
import { canonicalQueryString, signAcs3 } from './signature.ts';
import { sha256Hex } from '../../pii/encoding.ts';

export interface AliyunSmsConfig {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** The approved sign name (签名), without 【】. */
  readonly signName: string;
  /** Logical template code → approved Aliyun template code (SMS_…). */
  readonly templates: Readonly<Record<string, string>>;
  /** Default https://dysmsapi.aliyuncs.com/ */
  readonly endpoint?: string;
}

export const AliyunSmsConfigSchema = v.strictObject({
  accessKeyId: v.pipe(v.string(), v.minLength(1)),
  accessKeySecret: v.pipe(v.string(), v.minLength(1)),
  signName: v.pipe(v.string(), v.minLength(2), v.maxLength(12)),
  templates: v.record(v.string(), v.pipe(v.string(), v.regex(/^SMS_\d+$/, 'Aliyun template codes look like SMS_123456'))),
  endpoint: v.optional(v.pipe(v.string(), v.url())),
});

const AliyunReply = v.looseObject({ Code: v.string(), Message: v.optional(v.string()), BizId: v.optional(v.string()) });

/** Aliyun's OutId is at most 256 characters; long keys are replaced by their hash (still unique). */
const outIdOf = async (idempotencyKey: string): Promise<string> =>
  idempotencyKey.length <= 64 ? idempotencyKey : (sha256Hex(idempotencyKey)).slice(0, 64);

/**
 * 阿里云短信 SendSms (dysmsapi 2017-05-25), signed with ACS3-HMAC-SHA256 (signature V3). Each message is
 * sent at most once per idempotency key through the send log; OutId carries the key for reconciliation
 * with Aliyun's delivery reports.
 */
export const createAliyunSmsGateway = (config: AliyunSmsConfig, deps: ProviderDeps): SmsGateway => {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? (() => new Date());
  const nonce = deps.nonce ?? (() => crypto.randomUUID());
  const endpoint = new URL(config.endpoint ?? 'https://dysmsapi.aliyuncs.com/');

  const call = async (message: SmsMessage): Promise<ProviderOutcome> => {
    const templateCode = config.templates[message.templateCode]!;
    const query = {
      PhoneNumbers: message.to,
      SignName: config.signName,
      TemplateCode: templateCode,
      TemplateParam: JSON.stringify(message.params),
      OutId: await outIdOf(message.idempotencyKey),
    };
    const signed = await signAcs3(
      {
        method: 'POST',
        host: endpoint.host,
        path: endpoint.pathname,
        query,
        headers: {
          'x-acs-action': 'SendSms',
          'x-acs-version': '2017-05-25',
          'x-acs-date': now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          'x-acs-signature-nonce': nonce(),
        },
        body: '',
      },
      config,
    );
    const response = await doFetch(`${endpoint.origin}${endpoint.pathname}?${canonicalQueryString(query)}`, {
      method: 'POST',
      headers: { ...signed.headers, authorization: signed.authorization },
    });
    const reply = v.safeParse(AliyunReply, await jsonOrUndefined(response));
    if (!reply.success) {
      return { status: 'in_doubt', error: { code: `HTTP_${response.status}`, message: 'Aliyun gave no readable answer' } };
    }
    if (reply.output.Code === 'OK' && reply.output.BizId) return { status: 'sent', providerMessageId: reply.output.BizId };
    // A server-side error may or may not have sent; a definite refusal (4xx-style code) sent nothing.
    const definite = response.status < 500 && !/^(InternalError|ServiceUnavailable)/.test(reply.output.Code);
    return { status: definite ? 'failed' : 'in_doubt', error: { code: reply.output.Code, message: reply.output.Message ?? '' } };
  };

  return {
    provider: 'aliyun',
    async send(message) {
      if (config.templates[message.templateCode] === undefined) throw unknownTemplate('aliyun', message.templateCode);
      return sendThroughProvider(deps, 'aliyun', message, call);
    },
  };
};
