import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffAction } from '../../core/access/permissions.ts';
import { can } from '../../core/access/permissions.ts';
import { demoAccounts } from '../../core/access/seed.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness, rsjWarning, scjWarning } from './testing.ts';

/** Every route of the staff API that needs a permission, with the action that guards it. */
const routes: readonly { method: string; path: string; action: StaffAction }[] = [
  { method: 'GET', path: '/api/staff/warnings', action: 'warning.list' },
  { method: 'GET', path: '/api/staff/warnings/w-scj', action: 'warning.read' },
  { method: 'POST', path: '/api/staff/warnings/w-scj/dispatch', action: 'warning.dispatch' },
  { method: 'POST', path: '/api/staff/warnings/w-scj/reply', action: 'warning.reply' },
  { method: 'POST', path: '/api/staff/warnings/w-scj/collaboration', action: 'warning.collaborate' },
  { method: 'POST', path: '/api/staff/warnings/w-scj/evidence', action: 'warning.evidence' },
  { method: 'POST', path: '/api/staff/warnings/w-scj/status', action: 'warning.status' },
  { method: 'POST', path: '/api/staff/warnings/w-scj/phone-callback', action: 'warning.phone_callback' },
  { method: 'POST', path: '/api/staff/warnings/w-scj/onsite-check', action: 'warning.onsite_check' },
  { method: 'POST', path: '/api/staff/warnings/w-scj/appeal', action: 'warning.appeal' },
  { method: 'POST', path: '/api/staff/warnings/w-scj/appeal-review', action: 'warning.appeal_review' },
  { method: 'POST', path: '/api/staff/blobs', action: 'blob.upload' },
  { method: 'POST', path: '/api/staff/accounts', action: 'account.manage' },
  { method: 'GET', path: '/api/staff/accounts/auditor', action: 'account.manage' },
  { method: 'POST', path: '/api/staff/accounts/auditor/lock', action: 'account.manage' },
  { method: 'POST', path: '/api/staff/accounts/auditor/unlock', action: 'account.manage' },
  { method: 'POST', path: '/api/staff/accounts/auditor/disable', action: 'account.manage' },
  { method: 'GET', path: `/api/staff/blobs/${'a'.repeat(64)}`, action: 'blob.read' },
  { method: 'GET', path: '/api/staff/dashboard/ratings/summary', action: 'dashboard.read' },
  { method: 'GET', path: '/api/staff/dashboard/ratings/rollup', action: 'dashboard.read' },
  { method: 'GET', path: '/api/staff/dashboard/unrated', action: 'dashboard.read' },
  { method: 'GET', path: '/api/staff/dashboard/indicators', action: 'dashboard.read' },
  { method: 'GET', path: '/api/staff/dashboard/funnel', action: 'dashboard.read' },
  { method: 'GET', path: '/api/staff/dashboard/heatmap', action: 'dashboard.read' },
  { method: 'GET', path: '/api/staff/dashboard/warnings', action: 'dashboard.read' },
  { method: 'GET', path: '/api/staff/dashboard/warnings/list', action: 'dashboard.read' },
  { method: 'GET', path: '/api/staff/ratings', action: 'rating.list' },
  { method: 'GET', path: '/api/staff/departments', action: 'department.list' },
  { method: 'GET', path: '/api/staff/sms-outbox', action: 'sms.outbox' },
  { method: 'POST', path: '/api/staff/warnings/w-scj/contact/reveal', action: 'pii.reveal' },
  { method: 'GET', path: '/api/staff/config/questionnaire', action: 'config.read' },
  { method: 'GET', path: '/api/staff/config/warning-policy', action: 'config.read' },
  { method: 'GET', path: '/api/staff/config/calendar', action: 'config.read' },
  { method: 'PUT', path: '/api/staff/config/warning-policy/routing', action: 'config.manage' },
  { method: 'PUT', path: '/api/staff/config/warning-policy/rules', action: 'config.manage' },
  { method: 'GET', path: '/api/staff/bulletins/2026-11.docx', action: 'bulletin.read' },
  { method: 'GET', path: '/api/staff/audit/warnings/w-scj/timeline', action: 'audit.read' },
  { method: 'GET', path: '/api/staff/audit/warnings/w-scj/timeline.json', action: 'audit.read' },
  { method: 'GET', path: '/api/staff/audit/warnings/w-scj/timeline.pdf', action: 'audit.read' },
  { method: 'GET', path: '/api/staff/audit/ratings/inv-none/timeline', action: 'audit.read' },
  { method: 'GET', path: '/api/staff/audit/config/warning-policy/timeline', action: 'audit.read' },
  { method: 'GET', path: '/api/staff/scorecards/rules', action: 'appraisal.read' },
  { method: 'GET', path: '/api/staff/scorecards/department/2026-10', action: 'appraisal.read' },
  { method: 'GET', path: '/api/staff/scorecards/department/2026-10.xlsx', action: 'appraisal.read' },
  { method: 'GET', path: '/api/staff/scorecards/department/2026-10.csv', action: 'appraisal.read' },
  { method: 'GET', path: '/api/staff/scorecards/department/2026-10/evidence?unit=SCJ&metric=goodRate', action: 'appraisal.read' },
  { method: 'POST', path: '/api/staff/scorecards/department/2026-10/overrides', action: 'appraisal.override' },
];

describe('authorization of the staff API (权限与数据范围)', () => {
  let h: StaffApiHarness;
  const sessions = new Map<string, Awaited<ReturnType<StaffApiHarness['signIn']>>>();
  beforeAll(async () => {
    h = await createStaffApiHarness();
    await h.raise('w-scj', scjWarning());
    await h.raise('w-rsj', rsjWarning());
    for (const account of demoAccounts) sessions.set(account.username, await h.signIn(account.username));
  });
  afterAll(async () => h?.close());

  it('answers 401 on every route without a session', async () => {
    for (const route of routes) {
      const res = await h.request(route.path, { method: route.method, headers: { 'content-type': 'application/json' }, ...(route.method === 'GET' ? {} : { body: '{}' }) });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
  });

  it('answers 403 to every role the permission matrix refuses, on every route, and changes nothing', async () => {
    let refused = 0;
    for (const account of demoAccounts) {
      for (const route of routes.filter((r) => !can(account.role, r.action))) {
        const res = await h.as(sessions.get(account.username)!, route.method, route.path, route.method === 'GET' ? undefined : {});
        expect(res.status, `${account.role} ${route.method} ${route.path}`).toBe(403);
        expect(((await res.json()) as { code: string }).code).toBe('FORBIDDEN');
        refused++;
      }
    }
    // The matrix refuses something to every role; count it so a silently empty loop cannot pass.
    expect(refused).toBeGreaterThan(50);
    expect((await h.store.readStream('warning-w-scj')).map((e) => e.type)).toEqual(['WarningRaised']);
  });

  it('lets a department handler read its own warning and answers 404 for another department’s (IDOR)', async () => {
    const scj = sessions.get('handler-scj')!;
    expect((await h.as(scj, 'GET', '/api/staff/warnings/w-scj')).status).toBe(200);
    const other = await h.as(scj, 'GET', '/api/staff/warnings/w-rsj');
    const missing = await h.as(scj, 'GET', '/api/staff/warnings/w-does-not-exist');
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    // Indistinguishable from a warning that does not exist.
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip((await other.json()) as Record<string, unknown>)).toEqual(strip((await missing.json()) as Record<string, unknown>));
  });

  it('does not let department A act on department B’s warning, even with a valid request', async () => {
    const dispatcher = sessions.get('dispatcher')!;
    expect((await h.as(dispatcher, 'POST', '/api/staff/warnings/w-rsj/dispatch', {})).status).toBe(200);
    const scj = sessions.get('handler-scj')!;
    const attempts = [
      ['reply', { text: '已整改' }],
      ['status', { note: '处理中' }],
      ['collaboration', { departments: ['SCJ'], note: '请协助' }],
      ['appeal', { reason: '恶意评价', evidence: [{ blobKey: 'a'.repeat(64) }] }],
    ] as const;
    for (const [path, body] of attempts) {
      const res = await h.as(scj, 'POST', `/api/staff/warnings/w-rsj/${path}`, body);
      expect(res.status, path).toBe(404);
    }
    expect((await h.store.readStream('warning-w-rsj')).map((e) => e.type)).toEqual(['WarningRaised', 'WarningDispatched']);
    // The right department can.
    const rsj = sessions.get('handler-rsj')!;
    const reply = await h.as(rsj, 'POST', '/api/staff/warnings/w-rsj/reply', { text: '已约谈窗口人员并优化流程' });
    expect(reply.status).toBe(200);
  });

  it('shows rated staff only the warnings about themselves', async () => {
    const rated = sessions.get('staff-0412')!;
    expect((await h.as(rated, 'GET', '/api/staff/warnings/w-scj')).status).toBe(200);
    expect((await h.as(rated, 'GET', '/api/staff/warnings/w-rsj')).status).toBe(404);
  });

  it('checks the role before the body, the Idempotency-Key before the body, and the body before the warning', async () => {
    const dispatcher = sessions.get('dispatcher')!;
    const noKey = await h.as(dispatcher, 'POST', '/api/staff/warnings/w-scj/dispatch', {}, { 'idempotency-key': '' });
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('header.idempotency-key');
    const badBody = await h.as(dispatcher, 'POST', '/api/staff/warnings/w-scj/dispatch', { leadDepartment: 'no spaces allowed', extra: 1 });
    expect(badBody.status).toBe(422);
    const fields = ((await badBody.json()) as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['leadDepartment', 'extra']));
    expect((await h.store.readStream('warning-w-scj')).map((e) => e.type)).toEqual(['WarningRaised']);
  });
});
