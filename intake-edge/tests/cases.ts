import { Hono } from 'hono';
import { samples } from '../../core/blobs/testing/samples.ts';
import { problemJson } from '../../core/http/hono.ts';
import type { EvaluationSubmitted, InvitationIssued } from '../../core/invitation/events.ts';
import { createIntakeApp } from '../app.ts';
import { verifyCaseSystemSignature } from '../case-api/signature.ts';
import type { IntakeConfig } from '../config.ts';
import { issueInvitation } from '../invitations/issue.ts';
import { sweepInvitations } from '../invitations/sweeper.ts';
import { assert, assertEqual } from './assert.ts';
import { caseEvent, form, tokenFromSms } from './fixtures.ts';
import type { Harness } from './harness.ts';
import { createHarness, freshNonce } from './harness.ts';

type Problem = { status: number; code: string; errors?: { field: string; message: string }[] };

const problemOf = async (response: Response): Promise<Problem> => {
  assert(response.headers.get('content-type')?.startsWith('application/problem+json'), `expected problem+json, got ${response.headers.get('content-type')} (${response.status})`);
  return (await response.json()) as Problem;
};

const assertFieldProblem = async (response: Response, status: number, field: string): Promise<Problem> => {
  assertEqual(response.status, status, `status for ${field}`);
  const problem = await problemOf(response);
  assert(problem.errors?.some((error) => error.field === field), `problem names ${field}: ${JSON.stringify(problem)}`);
  return problem;
};

/** Posts a completed case and returns the invitation token the SMS carried. */
export const completeCaseAndGetToken = async (h: Harness, caseOverrides: Record<string, unknown> = {}): Promise<{ token: string; caseId: string }> => {
  const event = caseEvent({}, caseOverrides);
  const response = await h.postCaseEvents(event);
  assertEqual(response.status, 200, 'case event accepted');
  await h.react();
  const sms = (await h.outbox()).filter((row) => row.purpose === 'invitation').at(-1);
  assert(sms, 'an invitation SMS is in the outbox');
  return { token: tokenFromSms(sms.text), caseId: event.caseId };
};

const postRating = (h: Harness, token: string, fields: Record<string, string | string[]>, options: { json?: boolean; files?: Parameters<typeof form>[1] } = {}) =>
  h.app.request(`/e/${token}`, { method: 'POST', body: form(fields, options.files), headers: options.json ? { accept: 'application/json' } : { accept: 'text/html' } });

/** The device cookie a static-QR response signs and sets, if any. */
const deviceCookieOf = (response: Response): string | null => {
  for (const line of response.headers.getSetCookie()) {
    const match = /^pg_dev=([^;]+)/.exec(line);
    if (match) return match[1]!;
  }
  return null;
};

/**
 * One citizen's static-QR scan: the window's page (which signs a device cookie, unless `cookie` is
 * given), then one tap on the matter. The connection's address is passed as each runtime's entry
 * point gives it to Hono: `from` as Deno.serve's `{ remoteAddr }`, `node` as @hono/node-server's.
 */
const scan = async (app: Hono, path: string, options: { from?: string; node?: string; cookie?: string; headers?: Record<string, string> } = {}) => {
  const env = options.node ? { incoming: { socket: { remoteAddress: options.node } } } : options.from ? { remoteAddr: { transport: 'tcp', hostname: options.from, port: 40_000 } } : undefined;
  const cookie = options.cookie ?? deviceCookieOf(await app.request(path, {}, env));
  return app.request(path, { method: 'POST', body: form({ matter: 'M-FOOD' }), headers: { cookie: `pg_dev=${cookie}`, ...options.headers } }, env);
};

/** The test configuration with its hall under another code (its counters its own) and the static-QR settings changed. */
const withStaticQrHall = (h: Harness, code: string, changes: { staticQr?: Partial<IntakeConfig['staticQr']>; trustedProxyHops?: number } = {}): IntakeConfig => ({
  ...h.services.config,
  halls: [{ ...h.services.config.halls[0]!, code }],
  staticQr: { ...h.services.config.staticQr, ...changes.staticQr },
  trustedProxyHops: changes.trustedProxyHops ?? h.services.config.trustedProxyHops,
});

/**
 * The intake suite: plain async functions over a harness, run by vitest on Node
 * (intake.int.test.ts) and by `deno test` on Deno (intake.deno.ts) against real Postgres.
 */
export const intakeCases: Record<string, (h: Harness) => Promise<void>> = {
  async 'completed case → SMS invitation in the outbox within one segment, phone masked, none in plain text'(h) {
    const { token, caseId } = await completeCaseAndGetToken(h);
    const sms = (await h.outbox()).at(-1)!;
    assert(token.length <= 24, 'token ≤ 24 characters');
    assert(sms.text.length <= 70 && sms.text.startsWith('【咸安政务服务】'), `one segment with sign name: ${sms.text}`);
    assertEqual(sms.phone_masked, '138****1234', 'masked phone');
    assert(sms.idempotency_key.startsWith('invitation:') && sms.idempotency_key.endsWith(':send'), 'idempotency key invitation:<id>:send');
    const all = JSON.stringify(await h.backend.store.readAll({ limit: 100_000 }), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    assert(!all.includes('13812341234'), 'no plain phone number in any event');
    const issued = (await h.eventsOfType('InvitationIssued')).map((e) => e.data as InvitationIssued['data']).find((d) => d.subject.caseNumber === caseId);
    assert(issued && issued.channel === 'sms' && issued.questionnaireVersion === 1 && issued.variantId === 'enterprise_licence', 'issued with version and 千人千面 variant');
    assertEqual((await h.eventsOfType('InvitationSent')).length > 0, true, 'InvitationSent recorded');
  },

  async 'the reactor issues one invitation per case even when the case event is re-sent'(h) {
    const event = caseEvent();
    await h.postCaseEvents(event);
    await h.postCaseEvents(event);
    await h.react();
    const issued = (await h.eventsOfType('InvitationIssued')).filter((e) => (e.data as InvitationIssued['data']).subject.caseNumber === event.caseId);
    assertEqual(issued.length, 1, 'one invitation');
    const sends = (await h.outbox()).filter((row) => row.idempotency_key === `invitation:${(issued[0]!.data as InvitationIssued['data']).invitationId}:send`);
    assertEqual(sends.length, 1, 'one SMS');
  },

  async 'signatures: unknown key, wrong secret, skewed clock and replayed nonce are refused with the header named, nothing stored'(h) {
    const before = await h.eventCount();
    await assertFieldProblem(await h.postCaseEvents(caseEvent(), { keyId: 'nobody' }), 401, 'headers.x-pinggai-key-id');
    await assertFieldProblem(await h.postCaseEvents(caseEvent(), { secret: 'wrong-secret-wrong-secret-wrong-secret' }), 401, 'headers.x-pinggai-signature');
    const skewed = Math.floor(h.clock.now().getTime() / 1000) - 301;
    await assertFieldProblem(await h.postCaseEvents(caseEvent(), { timestamp: skewed }), 401, 'headers.x-pinggai-timestamp');
    const nonce = freshNonce();
    assertEqual((await h.postCaseEvents(caseEvent(), { nonce })).status, 200, 'first use of a nonce');
    const afterFirst = await h.eventCount();
    const replay = await assertFieldProblem(await h.postCaseEvents(caseEvent(), { nonce }), 401, 'headers.x-pinggai-nonce');
    assertEqual(replay.code, 'CASE_API_REPLAYED', 'replay code');
    assertEqual(await h.eventCount(), afterFirst, 'replay stored nothing');
    assert(afterFirst > before, 'the genuine request stored its events');
  },

  async 'a request the server failed (5xx) can be sent again as it was signed; a succeeded one cannot'(h) {
    // The signature check in front of a handler that fails once, as a lost database would.
    let failures = 1;
    const app = new Hono();
    app.onError(problemJson());
    app.post('/api/v1/case-events', verifyCaseSystemSignature(h.services), (c) => {
      if (failures-- > 0) throw new Error('connection terminated');
      return c.json({ results: [] });
    });
    const body = JSON.stringify(caseEvent());
    const headers = await h.signCaseEvents(body);
    const send = () => app.request('/api/v1/case-events', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    assertEqual((await send()).status, 500, 'the server failed');
    assertEqual((await send()).status, 200, 'the same signed request, sent again, is served');
    await assertFieldProblem(await send(), 401, 'headers.x-pinggai-nonce');
  },

  async 'a body changed after signing is refused'(h) {
    const event = caseEvent();
    const headers = await (await import('../case-api/signature.ts')).signCaseRequest({
      method: 'POST',
      pathWithQuery: '/api/v1/case-events',
      body: JSON.stringify(event),
      keyId: 'zwfw-2025',
      secret: 'case-system-secret-0123456789abcdef',
      timestamp: Math.floor(h.clock.now().getTime() / 1000),
      nonce: freshNonce(),
    });
    const response = await h.app.request('/api/v1/case-events', { method: 'POST', body: JSON.stringify({ ...event, sequence: 9 }), headers: { 'content-type': 'application/json', ...headers } });
    await assertFieldProblem(response, 401, 'headers.x-pinggai-signature');
  },

  async 'idempotent by case id and sequence; older stage changes are ignored with a clear answer, a late completion or overdue is recorded; batches answer per event'(h) {
    const registered = caseEvent({ type: 'registered', sequence: 1, stage: 'accepted' });
    const id = registered.caseId;
    const first = (await (await h.postCaseEvents(registered)).json()) as { results: { outcome: string }[] };
    assertEqual(first.results[0]!.outcome, 'recorded', 'first report recorded');
    const again = (await (await h.postCaseEvents(registered)).json()) as { results: { outcome: string; events: number }[] };
    assertEqual(again.results[0], { index: 0, caseId: id, sequence: 1, outcome: 'duplicate', events: 0 } as never, 'same sequence never appended twice');
    const batch = {
      events: [
        caseEvent({ caseId: id, type: 'overdue', sequence: 5, dueAt: '2025-10-30T17:00:00+08:00' }),
        caseEvent({ caseId: id, type: 'stage_changed', sequence: 4, stage: 'in_progress' }),
        caseEvent({ caseId: id, type: 'completed', sequence: 6 }),
      ],
    };
    const answer = (await (await h.postCaseEvents(batch)).json()) as { results: { outcome: string }[] };
    assertEqual(answer.results.map((r) => r.outcome), ['recorded', 'stale', 'recorded'], 'batch outcomes');
    const stream = await h.backend.store.readStream(`case-zwfw:${id}`);
    assertEqual(stream.map((e) => e.type), ['CaseRegistered', 'CaseOverdue', 'CaseStageChanged', 'CaseCompleted'], 'case stream');

    // Completion and 办件超时 overtaken by a newer report are still facts: recorded, not stale.
    const late = caseEvent({ type: 'registered', sequence: 1, stage: 'accepted' });
    await h.postCaseEvents(late);
    await h.postCaseEvents(caseEvent({ caseId: late.caseId, type: 'overdue', sequence: 6, dueAt: '2025-10-30T17:00:00+08:00' }));
    const completed = (await (await h.postCaseEvents(caseEvent({ caseId: late.caseId, type: 'completed', sequence: 5 }))).json()) as { results: { outcome: string }[] };
    assertEqual(completed.results[0]!.outcome, 'recorded', 'a completion with an older sequence is recorded');
    const other = caseEvent({ type: 'completed', sequence: 7 });
    await h.postCaseEvents(other);
    const overdue = (await (await h.postCaseEvents(caseEvent({ caseId: other.caseId, type: 'overdue', sequence: 3, dueAt: '2025-10-30T17:00:00+08:00' }))).json()) as { results: { outcome: string }[] };
    assertEqual(overdue.results[0]!.outcome, 'recorded', '办件超时 reported after completion is recorded');
    assertEqual((await h.backend.store.readStream(`case-zwfw:${late.caseId}`)).map((e) => e.type), ['CaseRegistered', 'CaseOverdue', 'CaseStageChanged', 'CaseCompleted'], 'late completion');
    assertEqual((await h.backend.store.readStream(`case-zwfw:${other.caseId}`)).map((e) => e.type), ['CaseRegistered', 'CaseCompleted', 'CaseOverdue'], 'late overdue');
  },

  async 'invalid case events: problem+json names each field by its dotted path and nothing is stored'(h) {
    const before = await h.eventCount();
    const missingCode = caseEvent();
    delete (missingCode.case.matter as Record<string, unknown>)['code'];
    const problem = await assertFieldProblem(await h.postCaseEvents(missingCode), 422, 'case.matter.code');
    assertEqual(problem.code, 'VALIDATION_FAILED', 'code');
    await assertFieldProblem(await h.postCaseEvents({ events: [caseEvent(), caseEvent({ sequence: -1 })] }), 422, 'events.1.sequence');
    await assertFieldProblem(await h.postCaseEvents(caseEvent({}, { applicantPhone: '12345' })), 422, 'case.applicantPhone');
    // The right shape, but no such day: refused here, not by Postgres once a read model stores it.
    await assertFieldProblem(await h.postCaseEvents(caseEvent({ occurredAt: '2025-02-30T10:00:00+08:00' })), 422, 'occurredAt');
    await assertFieldProblem(await h.postCaseEvents(caseEvent({ type: 'overdue', dueAt: '2025-04-31T17:00:00+08:00' })), 422, 'dueAt');
    // Text jsonb cannot keep (a NUL, an unpaired surrogate): refused with its field, not a 500 halfway through the batch.
    await assertFieldProblem(await h.postCaseEvents({ events: [caseEvent(), caseEvent({}, { staff: { id: 'S-0107', name: 'Li\u0000Ming' } })] }), 422, 'events.1.case.staff.name');
    await assertFieldProblem(await h.postCaseEvents(caseEvent({}, { hall: { code: 'SMZJ', name: '市民\ud800之家' } })), 422, 'case.hall.name');
    await assertFieldProblem(await h.postCaseEvents(null, { raw: '{"type":' }), 400, 'body');
    await assertFieldProblem(await h.postCaseEvents(null, { raw: `{"pad":"${'x'.repeat(1024 * 1024)}"}` }), 413, 'body');
    assertEqual(await h.eventCount(), before, 'nothing stored');
  },

  async 'citizen page: opens in zh-CN, small, records the view; 不满意 with reason and picture is recorded with national fields; the thank-you page promises an answer'(h) {
    const { token, caseId } = await completeCaseAndGetToken(h);
    const page = await h.app.request(`/e/${token}`);
    assertEqual(page.status, 200, 'page opens');
    const body = await page.text();
    assert(body.includes('<html lang="zh-CN">') && body.includes('非常满意'), 'zh-CN questionnaire');
    assert(new TextEncoder().encode(body).byteLength <= 50 * 1024, `first load ≤ 50 KB (${body.length})`);
    const opened = (await h.eventsOfType('InvitationOpened')).length;
    await h.app.request(`/e/${token}`);
    assertEqual((await h.eventsOfType('InvitationOpened')).length, opened, 're-opening is not a new viewer');

    const response = await postRating(h, token, { overall: '2', reasons: ['R04', 'R03'], 'answers.PC04': '2', comment: '等了很久,电话13812345678', via: 'sms' }, {
      files: [{ name: 'queue.png', type: 'image/png', bytes: samples.png(4096) }],
    });
    assertEqual(response.status, 200, 'rating accepted');
    const thanks = await response.text();
    assert(thanks.includes('感谢您的评价') && thanks.includes('3 个工作日内'), 'thank-you page says they will hear back');
    const evaluation = (await h.eventsOfType('EvaluationSubmitted')).map((e) => e.data as EvaluationSubmitted['data']).find((d) => d.subject.caseNumber === caseId);
    assert(evaluation, 'EvaluationSubmitted in the store');
    assertEqual(
      [evaluation.overall, evaluation.channel, evaluation.subject.matter.code, evaluation.subject.department.code, evaluation.subject.regionCode, evaluation.subject.stage, evaluation.subject.applicantType],
      [2, 'sms', '11421202MB1234567X4000117001', 'SCJGJ', '421202', 'concluded', 'enterprise'],
      'national fields',
    );
    assertEqual(evaluation.reasons, ['R04', 'R03'], 'reasons');
    assertEqual(evaluation.answers, [{ code: 'PC04', level: 2 }], 'indicator answers by code');
    assertEqual(evaluation.attachments[0]?.mediaType, 'image/png', 'picture stored by content type');
    assert(/^[0-9a-f]{64}$/.test(evaluation.attachments[0]!.sha256), 'attachment sha256');
    assertEqual(evaluation.comment, '等了很久,电话138****5678', 'phone typed into the comment is masked');
    assertEqual(evaluation.negative, true, 'negative');
    assertEqual(evaluation.evaluator.identity, 'real_name', 'real-name by default for SMS');
  },

  async '一次一评: a second submission is refused with a clear message and no event'(h) {
    const { token } = await completeCaseAndGetToken(h);
    assertEqual((await postRating(h, token, { overall: '5' })).status, 200, 'top rating in two taps: level + submit');
    const count = await h.eventCount();
    const again = await postRating(h, token, { overall: '1' });
    assertEqual(again.status, 409, 'second submission refused');
    assert((await again.text()).includes('您已评价过本次服务'), 'already-used page');
    const problem = await problemOf(await postRating(h, token, { overall: '1' }, { json: true }));
    assertEqual([problem.status, problem.code], [409, 'INVITATION_ALREADY_RATED'], 'problem+json for API clients');
    assertEqual(await h.eventCount(), count, 'no event');
    assertEqual((await h.app.request(`/e/${token}`)).status, 409, 'the link now shows the already-used page');
  },

  async 'tampered and unknown tokens get the invalid page and no event'(h) {
    const { token } = await completeCaseAndGetToken(h);
    const count = await h.eventCount();
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const bad of [`${token.slice(0, -1)}${last}`, token.slice(0, -2), 'aaaaaaaaaaaaaaaaaaaaaaa', '../../etc/passwd']) {
      const page = await h.app.request(`/e/${encodeURIComponent(bad)}`);
      assertEqual(page.status, 404, `invalid page for ${bad}`);
      assert((await page.text()).includes('评价链接无效'), 'invalid page text');
      assertEqual((await postRating(h, encodeURIComponent(bad), { overall: '5' })).status, 404, 'cannot rate through a tampered link');
    }
    assertEqual(await h.eventCount(), count, 'no event');
  },

  async 'expiry: after 7 days the link shows the expired page, the sweeper records InvitationExpired, no score is given'(h) {
    const { token } = await completeCaseAndGetToken(h);
    h.clock.advanceHours(24 * 7 + 1);
    const page = await h.app.request(`/e/${token}?lang=en`);
    assertEqual(page.status, 410, 'expired page');
    assert((await page.text()).includes('This rating link has expired'), 'in the user’s language');
    const before = (await h.eventsOfType('EvaluationSubmitted')).length;
    assertEqual((await postRating(h, token, { overall: '5' })).status, 410, 'no rating after expiry');
    const report = await sweepInvitations(h.services);
    assert(report.expired >= 1, `sweeper expired it: ${JSON.stringify(report)}`);
    assertEqual((await h.eventsOfType('EvaluationSubmitted')).length, before, 'unrated stays unrated');
  },

  async 'one reminder after the configured delay, through the SMS gateway with its own idempotency key'(h) {
    const { token } = await completeCaseAndGetToken(h);
    h.clock.advanceHours(25);
    await sweepInvitations(h.services);
    await sweepInvitations(h.services);
    const reminders = (await h.outbox()).filter((row) => row.purpose === 'reminder' && row.text.endsWith(token));
    assertEqual(reminders.length, 1, 'one reminder');
    assert(reminders[0]!.text.length <= 70, 'reminder fits one segment');
    assert(reminders[0]!.idempotency_key.endsWith(':remind'), 'reminder key');
    assertEqual((await postRating(h, token, { overall: '4' })).status, 200, 'still ratable after the reminder');
  },

  async 'issuing again after a crash before the sweeper row was written still leaves the row: the reminder is not lost'(h) {
    const { token } = await completeCaseAndGetToken(h);
    const issued = (await h.eventsOfType('InvitationIssued')).map((e) => e.data as InvitationIssued['data']).at(-1)!;
    // The crash: the invitation's events are in the store, its row is not.
    await h.services.db.deleteFrom('app.pending_invitations').where('invitation_id', '=', issued.invitationId).execute();
    const count = await h.eventCount();
    const again = await issueInvitation(h.services, { invitationId: issued.invitationId, channel: issued.channel, trigger: issued.trigger, subject: issued.subject, recipient: issued.recipient });
    assertEqual([again.isNew, await h.eventCount()], [false, count], 'nothing issued twice');
    h.clock.advanceHours(25);
    await sweepInvitations(h.services);
    assertEqual((await h.outbox()).filter((row) => row.purpose === 'reminder' && row.text.endsWith(token)).length, 1, 'reminded');
  },

  async 'static QR: one tap on the matter, then the questionnaire; rated through channel qr_static; rate-limited per signed device cookie and window'(h) {
    const page = await h.app.request('/q/SMZJ/W07');
    assertEqual(page.status, 200, 'window page');
    assert((await page.text()).includes('食品经营许可'), 'matters listed');
    const device = deviceCookieOf(page);
    assert(device, 'the page signs a device cookie');
    const cookie = `pg_dev=${device}`;
    const tap = await h.app.request('/q/SMZJ/W07', { method: 'POST', body: form({ matter: 'M-FOOD' }), headers: { cookie } });
    assertEqual(tap.status, 303, 'redirect to the questionnaire');
    const location = tap.headers.get('location')!;
    const token = /\/e\/([^?]+)/.exec(location)![1]!;
    assertEqual((await h.app.request(location)).status, 200, 'questionnaire opens');
    assertEqual((await postRating(h, token, { overall: '5' })).status, 200, 'rated');
    const evaluation = (await h.eventsOfType('EvaluationSubmitted')).map((e) => e.data as EvaluationSubmitted['data']).find((d) => d.channel === 'qr_static');
    assert(evaluation && evaluation.subject.matter.code === 'M-FOOD' && evaluation.subject.caseNumber === null && evaluation.evaluator.identity === 'anonymous', 'static QR rating');
    assertEqual(deviceCookieOf(await h.app.request('/q/SMZJ/W07', { headers: { cookie } })), null, 'a phone with a signed cookie keeps it');
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) last = await h.app.request('/q/SMZJ/W07', { method: 'POST', body: form({ matter: 'M-REG' }), headers: { cookie } });
    assertEqual(last!.status, 429, 'fourth scan within the hour from the same device is refused');
    assert((await last!.text()).includes('同一设备'), 'as too many from this device');
    const unknownMatter = await h.app.request('/q/SMZJ/W07', { method: 'POST', body: form({ matter: 'NOPE' }), headers: { accept: 'application/json', cookie } });
    await assertFieldProblem(unknownMatter, 422, 'matter');
    // The form holds one matter code; a large body is refused before it is read, and issues nothing.
    const count = await h.eventCount();
    const padded = await h.app.request('/q/SMZJ/W07', { method: 'POST', body: form({ matter: 'M-FOOD', pad: 'x'.repeat(8192) }), headers: { accept: 'application/json', cookie } });
    await assertFieldProblem(padded, 400, 'body');
    assertEqual(await h.eventCount(), count, 'nothing issued');
  },

  async 'static QR: a tap without a device cookie this server signed (none, made up, tampered, unknown key) gets no invitation, only the matter page again with a fresh cookie'(h) {
    const path = '/q/SMZJ/W07';
    const issued = (await h.eventsOfType('InvitationIssued')).length;
    const signed = deviceCookieOf(await h.app.request(path))!;
    const tampered = `${signed.slice(0, -1)}${signed.endsWith('A') ? 'B' : 'A'}`;
    let fresh: string | null = null;
    for (const cookie of [null, 'AAAAAAAAAAAAAAAAAAAAAA', `a${'A'.repeat(38)}`, tampered, `z${signed.slice(1)}`]) {
      const response = await h.app.request(path, { method: 'POST', body: form({ matter: 'M-FOOD' }), headers: cookie ? { cookie: `pg_dev=${cookie}` } : {} });
      assertEqual(response.status, 200, `the matter page again, not a refusal (cookie ${cookie})`);
      const text = await response.text();
      assert(text.includes('请再点一次') && text.includes('食品经营许可'), 'with a short note and the matters');
      fresh = deviceCookieOf(response);
      assert(fresh && fresh !== cookie, 'and a fresh signed device cookie');
    }
    const english = await h.app.request(`${path}?lang=en`, { method: 'POST', body: form({ matter: 'M-FOOD' }) });
    assert((await english.text()).includes('please tap your service once more'), 'the note in English');
    await assertFieldProblem(await h.app.request(path, { method: 'POST', body: form({ matter: 'M-FOOD' }), headers: { accept: 'application/json' } }), 428, 'cookie.pg_dev');
    assertEqual((await h.eventsOfType('InvitationIssued')).length, issued, 'no invitation without a signed device cookie');
    // A phone that lost its cookie taps once more and is served.
    assertEqual((await h.app.request(path, { method: 'POST', body: form({ matter: 'M-FOOD' }), headers: { cookie: `pg_dev=${fresh}` } })).status, 303, 'served on the next tap');
  },

  async 'static QR: one client address beyond its generous limit is refused, another address is still served; X-Forwarded-For counts only behind trusted proxies'(h) {
    const config = withStaticQrHall(h, 'ADDR', { staticQr: { scansPerAddressPerWindowPerHour: 2 } });
    const app = createIntakeApp({ ...h.services, config });
    const path = '/q/ADDR/W07';
    // A client that makes up forwarded addresses, with a fresh device each time.
    const spoofed = (i: number) => ({ 'x-forwarded-for': `192.0.2.${i}` });
    assertEqual((await scan(app, path, { from: '203.0.113.7', headers: spoofed(1) })).status, 303, 'first from the address');
    assertEqual((await scan(app, path, { from: '203.0.113.7', headers: spoofed(2) })).status, 303, 'second');
    const refused = await scan(app, path, { from: '203.0.113.7', headers: spoofed(3) });
    assertEqual(refused.status, 429, 'third from the same address, with a fresh device, is refused');
    const text = await refused.text();
    assert(text.includes('同一网络') && !text.includes('同一设备'), 'as many from the same network, not blamed on the device');
    assertEqual((await scan(app, path, { from: '::ffff:203.0.113.7' })).status, 429, 'the same address seen over IPv6 is the same client');
    assertEqual((await scan(app, path, { node: '198.51.100.20' })).status, 303, 'another address is served (Node’s connection info)');
    assertEqual((await scan(app, path, { from: '2001:db8:1:2::a' })).status, 303, 'IPv6: one /64');
    assertEqual((await scan(app, path, { from: '2001:db8:1:2::b' })).status, 303, 'IPv6: the same /64');
    assertEqual((await scan(app, path, { from: '2001:db8:1:2:ffff::c' })).status, 429, 'IPv6: a third address in the same /64 is refused');
    await assertFieldProblem(await scan(app, path, { from: '203.0.113.7', headers: { accept: 'application/json' } }), 429, 'address');

    const proxied = createIntakeApp({ ...h.services, config: withStaticQrHall(h, 'PROXY', { staticQr: { scansPerAddressPerWindowPerHour: 2 }, trustedProxyHops: 1 }) });
    const viaProxy = (client: string, i: number) => scan(proxied, '/q/PROXY/W07', { from: '10.0.0.2', headers: { 'x-forwarded-for': `192.0.2.${i}, ${client}` } });
    assertEqual([(await viaProxy('203.0.113.7', 1)).status, (await viaProxy('203.0.113.7', 2)).status, (await viaProxy('203.0.113.7', 3)).status], [303, 303, 429], 'behind a trusted proxy: the address it appended');
    assertEqual((await viaProxy('203.0.113.8', 4)).status, 303, 'another citizen behind the same proxy is served');
  },

  async 'static QR: the window’s ceiling pauses rating there, says so plainly in zh-CN and English without blaming the device, and logs a warning naming the hall and window'(h) {
    const lines: string[] = [];
    const app = createIntakeApp({ ...h.services, config: withStaticQrHall(h, 'FLOOD', { staticQr: { scansPerWindowPerHour: 3 } }), log: (line) => lines.push(line) });
    const path = '/q/FLOOD/W07';
    for (let i = 1; i <= 3; i++) assertEqual((await scan(app, path, { from: `203.0.113.${i}` })).status, 303, `scan ${i} served`);
    const paused = await scan(app, path, { from: '203.0.113.50' });
    assertEqual(paused.status, 429, 'the fourth in the hour, from a new device and address, is refused');
    assert(Number(paused.headers.get('retry-after')) > 0, 'with Retry-After');
    const zh = await paused.text();
    assert(zh.includes('本窗口评价暂停') && zh.includes('异常多') && !zh.includes('同一设备'), `plainly, in zh-CN: ${zh}`);
    const en = await (await scan(app, `${path}?lang=en`, { from: '203.0.113.51' })).text();
    assert(en.includes('Rating at this window is paused') && en.includes('unusually large number of ratings') && !en.includes('This device'), 'and in English');
    const problem = await assertFieldProblem(await scan(app, path, { from: '203.0.113.52', headers: { accept: 'application/json' } }), 429, 'window');
    assertEqual(problem.code, 'STATIC_QR_WINDOW_PAUSED', 'problem code');
    const warnings = lines.filter((line) => line.includes('warning') && line.includes('FLOOD') && line.includes('W07'));
    assertEqual(warnings.length, 1, `one warning line naming the hall and window: ${JSON.stringify(lines)}`);
    const invitations = (await h.eventsOfType('InvitationIssued')).filter((e) => (e.data as InvitationIssued['data']).subject.hall?.code === 'FLOOD');
    assertEqual(invitations.length, 3, 'no invitation beyond the ceiling');
  },

  async 'static QR: the sweeper purges rate-limit counters of windows that are over'(h) {
    const app = createIntakeApp({ ...h.services, config: withStaticQrHall(h, 'SWEEP') });
    const path = '/q/SWEEP/W07';
    const device = deviceCookieOf(await app.request(path))!;
    const tap = () => scan(app, path, { cookie: device, from: '203.0.113.9' });
    for (let i = 0; i < 3; i++) await tap();
    assertEqual((await tap()).status, 429, 'the device is at its limit this hour');
    const rows = () => h.services.db.selectFrom('app.intake_rate_limits').select(['bucket', 'window_start']).where('bucket', 'like', '%:SWEEP/W07').execute();
    const before = await rows();
    assertEqual(before.length, 3, 'device, address and window counters');
    h.clock.advanceHours(1);
    assertEqual((await tap()).status, 303, 'a new hour, a new window');
    await sweepInvitations(h.services);
    const after = await rows();
    assertEqual(after.length, 3, 'the current window’s counters stay');
    const current = new Date(Math.floor(h.clock.now().getTime() / 3_600_000) * 3_600_000).getTime();
    assert(after.every((row) => new Date(row.window_start).getTime() === current), 'the old window’s counters are gone');
    const old = await h.services.db.selectFrom('app.intake_rate_limits').select('bucket').where('window_start', '<=', new Date(h.clock.now().getTime() - 3_600_000)).execute();
    assertEqual(old, [], 'no counter of a window that is over is left');
  },

  async 'submission errors name the field; an indicator outside the variant is refused; nothing is stored'(h) {
    const { token } = await completeCaseAndGetToken(h);
    const count = await h.eventCount();
    await assertFieldProblem(await postRating(h, token, { comment: 'no score' }, { json: true }), 422, 'overall');
    await assertFieldProblem(await postRating(h, token, { overall: '5', 'answers.SM01': '9' }, { json: true }), 422, 'answers.SM01');
    await assertFieldProblem(await postRating(h, token, { overall: '5', 'answers.RS04': '5' }, { json: true }), 422, 'answers.RS04');
    await assertFieldProblem(await postRating(h, token, { overall: '5', reasons: ['R77'] }, { json: true }), 422, 'reasons.0');
    await assertFieldProblem(await postRating(h, token, { overall: '5' }, { json: true, files: [{ name: 'x.png', type: 'image/png', bytes: samples.html(512) }] }), 422, 'attachments.0');
    // A form without attachments is small: over 64 kB urlencoded, it is refused before it is read.
    const padded = await h.app.request(`/e/${token}`, { method: 'POST', body: `overall=5&comment=${'x'.repeat(70_000)}`, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } });
    await assertFieldProblem(padded, 400, 'body');
    const html = await postRating(h, token, { comment: 'no score' });
    assertEqual(html.status, 422, 'the page is shown again');
    assert((await html.text()).includes('请修改以下内容'), 'with the errors listed');
    assertEqual(await h.eventCount(), count, 'nothing stored');
  },

  async '一事多评: stages enabled by configuration invite too, with the questionnaire for that stage'(base) {
    const h = await createHarness(base.backend, { config: { ...base.services.config, invitations: { ...base.services.config.invitations, alsoAtStages: ['accepted'] } } });
    try {
      const registered = caseEvent({ type: 'registered', sequence: 1, stage: 'accepted' });
      await h.postCaseEvents(registered);
      await h.postCaseEvents(caseEvent({ caseId: registered.caseId, type: 'stage_changed', sequence: 2, stage: 'in_progress' }));
      await h.postCaseEvents(caseEvent({ caseId: registered.caseId, sequence: 3 }));
      await h.react();
      const issued = (await h.eventsOfType('InvitationIssued')).map((e) => e.data as InvitationIssued['data']).filter((d) => d.subject.caseNumber === registered.caseId);
      assertEqual(issued.map((d) => [d.trigger, d.subject.stage, d.variantId]), [['stage_accepted', 'accepted', 'in_progress'], ['case_completed', 'concluded', 'enterprise_licence']], 'one invitation per enabled stage');
      const sent = (await h.outbox()).filter((row) => issued.some((d) => row.idempotency_key === `invitation:${d.invitationId}:send`));
      assertEqual(sent.map((row) => row.text.slice(0, 18)), ['【咸安政务服务】请评价本次政务服务:', '【咸安政务服务】您的办件已办结,请评'], 'an earlier-stage SMS does not say the case is done');
      // A provider sends the template, not the text: the earlier stage's has its own.
      assertEqual(sent.map((row) => row.template_code), ['invitation_stage', 'invitation'], 'templates');
    } finally {
      await h.close();
    }
  },

  async 'QR images: a hall’s printable sheet, and the signed per-case QR of an open invitation'(h) {
    const sheet = await h.app.request('/q/SMZJ/sheet/1');
    assertEqual(sheet.status, 200, 'sheet');
    assert(sheet.headers.get('content-type')?.startsWith('image/svg+xml') && (await sheet.text()).includes('7号窗口'), 'SVG sheet with window labels');
    await assertFieldProblem(await h.app.request('/q/SMZJ/sheet/9', { headers: { accept: 'application/json' } }), 422, 'page');
    const { caseId } = await completeCaseAndGetToken(h);
    const signed = async (path: string) =>
      h.app.request(path, {
        headers: await (await import('../case-api/signature.ts')).signCaseRequest({
          method: 'GET',
          pathWithQuery: path,
          body: '',
          keyId: 'zwfw-2025',
          secret: 'case-system-secret-0123456789abcdef',
          timestamp: Math.floor(h.clock.now().getTime() / 1000),
          nonce: freshNonce(),
        }),
      });
    const qr = await signed(`/api/v1/cases/${caseId}/invitation-qr`);
    assertEqual(qr.status, 200, 'case QR');
    assert((await qr.text()).startsWith('<svg'), 'SVG');
    await assertFieldProblem(await signed('/api/v1/cases/NO-SUCH-CASE/invitation-qr'), 404, 'caseId');
    await assertFieldProblem(await h.app.request(`/api/v1/cases/${caseId}/invitation-qr`), 401, 'headers.x-pinggai-key-id');
  },

  async 'English and elder mode are one tap away'(h) {
    const { token } = await completeCaseAndGetToken(h);
    const english = await (await h.app.request(`/e/${token}?lang=en`)).text();
    assert(english.includes('<html lang="en">') && english.includes('Very satisfied'), 'English page');
    const elder = await (await h.app.request(`/e/${token}?elder=1`)).text();
    assert(elder.includes('<body class="elder">'), 'elder mode');
    const accept = await (await h.app.request(`/e/${token}`, { headers: { 'accept-language': 'en-US,en;q=0.9' } })).text();
    assert(accept.includes('<html lang="en">'), 'Accept-Language chooses English');
  },
};
