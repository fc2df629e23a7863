import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples } from '../../core/blobs/testing/samples.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness, scjWarning } from './testing.ts';

type Session = Awaited<ReturnType<StaffApiHarness['signIn']>>;

describe('warning actions through the staff API (预警处置)', () => {
  let h: StaffApiHarness;
  let dispatcher: Session, handler: Session, officer: Session, rated: Session, lead: Session, auditor: Session;
  beforeAll(async () => {
    h = await createStaffApiHarness();
    [dispatcher, handler, officer, rated, lead, auditor] = (await Promise.all(
      ['dispatcher', 'handler-scj', 'callback', 'staff-0412', 'wglead', 'auditor'].map((u) => h.signIn(u)),
    )) as [Session, Session, Session, Session, Session, Session];
  });
  afterAll(async () => h?.close());

  const types = async (warningId: string) => (await h.store.readStream(`warning-${warningId}`)).map((e) => e.type);

  const upload = async (session: Session, bytes: Uint8Array, type: string) => {
    const res = await h.request('/api/staff/blobs', {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': type },
      body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { key: string }).key;
  };

  it('dispatches with the signed-in dispatcher as the actor', async () => {
    await h.raise('w-1', scjWarning());
    const res = await h.as(dispatcher, 'POST', '/api/staff/warnings/w-1/dispatch', { note: '请市场监管局处理' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { alreadyHandled: boolean; appended: { type: string }[]; warning: { phase: string } };
    expect(body).toMatchObject({ alreadyHandled: false, appended: [{ type: 'WarningDispatched' }], warning: { phase: 'awaiting_reply' } });
    const [, dispatched] = await h.store.readStream('warning-w-1');
    expect(dispatched).toMatchObject({
      type: 'WarningDispatched',
      data: { by: 'dispatcher', leadDepartment: 'SCJ', note: '请市场监管局处理' },
      metadata: { actor: { id: 'dispatcher', role: 'dispatcher', department: 'ZSJ' } },
    });
  });

  it('appends nothing for a retried request with the same Idempotency-Key', async () => {
    await h.raise('w-2', scjWarning());
    const key = { 'idempotency-key': 'dispatch-w-2-attempt' };
    const first = await h.as(dispatcher, 'POST', '/api/staff/warnings/w-2/dispatch', {}, key);
    const retry = await h.as(dispatcher, 'POST', '/api/staff/warnings/w-2/dispatch', {}, key);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toMatchObject({ alreadyHandled: true, appended: [] });
    expect(await types('w-2')).toEqual(['WarningRaised', 'WarningDispatched']);
    // A new key is a new command, and the decider refuses a second dispatch.
    const again = await h.as(dispatcher, 'POST', '/api/staff/warnings/w-2/dispatch', {});
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('WARNING_ALREADY_DISPATCHED');
    expect(await types('w-2')).toEqual(['WarningRaised', 'WarningDispatched']);
  });

  it('runs a warning to its close: reply with evidence, status, dual call-back with a photo', async () => {
    await h.raise('w-3', scjWarning());
    await h.as(dispatcher, 'POST', '/api/staff/warnings/w-3/dispatch', {});
    const photo = await upload(handler, samples.jpeg(), 'image/jpeg');
    expect((await h.as(handler, 'POST', '/api/staff/warnings/w-3/status', { note: '已约谈窗口人员' })).status).toBe(200);
    expect((await h.as(handler, 'POST', '/api/staff/warnings/w-3/evidence', { blobKey: photo, description: '整改现场' })).status).toBe(200);
    const reply = await h.as(handler, 'POST', '/api/staff/warnings/w-3/reply', { text: '已优化叫号流程', evidence: [{ blobKey: photo }] });
    expect(reply.status).toBe(200);
    const [replied] = (await h.store.readStream('warning-w-3')).filter((e) => e.type === 'WarningReplied');
    expect(replied!.data).toMatchObject({ department: 'SCJ', evidence: [{ blobKey: photo, sha256: photo, mediaType: 'image/jpeg' }] });
    // An upload that does not exist is named, and nothing changes.
    const ghost = await h.as(officer, 'POST', '/api/staff/warnings/w-3/onsite-check', {
      checkedAt: '2026-03-03T02:00:00.000Z',
      satisfied: true,
      photoBlobKey: 'b'.repeat(64),
    });
    expect(ghost.status).toBe(422);
    expect(((await ghost.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('photoBlobKey');
    const phone = await h.as(officer, 'POST', '/api/staff/warnings/w-3/phone-callback', { calledAt: '2026-03-03T02:04:00.000Z', satisfied: true, notes: '群众满意' });
    expect(phone.status).toBe(200);
    const onSite = await h.as(officer, 'POST', '/api/staff/warnings/w-3/onsite-check', {
      checkedAt: '2026-03-03T02:04:30.000Z',
      satisfied: true,
      notes: '现场已整改',
      photoBlobKey: photo,
    });
    expect(onSite.status).toBe(200);
    expect(await onSite.json()).toMatchObject({ warning: { phase: 'closed', outcome: 'rectified' } });
    const view = await h.as(auditor, 'GET', '/api/staff/warnings/w-3');
    const body = (await view.json()) as { warning: { phase: string }; events: { type: string; actor: { id: string; role: string } }[] };
    expect(body.warning.phase).toBe('closed');
    expect(body.events.map((e) => e.type)).toEqual(await types('w-3'));
    expect(body.events.find((e) => e.type === 'PhoneCallbackRecorded')!.actor).toMatchObject({ id: 'callback', role: 'callback_officer' });
  });

  it('lets the rated officer appeal and the working-group lead uphold it (申诉复核)', async () => {
    await h.raise('w-4', scjWarning());
    const proof = await upload(rated, samples.png(), 'image/png');
    const appeal = await h.as(rated, 'POST', '/api/staff/warnings/w-4/appeal', { reason: '评价人误评', evidence: [{ blobKey: proof }] });
    expect(appeal.status).toBe(200);
    const review = await h.as(lead, 'POST', '/api/staff/warnings/w-4/appeal-review', { decision: 'upheld', reason: '监控录像显示服务规范' });
    expect(review.status).toBe(200);
    expect(await review.json()).toMatchObject({ warning: { phase: 'closed', outcome: 'appeal_upheld', ratingExcludedFromAppraisal: true } });
    const reviewed = (await h.store.readStream('warning-w-4')).find((e) => e.type === 'AppealReviewed')!;
    // The decider's role is appeal_reviewer; the record keeps who it really was.
    expect(reviewed.metadata.actor).toEqual({ id: 'wglead', role: 'working_group_lead', department: 'ZSJ' });
  });

  it('passes decider refusals through as problem+json and rejects uploads that are not what they claim', async () => {
    await h.raise('w-5', scjWarning());
    const early = await h.as(handler, 'POST', '/api/staff/warnings/w-5/reply', { text: '已整改' });
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toContain('application/problem+json');
    expect(await early.json()).toMatchObject({ code: 'WARNING_NOT_DISPATCHED', detail: '预警尚未派单' });
    // In the reader's language: the console sends Accept-Language from its language switch.
    const english = await h.as(handler, 'POST', '/api/staff/warnings/w-5/reply', { text: '已整改' }, { 'accept-language': 'en' });
    expect(await english.json()).toMatchObject({ code: 'WARNING_NOT_DISPATCHED', detail: 'The warning has not been dispatched yet.' });
    const fake = await h.request('/api/staff/blobs', {
      method: 'POST',
      headers: { cookie: handler.cookie, 'x-csrf-token': handler.csrfToken, 'content-type': 'image/jpeg' },
      body: new Blob([samples.html() as Uint8Array<ArrayBuffer>]),
    });
    expect(fake.status).toBe(415);
  });

  it('masks a phone or ID number quoted in staff free text before it is recorded, and in what the API shows of older records', async () => {
    await h.raise('w-6', scjWarning());
    const plain = /(?<!\d)1[3-9]\d{9}(?!\d)|\d{17}[\dX]/;
    expect((await h.as(dispatcher, 'POST', '/api/staff/warnings/w-6/dispatch', { note: '申请人电话 13812345678' })).status).toBe(200);
    expect((await h.as(handler, 'POST', '/api/staff/warnings/w-6/status', { note: '已致电 138 1234 5678, 身份证 110101199003074514' })).status).toBe(200);
    expect((await h.as(handler, 'POST', '/api/staff/warnings/w-6/reply', { text: '已回复申请人(13812345678)' })).status).toBe(200);
    const recorded = await h.store.readStream('warning-w-6');
    expect(JSON.stringify(recorded.map((e) => e.data))).not.toMatch(plain);
    expect(recorded.find((e) => e.type === 'WarningStatusUpdated')!.data).toMatchObject({ note: '已致电 138****5678, 身份证 110***********4514' });
    // A record written before the edge masked free text is shown masked.
    const [last] = recorded.slice(-1);
    await h.store.append(
      'warning-w-6',
      [{ id: crypto.randomUUID(), type: 'WarningStatusUpdated', schemaVersion: 1, data: { by: 'handler-scj', department: 'SCJ', note: '旧记录 13912345678', at: '2026-03-03T03:00:00.000Z' }, metadata: { ...last!.metadata } }],
      { expectedVersion: last!.streamVersion },
    );
    const view = await h.as(auditor, 'GET', '/api/staff/warnings/w-6');
    expect(view.status).toBe(200);
    const shown = JSON.stringify(await view.json());
    expect(shown).toContain('旧记录 139****5678');
    expect(shown).not.toMatch(plain);
  });

  it('answers 503 for the inbox while no read model is wired', async () => {
    const res = await h.as(dispatcher, 'GET', '/api/staff/warnings');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('INBOX_UNAVAILABLE');
  });
});
