import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../core/calendar/load.ts';
import { handleCommand } from '../core/decider/command-handler.ts';
import { createPgliteEventStore } from '../core/eventstore/pglite.ts';
import type { EventStore } from '../core/eventstore/types.ts';
import { generatePiiKeyring } from '../core/pii/keyring.ts';
import { createPiiVault } from '../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../core/sms/outbox.ts';
import type { SmsDatabase } from '../core/sms/send-log.ts';
import { warningDecider } from '../core/warning/decider.ts';
import { warningStreamId } from '../core/warning/stream.ts';
import { actors, cst, evidence, raiseCommand } from '../core/warning/testing.ts';
import { createTestPglite } from '../tests/support/databases.ts';
import type { PerformLifecycleActionInput, WarningActivities } from './activities.ts';
import { createWarningActivities, workflowActor } from './activities.ts';
import { defaultLifecycleConfig } from './config.ts';
import { recipients } from './lifecycle-harness.ts';
import { createDirectoryRecipients } from './recipients.ts';
import { citizenPhoneResolver } from '../infra/app/citizen-phone.ts';

/** The activities alone, on a real store and the SMS outbox: what a retry after a crash does. */
describe('warning lifecycle activities (PGlite, SMS outbox)', () => {
  let store: EventStore;
  let db: Kysely<SmsDatabase>;
  let activities: WarningActivities;
  let sms: ReturnType<typeof createOutboxSmsGateway>;
  /** The same activities on a worker that dies at its first SMS (after the fact is in the stream). */
  let dyingAtSms: WarningActivities;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const test = await createTestPglite();
    store = createPgliteEventStore(test);
    db = test.db as unknown as Kysely<SmsDatabase>;
    sms = createOutboxSmsGateway({ db, vault: createPiiVault({ keyring: generatePiiKeyring() }) });
    activities = createWarningActivities({ store, sms, recipients, calendar: () => loadWorkingCalendar(store), clock: () => new Date(), log: () => {} });
    const killed = { ...sms, send: () => Promise.reject(new Error('worker killed before its SMS')) };
    dyingAtSms = createWarningActivities({ store, sms: killed, recipients, calendar: () => loadWorkingCalendar(store), clock: () => new Date(), log: () => {} });
    close = async () => {
      await store.close();
      await test.pglite.close();
    };
  });
  afterAll(async () => close?.());

  const raise = (id: string) =>
    handleCommand(store, warningStreamId(id), warningDecider, raiseCommand(id), { commandId: `raise-${id}`, actor: actors.system, now: cst('2026-03-03T10:00:00') });
  const input = (id: string, key: string, action: PerformLifecycleActionInput['action'], at: string): PerformLifecycleActionInput => ({
    warningId: id,
    key,
    action,
    at: cst(at).toISOString(),
    config: defaultLifecycleConfig,
    knownVersion: 0,
  });
  const rows = async (id: string) =>
    (await db.selectFrom('app.sms_outbox').select('idempotency_key').where('idempotency_key', 'like', `${id}:%`).execute()).map((r) => r.idempotency_key);
  const types = async (id: string) => (await store.readStream(warningStreamId(id))).map((e) => e.type);

  it('a retried step appends once and sends once, and returns the events the workflow has not seen', async () => {
    await raise('a-1');
    const step = input('a-1', 'dispatch-alert:0', { kind: 'alertDispatchers' }, '2026-03-03T10:00:01');
    const first = await activities.performLifecycleAction(step);
    const again = await activities.performLifecycleAction(step);
    expect(first.map((e) => e.type)).toEqual(['WarningRaised', 'DispatchersAlerted']);
    expect(again.map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
    expect(await types('a-1')).toEqual(['WarningRaised', 'DispatchersAlerted']);
    expect(await rows('a-1')).toEqual(['a-1:dispatch-alert:0@dispatcher-1']);
  });

  it('a crash between the event and the SMS: the retry finds the event and sends the SMS once', async () => {
    await raise('a-2');
    // The first attempt got as far as appending (same command id as the activity derives).
    await handleCommand(store, warningStreamId('a-2'), warningDecider, { type: 'RemindDispatch', at: cst('2026-03-03T10:45:00'), actor: workflowActor }, {
      commandId: 'a-2:dispatch-reminder:0',
      actor: workflowActor,
      now: cst('2026-03-03T10:45:00'),
    });
    expect(await rows('a-2')).toEqual([]);
    await activities.performLifecycleAction(input('a-2', 'dispatch-reminder:0', { kind: 'remindDispatch' }, '2026-03-03T10:45:00'));
    await activities.performLifecycleAction(input('a-2', 'dispatch-reminder:0', { kind: 'remindDispatch' }, '2026-03-03T10:45:00'));
    expect((await types('a-2')).filter((t) => t === 'DispatchReminderSent')).toHaveLength(1);
    expect(await rows('a-2')).toEqual(['a-2:dispatch-reminder:0@dispatcher-1']);
  });

  it('a timer after the staff action decides nothing and sends nothing', async () => {
    await raise('a-3');
    await handleCommand(store, warningStreamId('a-3'), warningDecider, { type: 'DispatchWarning', at: cst('2026-03-03T10:30:00'), actor: actors.dispatcher }, {
      commandId: 'dispatch-a-3',
      actor: actors.dispatcher,
      now: cst('2026-03-03T10:30:00'),
    });
    const events = await activities.performLifecycleAction(
      input('a-3', 'dispatch-escalation-1:0', { kind: 'escalateDispatch', level: 1, audiences: ['supervisor'] }, '2026-03-03T11:00:00'),
    );
    expect(events.map((e) => e.type)).toEqual(['WarningRaised', 'WarningDispatched']);
    expect(await rows('a-3')).toEqual([]);
  });

  it('a keyring without the key that sealed the rater’s phone: the notice is given up at once, with an error naming the warning', async () => {
    // The rating holds the phone sealed under k1; this worker's keyring has only k2.
    const sealed = await createPiiVault({ keyring: generatePiiKeyring('k1') }).seal('13912345678', 'phone');
    await store.append('invitation-inv-k1', [
      {
        id: crypto.randomUUID(),
        type: 'EvaluationSubmitted',
        schemaVersion: 1,
        data: { evaluator: { identity: 'real_name', phone: { sealed, masked: '139****5678', blindIndex: 'x' } } },
        metadata: { occurredAt: cst('2026-03-03T09:50:00').toISOString() },
      },
    ]);
    await handleCommand(store, warningStreamId('a-k1'), warningDecider, raiseCommand('a-k1', { citizenContactRef: 'invitation-inv-k1' }), {
      commandId: 'raise-a-k1',
      actor: actors.system,
      now: cst('2026-03-03T10:00:00'),
    });
    const lines: string[] = [];
    const wrongKeyring = createPiiVault({ keyring: generatePiiKeyring('k2') });
    const misconfigured = createWarningActivities({
      store,
      sms,
      recipients: createDirectoryRecipients({ staff: {}, citizenPhone: citizenPhoneResolver(store, wrongKeyring) }),
      calendar: () => loadWorkingCalendar(store),
      clock: () => new Date(),
      log: (line) => lines.push(line),
    });
    const failure = await misconfigured
      .performLifecycleAction(input('a-k1', 'citizen-dispatched:0', { kind: 'notifyCitizen', step: 'dispatched', round: 0 }, '2026-03-03T10:20:00'))
      .then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ nonRetryable: true, type: 'PII_KEY_UNKNOWN' });
    expect(lines.join('\n')).toContain('citizen notice of warning a-k1 not sent');
    expect(lines.join('\n')).not.toContain('13912345678');
    expect(await rows('a-k1')).toEqual([]);
  });

  it('a refusal becomes a non-retryable failure carrying the domain code', async () => {
    await raise('a-4');
    const early = activities.performLifecycleAction(input('a-4', 'dispatch-reminder:0', { kind: 'remindDispatch' }, '2026-03-03T10:10:00'));
    await expect(early).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(early).rejects.toMatchObject({ type: 'WARNING_DEADLINE_NOT_REACHED', nonRetryable: true });
  });

  it('the reply deadline comes from the calendar in the event store and is sent to the lead department', async () => {
    await raise('a-5');
    await handleCommand(store, warningStreamId('a-5'), warningDecider, { type: 'DispatchWarning', at: cst('2026-02-12T09:30:00'), actor: actors.dispatcher }, {
      commandId: 'dispatch-a-5',
      actor: actors.dispatcher,
      now: cst('2026-02-12T09:30:00'),
    });
    await activities.performLifecycleAction(input('a-5', 'reply-deadline:0', { kind: 'setReplyDeadline', round: 0 }, '2026-02-12T09:30:01'));
    const set = (await store.readStream(warningStreamId('a-5'))).find((e) => e.type === 'ReplyDeadlineSet');
    expect(set?.data).toMatchObject({
      round: 0,
      workingDays: 3,
      deadline: { reminderAt: cst('2026-02-15T00:00:00').toISOString(), dueAt: cst('2026-02-25T00:00:00').toISOString() },
      calendarFallbackYears: [],
    });
    expect(await rows('a-5')).toEqual(['a-5:reply-deadline:0@handler-1']);
  });

  it('a crash after the reply deadline was recorded, and the handler replied before the retry: the retry still sends that deadline once', async () => {
    await raise('a-6');
    await handleCommand(store, warningStreamId('a-6'), warningDecider, { type: 'DispatchWarning', at: cst('2026-02-12T09:30:00'), actor: actors.dispatcher }, {
      commandId: 'dispatch-a-6',
      actor: actors.dispatcher,
      now: cst('2026-02-12T09:30:00'),
    });
    const step = input('a-6', 'reply-deadline:0', { kind: 'setReplyDeadline', round: 0 }, '2026-02-12T09:30:01');
    await expect(dyingAtSms.performLifecycleAction(step)).rejects.toThrow(/killed/);
    expect(await types('a-6')).toContain('ReplyDeadlineSet');
    expect(await rows('a-6')).toEqual([]);
    // While the worker is down the handler replies: the warning has left awaiting_reply.
    await handleCommand(store, warningStreamId('a-6'), warningDecider, { type: 'ReplyToWarning', text: '已整改', evidence: [evidence(1)], at: cst('2026-02-12T11:00:00'), actor: actors.lead }, {
      commandId: 'reply-a-6',
      actor: actors.lead,
      now: cst('2026-02-12T11:00:00'),
    });
    await activities.performLifecycleAction(step);
    await activities.performLifecycleAction(step);
    expect((await types('a-6')).filter((t) => t === 'ReplyDeadlineSet')).toHaveLength(1);
    expect(await rows('a-6')).toEqual(['a-6:reply-deadline:0@handler-1']);
  });
});
