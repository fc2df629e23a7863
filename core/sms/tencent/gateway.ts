import * as v from 'valibot';
import type { ProviderDeps, ProviderOutcome } from '../provider-send.ts';
import { jsonOrUndefined, sendThroughProvider, unknownTemplate } from '../provider-send.ts';
import type { SmsGateway, SmsMessage } from '../types.ts';
import { signTc3 } from './signature.ts';

export interface TencentSmsTemplate {
  /** The approved template id (模板 ID). */
  readonly templateId: string;
  /** Names of SmsMessage.params in the template's positional order ({1}, {2}, …). */
  readonly params: readonly string[];
}

export interface TencentSmsConfig {
  readonly secretId: string;
  readonly secretKey: string;
  readonly smsSdkAppId: string;
  /** The approved sign name (签名), without 【】. */
  readonly signName: string;
  readonly templates: Readonly<Record<string, TencentSmsTemplate>>;
  /** Default ap-guangzhou. */
  readonly region?: string;
  /** Default https://sms.tencentcloudapi.com/ */
  readonly endpoint?: string;
}

export const TencentSmsConfigSchema = v.strictObject({
  secretId: v.pipe(v.string(), v.minLength(1)),
  secretKey: v.pipe(v.string(), v.minLength(1)),
  smsSdkAppId: v.pipe(v.string(), v.regex(/^\d+$/)),
  signName: v.pipe(v.string(), v.minLength(2), v.maxLength(12)),
  templates: v.record(v.string(), v.strictObject({ templateId: v.pipe(v.string(), v.regex(/^\d+$/)), params: v.array(v.string()) })),
  region: v.optional(v.string()),
  endpoint: v.optional(v.pipe(v.string(), v.url())),
});

const TencentReply = v.object({
  Response: v.looseObject({
    Error: v.optional(v.object({ Code: v.string(), Message: v.string() })),
    SendStatusSet: v.optional(v.array(v.looseObject({ SerialNo: v.optional(v.string()), Code: v.string(), Message: v.optional(v.string()) }))),
  }),
});

/**
 * 腾讯云短信 SendSms (API 3.0, 2021-01-11), signed with TC3-HMAC-SHA256. At most once per idempotency
 * key through the send log; SessionContext carries the key back in Tencent's delivery reports.
 */
export const createTencentSmsGateway = (config: TencentSmsConfig, deps: ProviderDeps): SmsGateway => {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? (() => new Date());
  const endpoint = new URL(config.endpoint ?? 'https://sms.tencentcloudapi.com/');

  const call = async (message: SmsMessage): Promise<ProviderOutcome> => {
    const template = config.templates[message.templateCode]!;
    const payload = JSON.stringify({
      PhoneNumberSet: [`+86${message.to}`],
      SmsSdkAppId: config.smsSdkAppId,
      SignName: config.signName,
      TemplateId: template.templateId,
      TemplateParamSet: template.params.map((name) => message.params[name] ?? ''),
      SessionContext: message.idempotencyKey.slice(0, 512),
    });
    const timestamp = Math.floor(now().getTime() / 1000);
    const headers = { 'Content-Type': 'application/json; charset=utf-8', 'X-TC-Action': 'SendSms' };
    const signed = await signTc3({ method: 'POST', host: endpoint.host, headers, payload, service: 'sms', timestamp }, config);
    const response = await doFetch(endpoint, {
      method: 'POST',
      headers: {
        ...headers,
        Authorization: signed.authorization,
        'X-TC-Timestamp': String(timestamp),
        'X-TC-Version': '2021-01-11',
        'X-TC-Region': config.region ?? 'ap-guangzhou',
      },
      body: payload,
    });
    const reply = v.safeParse(TencentReply, await jsonOrUndefined(response));
    if (!reply.success) return { status: 'in_doubt', error: { code: `HTTP_${response.status}`, message: 'Tencent Cloud gave no readable answer' } };
    const { Error: error, SendStatusSet: statuses } = reply.output.Response;
    if (error) {
      const inDoubt = response.status >= 500 || /^(InternalError|RequestLimitExceeded\.Global)/.test(error.Code);
      return { status: inDoubt ? 'in_doubt' : 'failed', error: { code: error.Code, message: error.Message } };
    }
    const status = statuses?.[0];
    if (!status) return { status: 'in_doubt', error: { code: 'NO_SEND_STATUS', message: 'no SendStatusSet in the answer' } };
    if (status.Code === 'Ok' && status.SerialNo) return { status: 'sent', providerMessageId: status.SerialNo };
    return { status: 'failed', error: { code: status.Code, message: status.Message ?? '' } };
  };

  return {
    provider: 'tencent',
    async send(message) {
      if (config.templates[message.templateCode] === undefined) throw unknownTemplate('tencent', message.templateCode);
      return sendThroughProvider(deps, 'tencent', message, call);
    },
  };
};
