import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPglite } from '../../tests/support/databases.ts';
import { generatePiiKeyring } from '../pii/keyring.ts';
import { createPiiVault } from '../pii/vault.ts';
import { SmsProviderConfigSchema, smsGatewayOf } from './from-config.ts';
import type { SmsDatabase } from './send-log.ts';
import { settleInDoubtSms } from './send-log.ts';
import type { ProviderEmulator } from './testing/emulators.ts';
import { startAliyunEmulator, startTencentEmulator } from './testing/emulators.ts';
import type { SmsGateway, SmsMessage } from './types.ts';

const vault = createPiiVault({ keyring: generatePiiKeyring() });
let pglite: PGlite;
let db: Kysely<SmsDatabase>;
beforeAll(async () => {
  const test = await createTestPglite();
  pglite = test.pglite;
  db = test.db as Kysely<SmsDatabase>;
});
afterAll(async () => pglite.close());

const message = (key: string): SmsMessage => ({
  idempotencyKey: key,
  to: '13812341234',
  templateCode: 'invitation',
  params: { matter: '营业执照', link: 'pg.cn/e/Ab3dE5gH7jK9' },
  text: '【评改通】营业执照已办结，请评价 pg.cn/e/Ab3dE5gH7jK9',
  purpose: 'invitation',
});

interface Harness {
  emulator: ProviderEmulator;
  gateway(overrides?: { secret?: string; url?: string }): SmsGateway;
  /** What the provider must have received for message(key) (the phone, the template and its parameters). */
  expected(key: string): Record<string, unknown>;
}

const providerContract = (name: 'aliyun' | 'tencent', setUp: () => Promise<Harness>) =>
  describe(`${name} SMS adapter against a local server that checks the signature`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await setUp();
    });
    afterAll(async () => h.emulator.close());
    const key = (suffix: string) => `${name}:${suffix}`;

    it('sends a correctly signed SendSms once; a retry with the same key sends nothing and returns the first result', async () => {
      const first = await h.gateway().send(message(key('a')));
      expect(first).toMatchObject({ status: 'sent', provider: name, duplicate: false });
      expect(first.providerMessageId).toBeTruthy();
      expect(h.emulator.badSignatures).toBe(0);
      expect(h.emulator.accepted).toHaveLength(1);
      expect(h.emulator.accepted[0]).toMatchObject(h.expected(key('a')));
      const again = await h.gateway().send(message(key('a')));
      expect(again).toEqual({ ...first, duplicate: true });
      expect(h.emulator.accepted).toHaveLength(1);
    });

    it('concurrent sends with one key reach the provider once', async () => {
      const before = h.emulator.accepted.length;
      const results = await Promise.all(Array.from({ length: 6 }, () => h.gateway().send(message(key('b')))));
      expect(h.emulator.accepted.length - before).toBe(1);
      expect(results.filter((r) => r.status === 'sent' && !r.duplicate)).toHaveLength(1);
    });

    it('a wrong secret is refused by the provider (failed); the retry with the right secret sends', async () => {
      const bad = await h.gateway({ secret: 'not-the-secret' }).send(message(key('c')));
      expect(bad.status).toBe('failed');
      expect(h.emulator.badSignatures).toBe(1);
      const retried = await h.gateway().send(message(key('c')));
      expect(retried).toMatchObject({ status: 'sent', duplicate: false });
      const row = await db.selectFrom('app.sms_outbox').selectAll().where('idempotency_key', '=', key('c')).executeTakeFirstOrThrow();
      expect(row.attempts).toBe(2);
    });

    it('a definite refusal is failed; a server error is in doubt and is never resent', async () => {
      h.emulator.mode = 'refuse';
      expect((await h.gateway().send(message(key('d')))).status).toBe('failed');
      h.emulator.mode = 'server_error';
      const doubtful = await h.gateway().send(message(key('e')));
      expect(doubtful.status).toBe('in_doubt');
      h.emulator.mode = 'ok';
      const before = h.emulator.accepted.length;
      expect(await h.gateway().send(message(key('e')))).toMatchObject({ status: 'in_doubt', duplicate: true });
      expect(h.emulator.accepted.length).toBe(before);
    });

    it("an operator's answer settles a message in doubt: delivered is sent, not delivered goes once more; others are left alone", async () => {
      h.emulator.mode = 'server_error';
      for (const suffix of ['doubt-delivered', 'doubt-lost']) expect((await h.gateway().send(message(key(suffix)))).status).toBe('in_doubt');
      h.emulator.mode = 'ok';
      const before = h.emulator.accepted.length;
      const at = new Date();

      const delivered = await settleInDoubtSms(db, key('doubt-delivered'), { delivered: true, checkedBy: 'ops.wang', at });
      expect(delivered).toMatchObject({ status: 'sent', error_code: 'CHECKED_BY_OPERATOR' });
      expect(delivered?.error_message).toMatch(/^服务商回执:已送达 delivered, checked by ops\.wang at .+ \(was in_doubt, InternalError: /);
      expect(await h.gateway().send(message(key('doubt-delivered'))), 'a retry sends nothing').toMatchObject({ status: 'sent', duplicate: true });

      const lost = await settleInDoubtSms(db, key('doubt-lost'), { delivered: false, checkedBy: 'ops.wang', at });
      expect(lost).toMatchObject({ status: 'failed', error_code: 'CHECKED_BY_OPERATOR' });
      expect(await h.gateway().send(message(key('doubt-lost'))), 'the next send goes').toMatchObject({ status: 'sent', duplicate: false });
      expect(h.emulator.accepted.length - before, 'one message reached the provider').toBe(1);

      expect(await settleInDoubtSms(db, key('doubt-lost'), { delivered: false, checkedBy: 'ops.wang', at }), 'a sent message is not in doubt').toBeUndefined();
      expect(await settleInDoubtSms(db, key('never-sent'), { delivered: true, checkedBy: 'ops.wang', at }), 'nor an unknown key').toBeUndefined();
      await expect(settleInDoubtSms(db, key('doubt-lost'), { delivered: true, checkedBy: '王 五', at }), 'an account, not a name').rejects.toThrow('staff account');
    });

    it('an unreachable provider leaves the message in doubt, with no URL (and so no phone) in the error', async () => {
      const result = await h.gateway({ url: 'http://127.0.0.1:9/' }).send(message(key('f')));
      expect(result).toMatchObject({ status: 'in_doubt', error: { code: 'SMS_TRANSPORT_ERROR' } });
      expect(JSON.stringify(result)).not.toContain('1381234');
    });

    it('refuses a message whose template has no provider mapping, before recording anything', async () => {
      await expect(h.gateway().send({ ...message(key('g')), templateCode: 'nope' })).rejects.toMatchObject({ code: 'SMS_TEMPLATE_UNKNOWN' });
      expect(await db.selectFrom('app.sms_outbox').select('idempotency_key').where('idempotency_key', '=', key('g')).execute()).toEqual([]);
    });

    it('keeps the phone out of the send log in plain text', async () => {
      const dump = JSON.stringify(await db.selectFrom('app.sms_outbox').selectAll().where('provider', '=', name).execute());
      expect(dump).not.toContain('1381234');
      expect(dump).toContain('138****1234');
    });
  });

providerContract('aliyun', async () => {
  const credentials = { accessKeyId: 'LTAI-test', accessKeySecret: 'aliyun-secret' };
  const emulator = await startAliyunEmulator(credentials);
  return {
    emulator,
    // Built as the deployables build it: from PINGGAI_SMS's JSON, parsed.
    gateway: (o = {}) =>
      smsGatewayOf(
        v.parse(SmsProviderConfigSchema, {
          provider: 'aliyun',
          accessKeyId: credentials.accessKeyId,
          accessKeySecret: o.secret ?? credentials.accessKeySecret,
          signName: '评改通',
          templates: { invitation: 'SMS_123456789' },
          endpoint: o.url ?? emulator.url,
        }),
        { db, vault, fetch },
      ),
    expected: (key) => ({
      action: 'SendSms',
      version: '2017-05-25',
      PhoneNumbers: '13812341234',
      SignName: '评改通',
      TemplateCode: 'SMS_123456789',
      TemplateParam: '{"matter":"营业执照","link":"pg.cn/e/Ab3dE5gH7jK9"}',
      OutId: key,
    }),
  };
});

providerContract('tencent', async () => {
  const credentials = { secretId: 'AKID-test', secretKey: 'tencent-secret' };
  const emulator = await startTencentEmulator(credentials);
  return {
    emulator,
    gateway: (o = {}) =>
      smsGatewayOf(
        v.parse(SmsProviderConfigSchema, {
          provider: 'tencent',
          secretId: credentials.secretId,
          secretKey: o.secret ?? credentials.secretKey,
          smsSdkAppId: '1400000000',
          signName: '评改通',
          templates: { invitation: { templateId: '1234567', params: ['matter', 'link'] } },
          endpoint: o.url ?? emulator.url,
        }),
        { db, vault, fetch },
      ),
    expected: (key) => ({
      action: 'SendSms',
      version: '2021-01-11',
      region: 'ap-guangzhou',
      PhoneNumberSet: ['+8613812341234'],
      SmsSdkAppId: '1400000000',
      SignName: '评改通',
      TemplateId: '1234567',
      TemplateParamSet: ['营业执照', 'pg.cn/e/Ab3dE5gH7jK9'],
      SessionContext: key,
    }),
  };
});
