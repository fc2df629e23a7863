import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { claimProviderSend } from '../../core/sms/send-log.ts';
import { warningPolicyStreamId } from '../../core/warning-policy/config.ts';
import { defaultRoutingTable } from '../../core/warning-policy/routing.ts';
import { defaultWarningRules } from '../../core/warning-policy/rules.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness } from './testing.ts';
import { appendReadModelFacts, startReadModels } from './testing-facts.ts';

type Session = Awaited<ReturnType<StaffApiHarness['signIn']>>;
type Problem = { code: string; errors?: { field: string }[] };

describe('configuration, SMS outbox and departments through the staff API', () => {
  let h: StaffApiHarness;
  let readModels: ReturnType<typeof startReadModels>;
  const sessions: Record<string, Session> = {};

  beforeAll(async () => {
    h = await createStaffApiHarness({ inbox: true });
    readModels = startReadModels(h);
    await appendReadModelFacts(h.store, h.deps.blobs);
    const sms = createOutboxSmsGateway({ db: h.db as Kysely<SmsDatabase>, vault: h.deps.access.vault });
    for (let i = 0; i < 3; i++) {
      await sms.send({
        idempotencyKey: `t-${i}`,
        to: `1380013800${i}`,
        templateCode: 'invitation',
        params: {},
        text: `【咸安政务服务】请评价 ${i}`,
        purpose: 'invitation',
      });
    }
    await readModels.caughtUp();
    for (const username of ['admin', 'auditor', 'handler-scj', 'dispatcher', 'staff-0412'])
      sessions[username] = await h.signIn(username);
  });
  afterAll(async () => {
    await readModels?.stop();
    await h?.close();
  });

  const call = (
    username: string,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => h.as(sessions[username]!, method, `/api/staff${url}`, body, headers);

  it('reads the questionnaire and the warning policy in force (version 0 = shipped defaults)', async () => {
    const questionnaire = await call('auditor', 'GET', '/config/questionnaire');
    expect(questionnaire.status).toBe(200);
    const q = (await questionnaire.json()) as { version: number; value: { indicators: unknown[] } };
    expect(q.version).toBe(0);
    expect(q.value.indicators.length).toBe(12);
    const policy = await call('admin', 'GET', '/config/warning-policy');
    expect(await policy.json()).toEqual({
      rules: { version: 0, value: defaultWarningRules },
      routing: { version: 0, value: defaultRoutingTable },
    });
    expect((await call('dispatcher', 'GET', '/config/warning-policy')).status).toBe(403);
  });

  it('publishes a routing table as an event with who, when and why; a retry with the same key appends nothing', async () => {
    const table = { ...defaultRoutingTable, serviceDepartment: 'ZWFW' };
    const headers = { 'idempotency-key': 'publish-routing-0001' };
    const first = await call(
      'admin',
      'PUT',
      '/config/warning-policy/routing',
      { table, reason: '政务服务中心更名' },
      headers,
    );
    expect(first.status).toBe(200);
    expect(((await first.json()) as { routing: unknown }).routing).toEqual({ version: 1, value: table });
    const retry = await call(
      'admin',
      'PUT',
      '/config/warning-policy/routing',
      { table, reason: '政务服务中心更名' },
      headers,
    );
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const events = await h.store.readStream(warningPolicyStreamId);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({
      version: 1,
      by: 'admin',
      reason: '政务服务中心更名',
      at: h.deps.clock.now().toISOString(),
    });
    expect(events[0]!.metadata.actor).toMatchObject({ id: 'admin', role: 'administrator' });
    const read = (await (await call('auditor', 'GET', '/config/warning-policy')).json()) as {
      routing: unknown;
    };
    expect(read.routing).toEqual({ version: 1, value: table });
  });

  it('publishes warning rules, and refuses bad ones naming the field, changing nothing', async () => {
    const rules = { ...defaultWarningRules, dispatchWithinMinutes: 90 };
    const ok = await call('admin', 'PUT', '/config/warning-policy/rules', {
      rules,
      reason: '派单时限调整为 90 分钟',
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { rules: unknown }).rules).toEqual({ version: 1, value: rules });
    const before = (await h.store.readStream(warningPolicyStreamId)).length;
    const fields = async (body: unknown, url = '/config/warning-policy/rules') => {
      const res = await call('admin', 'PUT', url, body);
      expect(res.status).toBe(422);
      return ((await res.json()) as Problem).errors!.map((error) => error.field);
    };
    expect(await fields({ rules, reason: '  ' })).toEqual(['reason']);
    expect(await fields({ rules: { ...rules, dispatchWithinMinutes: 1 }, reason: 'x' })).toEqual([
      'rules.dispatchWithinMinutes',
    ]);
    expect(
      await fields(
        {
          table: {
            ...defaultRoutingTable,
            entries: [{ kind: 'fire', concern: 'any', lead: 'competent', cooperating: [] }],
          },
          reason: 'x',
        },
        '/config/warning-policy/routing',
      ),
    ).toEqual(['table.entries.0.kind']);
    // The decider's own rule (reminder before the deadline) is refused with its code and field.
    const late = await call('admin', 'PUT', '/config/warning-policy/rules', {
      rules: { ...rules, dispatchReminderBeforeMinutes: 90 },
      reason: 'x',
    });
    expect(late.status).toBe(422);
    expect(((await late.json()) as Problem).code).toBe('WARNING_POLICY_INVALID');
    const noKey = await call(
      'admin',
      'PUT',
      '/config/warning-policy/rules',
      { rules, reason: 'x' },
      { 'idempotency-key': '' },
    );
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as Problem).errors![0]!.field).toBe('header.idempotency-key');
    expect(
      (await call('auditor', 'PUT', '/config/warning-policy/rules', { rules, reason: 'x' })).status,
    ).toBe(403);
    expect((await h.store.readStream(warningPolicyStreamId)).length).toBe(before);
  });

  it('lists calendar years with where their data comes from', async () => {
    const res = await call('auditor', 'GET', '/config/calendar');
    expect(res.status).toBe(200);
    // The harness clock is in 2026: chinese-days 1.5.7 holds 2025 and 2026; 2027 falls back to weekdays.
    expect(((await res.json()) as { rows: unknown[] }).rows).toEqual([
      { year: 2025, source: 'official' },
      { year: 2026, source: 'official' },
      { year: 2027, source: 'fallback' },
    ]);
    expect((await call('handler-scj', 'GET', '/config/calendar')).status).toBe(403);
  });

  it('shows administrators the SMS outbox with masked phones only, paged', async () => {
    const res = await call('admin', 'GET', '/sms-outbox?limit=2');
    expect(res.status).toBe(200);
    const { rows } = (await res.json()) as { rows: Record<string, unknown>[] };
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0]!).sort()).toEqual([
      'attempts',
      'createdAt',
      'idempotencyKey',
      'phoneMasked',
      'provider',
      'purpose',
      'status',
      'templateCode',
      'text',
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/1380013800\d/);
    expect(rows[0]!['phoneMasked']).toMatch(/^138\*{4}800\d$/);
    const next = (await (await call('admin', 'GET', '/sms-outbox?limit=2&offset=2')).json()) as {
      rows: unknown[];
    };
    expect(next.rows).toHaveLength(1);
    expect((await call('auditor', 'GET', '/sms-outbox')).status).toBe(403);

    // What a provider sent: its send log and this page never show the link's token, a bearer
    // credential with which an administrator could rate in the citizen's place.
    const sent = await claimProviderSend(h.db as Kysely<SmsDatabase>, h.deps.access.vault, 'aliyun', {
      idempotencyKey: 'invitation:inv-live:send',
      to: '13800138009',
      templateCode: 'invitation',
      params: { link: 'https://pj.example.gov.cn/e/a1B2c3D4e5F6g7H8i9J0k1L' },
      text: '【咸安政务服务】您的办件已办结,请评价:https://pj.example.gov.cn/e/a1B2c3D4e5F6g7H8i9J0k1L',
      purpose: 'invitation',
    });
    expect(sent.claimed).toBe(true);
    const all = (await (await call('admin', 'GET', '/sms-outbox?limit=10')).json()) as { rows: { idempotencyKey: string; text: string }[] };
    expect(all.rows.find((row) => row.idempotencyKey === 'invitation:inv-live:send')?.text).toBe('【咸安政务服务】您的办件已办结,请评价:https://pj.example.gov.cn/e/…');
    expect(JSON.stringify(all.rows)).not.toContain('a1B2c3D4e5F6g7H8i9J0k1L');
    const bad = await call('admin', 'GET', '/sms-outbox?limit=501');
    expect(((await bad.json()) as Problem).errors![0]!.field).toBe('query.limit');
  });

  it('lists departments, a department handler its own only', async () => {
    const all = (await (await call('auditor', 'GET', '/departments')).json()) as { rows: unknown[] };
    expect(all.rows).toEqual([
      { code: 'RSJ', name: '人社局' },
      { code: 'SCJ', name: '市场监管局' },
    ]);
    const own = (await (await call('handler-scj', 'GET', '/departments')).json()) as { rows: unknown[] };
    expect(own.rows).toEqual([{ code: 'SCJ', name: '市场监管局' }]);
    expect((await call('staff-0412', 'GET', '/departments')).status).toBe(403);
  });
});
