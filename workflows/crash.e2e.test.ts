/**
 * Crash test (issue 4, acceptance 3): 50 warnings in flight on the Temporal dev server and a real
 * Postgres; the worker (lifecycle worker + checkpointed forwarder, its own process) is killed with
 * SIGKILL at random moments three times and restarted, while staff act through handleCommand whether
 * it is up or not. Afterwards every warning is in the state its staff actions and clocks call for,
 * every workflow finished or waits as it should, no SMS was sent twice for a step, no fact is doubled.
 *
 * SMS go through the Aliyun adapter to the local provider emulator: app.sms_outbox is the send log
 * (one row per idempotency key, claimed before the call) and the emulator's list of accepted requests
 * is the provider's log. A kill between the claim and the provider's answer leaves the row `sending`
 * (in doubt): by design it is never resent automatically, so such a key reaches the provider 0 or 1 times.
 *
 * Deadlines are short (dispatch reminder at +15 s, due at +30 s, second escalation at +45 s); the
 * reply and call-back deadlines count working days, so within the test they are set, not reached.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../core/calendar/load.ts';
import { createPgPool, postgresKysely } from '../core/db/postgres.ts';
import { handleCommand } from '../core/decider/command-handler.ts';
import { newEvent } from '../core/eventstore/contract.ts';
import { createPgEventStore } from '../core/eventstore/pg.ts';
import type { Actor, EventStore, RecordedEvent } from '../core/eventstore/types.ts';
import { sha256Hex } from '../core/pii/encoding.ts';
import { generatePiiKeyring } from '../core/pii/keyring.ts';
import { maskPhone } from '../core/pii/mask.ts';
import { createPiiVault } from '../core/pii/vault.ts';
import { defaultQuestionnaireConfig } from '../core/questionnaire/default-config.ts';
import type { AliyunSmsConfig } from '../core/sms/aliyun/gateway.ts';
import type { SmsDatabase } from '../core/sms/send-log.ts';
import type { ProviderEmulator } from '../core/sms/testing/emulators.ts';
import { startAliyunEmulator } from '../core/sms/testing/emulators.ts';
import type { WarningCommand } from '../core/warning/commands.ts';
import { tooLateToRemind } from '../core/warning/decide-timers.ts';
import { warningDecider } from '../core/warning/decider.ts';
import type { WarningRaised } from '../core/warning/events.ts';
import { warningStreamId } from '../core/warning/stream.ts';
import { evidence } from '../core/warning/testing.ts';
import { loadWarningPolicy, raiseCommandFor, warningPolicyActor } from '../core/warning-policy/reactor.ts';
import { sampleRating } from '../core/warning-policy/testing.ts';
import { createTestDatabase } from '../tests/support/databases.ts';
import { needs, testEnv } from '../tests/support/env.ts';
import type { PerformLifecycleActionInput } from './activities.ts';
import type { LifecycleConfig } from './config.ts';
import { defaultLifecycleConfig } from './config.ts';
import { expectedSmsKeys, streamProblems } from './testing/lifecycle-checks.ts';
import type { WorkerChild } from './testing/worker-child.ts';
import { startWorkerChild, writeWorkflowBundle } from './testing/worker-child.ts';

const SECOND = 1000;
const REMIND_AFTER = 15 * SECOND;
const DUE_AFTER = 30 * SECOND;
const config: LifecycleConfig = {
  ...defaultLifecycleConfig,
  dispatchEscalations: [
    { level: 1, afterDueMs: 0, audiences: ['supervisor'] },
    { level: 2, afterDueMs: 15 * SECOND, audiences: ['working_group'] },
  ],
};

type Scenario = 'on_time' | 'missed_dispatch' | 'reopened' | 'appeal_upheld' | 'awaiting_reply';
const scenarios: readonly Scenario[] = ['on_time', 'missed_dispatch', 'reopened', 'appeal_upheld', 'awaiting_reply'];

interface Warning {
  readonly id: string;
  readonly index: number;
  readonly scenario: Scenario;
  readonly realName: boolean;
  readonly raised: WarningRaised['data'];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const between = (min: number, max: number) => min + Math.random() * (max - min);

describe.runIf(needs('warning lifecycle crash test (kill -9 of the worker)', 'TEMPORAL_ADDRESS', 'PINGGAI_TEST_PG_URL'))(
  'warning lifecycle survives kill -9 of its worker (Temporal dev server, Postgres)',
  () => {
    const address = testEnv('TEMPORAL_ADDRESS')!;
    const taskQueue = `warnings-crash-${randomUUID()}`;
    const keyring = generatePiiKeyring();
    const vault = createPiiVault({ keyring });
    const dir = mkdtempSync(path.join(tmpdir(), 'pinggai-crash-'));
    const credentials = { accessKeyId: 'LTAI-crash-test', accessKeySecret: 'crash-test-secret' };
    let emulator: ProviderEmulator;
    let aliyun: AliyunSmsConfig;
    let database: { url: string; drop(): Promise<void> };
    let store: EventStore;
    let smsDb: Kysely<SmsDatabase>;
    let client: Client;
    let bundlePath: string;
    let worker: WorkerChild | null = null;
    let t0 = Date.now();
    const say = (line: string) => console.log(`[crash +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);

    beforeAll(async () => {
      database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_crash');
      store = createPgEventStore({ connectionString: database.url, poolSize: 8 });
      smsDb = postgresKysely<SmsDatabase>(createPgPool({ connectionString: database.url, max: 2 }));
      client = new Client({ connection: await Connection.connect({ address }) });
      bundlePath = await writeWorkflowBundle(dir);
      emulator = await startAliyunEmulator(credentials);
      const codes = ['warning_alert', 'warning_dispatch_reminder', 'warning_escalation', 'warning_reply_deadline', 'warning_reply_reminder'];
      codes.push('warning_callback_deadlines', 'warning_callback_reminder', 'citizen_progress', 'calendar_fallback');
      aliyun = {
        ...credentials,
        signName: '评改通',
        templates: Object.fromEntries(codes.map((code, i) => [code, `SMS_${100_000 + i}`])),
        endpoint: emulator.url,
      };
    });
    afterAll(async () => {
      await worker?.stop();
      await client?.connection.close();
      await store?.close();
      await smsDb?.destroy();
      await database?.drop();
      await emulator?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const startWorker = async (): Promise<WorkerChild> => {
      const child = startWorkerChild({
        pgUrl: database.url,
        temporalAddress: address,
        taskQueue,
        piiKeys: JSON.stringify(keyring),
        bundlePath,
        config,
        aliyun,
        onLog: (line) => say(`worker: ${line}`),
      });
      await child.ready;
      return child;
    };

    const events = (id: string) => store.readStream(warningStreamId(id));
    const act = async (id: string, step: string, command: WarningCommand) => {
      // A staff action with its own idempotency key (as the API's Idempotency-Key gives it).
      await handleCommand(store, warningStreamId(id), warningDecider, command, {
        commandId: `staff:${id}:${step}`,
        actor: command.actor,
        now: command.at,
      });
      staffActions.push({ id, step, workerUp: worker !== null });
    };
    const staffActions: { id: string; step: string; workerUp: boolean }[] = [];

    /** A negative rating, and the warning the policy raises for it (as the warning-policy reactor does). */
    const raise = async (index: number): Promise<Warning> => {
      const scenario = scenarios[index % scenarios.length]!;
      const realName = index % 2 === 1;
      const invitationId = `inv-crash-${randomUUID()}`;
      const phone = `139${String(10_000_000 + index).slice(-8)}`;
      const rating = sampleRating({
        invitationId,
        submittedAt: new Date().toISOString(),
        evaluator: realName
          ? { identity: 'real_name', phone: { sealed: await vault.seal(phone, 'phone'), masked: maskPhone(phone), blindIndex: await vault.blindIndex(phone, 'phone') } }
          : { identity: 'anonymous' },
      });
      await store.append(`invitation-${invitationId}`, [newEvent('EvaluationSubmitted', rating)]);
      const [recorded] = await store.readStream(`invitation-${invitationId}`);
      const now = new Date();
      const command = await raiseCommandFor(recorded!, { policy: await loadWarningPolicy(store), reasons: defaultQuestionnaireConfig.reasons }, now);
      if (!command) throw new Error('the policy raised no warning for a 不满意 rating');
      // The policy's shortest dispatch window is 5 minutes; the test's clock is 30 seconds.
      const short = {
        ...command,
        dispatch: { reminderAt: new Date(now.getTime() + REMIND_AFTER).toISOString(), dueAt: new Date(now.getTime() + DUE_AFTER).toISOString() },
      };
      await handleCommand(store, warningStreamId(short.warningId), warningDecider, short, {
        commandId: `raise:${short.warningId}`,
        actor: warningPolicyActor,
        now,
        causationId: recorded!.id,
      });
      const [raised] = await events(short.warningId);
      return { id: short.warningId, index, scenario, realName, raised: (raised as unknown as WarningRaised).data };
    };

    const waitFor = async (id: string, what: string, predicate: (events: RecordedEvent[]) => boolean, timeoutMs: number) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const current = await events(id);
        if (predicate(current)) return current;
        if (Date.now() > until) throw new Error(`${id}: no ${what} within ${timeoutMs / 1000} s; stream: ${current.map((e) => e.type).join(', ')}`);
        await sleep(500);
      }
    };

    /** The staff side of one warning, on its own clock; refusals would fail the test. */
    const drive = async (w: Warning): Promise<void> => {
      const raisedAt = Date.parse(w.raised.raisedAt);
      const lead: Actor = { id: `lead-${w.index}`, role: 'handler', department: w.raised.leadDepartment };
      const dispatcher: Actor = { id: 'dispatcher-1', role: 'dispatcher', department: 'ZWFW' };
      const officer: Actor = { id: 'officer-1', role: 'callback_officer', department: 'ZWFW' };
      const now = () => new Date();
      const dispatch = () => act(w.id, 'dispatch', { type: 'DispatchWarning', at: now(), actor: dispatcher });
      const reply = (round: number) =>
        act(w.id, `reply-${round}`, { type: 'ReplyToWarning', text: `已整改（第${round + 1}轮）`, evidence: [evidence(1)], at: now(), actor: lead });
      const phone = (round: number, satisfied: boolean) =>
        act(w.id, `phone-${round}`, { type: 'RecordPhoneCallback', calledAt: now(), satisfied, notes: '电话回访', at: now(), actor: officer });
      const onSite = (round: number, satisfied: boolean) =>
        act(w.id, `on-site-${round}`, { type: 'RecordOnSiteCheck', checkedAt: now(), satisfied, notes: '实地核查', photo: evidence(2), at: now(), actor: officer });
      const callbacks = async (round: number, onSiteSatisfied: boolean) => {
        await sleep(between(2, 12) * SECOND);
        await phone(round, true);
        await sleep(between(0, 8) * SECOND);
        await onSite(round, onSiteSatisfied);
      };
      switch (w.scenario) {
        case 'on_time':
          await sleep(raisedAt + between(2, 10) * SECOND - Date.now());
          await dispatch();
          await sleep(between(5, 25) * SECOND);
          await reply(0);
          await callbacks(0, true);
          break;
        case 'missed_dispatch':
          // The dispatcher acts only after the second escalation: the clocks must have run their course.
          await waitFor(w.id, 'second dispatch escalation', (e) => e.some((x) => x.type === 'DispatchEscalated' && (x.data as { level: number }).level === 2), 200 * SECOND);
          await dispatch();
          await sleep(between(2, 10) * SECOND);
          await reply(0);
          await callbacks(0, true);
          break;
        case 'reopened':
          await sleep(raisedAt + between(2, 10) * SECOND - Date.now());
          await dispatch();
          await sleep(between(3, 15) * SECOND);
          await reply(0);
          await callbacks(0, false);
          await sleep(between(3, 15) * SECOND);
          await reply(1);
          await callbacks(1, true);
          break;
        case 'appeal_upheld':
          await sleep(raisedAt + between(5, 40) * SECOND - Date.now());
          await act(w.id, 'appeal', {
            type: 'FileAppeal',
            reason: '评价人误评，录像为证',
            evidence: [evidence(3)],
            at: now(),
            actor: { id: w.raised.subject.staffId ?? 'staff-unknown', role: 'window_staff', department: w.raised.subject.department },
          });
          await sleep(between(2, 15) * SECOND);
          await act(w.id, 'review', {
            type: 'ReviewAppeal',
            decision: 'upheld',
            reason: '录像显示服务规范',
            at: now(),
            actor: { id: 'reviewer-1', role: 'appeal_reviewer', department: 'ZWFW' },
          });
          break;
        case 'awaiting_reply':
          // Dispatched anywhere from before the reminder to after the second escalation: races with the clocks.
          await sleep(raisedAt + between(10, 55) * SECOND - Date.now());
          await dispatch();
          break;
        default: {
          const _unreachable: never = w.scenario;
          throw new Error(`unknown scenario ${String(_unreachable)}`);
        }
      }
    };

    /** When each kill struck (epoch ms), as it happens. */
    const killedAt: number[] = [];

    /** Three kill -9 at random moments, each followed by a restart after a random pause. */
    const crashes = async (): Promise<{ at: number; pid: number; signal: string | null }[]> => {
      const kills: { at: number; pid: number; signal: string | null }[] = [];
      for (const [from, to] of [
        [4, 14],
        [28, 45],
        [55, 80],
      ] as const) {
        await sleep(t0 + between(from, to) * SECOND - Date.now());
        // Strike while the worker is busy: right after it has sent a message, a random beat later.
        const before = emulator.accepted.length;
        for (let waited = 0; waited < 5 * SECOND && emulator.accepted.length === before; waited += 50) await sleep(50);
        await sleep(between(0, 300));
        const victim = worker!;
        worker = null;
        const sent = emulator.accepted.length;
        await victim.kill9();
        const { signal } = await victim.exited;
        kills.push({ at: Date.now() - t0, pid: victim.pid, signal });
        killedAt.push(Date.now());
        say(`kill -9 worker ${victim.pid} (SMS sent so far: ${sent})`);
        await sleep(between(1, 6) * SECOND);
        worker = await startWorker();
        say(`worker restarted as ${worker.pid}`);
      }
      return kills;
    };

    /** The provider's log: the OutId of every request it accepted (Aliyun's OutId is the key, hashed past 64). */
    const providerLog = (): string[] => emulator.accepted.map((request) => String(request.OutId));
    const outIdOf = async (key: string) => (key.length <= 64 ? key : (sha256Hex(key)).slice(0, 64));
    const outboxKeys = async () => (await smsDb.selectFrom('app.sms_outbox').select('idempotency_key').execute()).map((r) => r.idempotency_key);

    /**
     * When the workflow acted on the dispatch reminder: the `at` of that activity's input, read from the
     * histories of the warning's runs (the latest first, then the runs it continued). A kill can hold
     * the reminder's timer past the dispatch deadline (the workflow task was on the dead worker, or the
     * worker was down); the decider then rightly sends no reminder, since "due at 10:30" after 10:30 is
     * no reminder, and the escalation speaks instead.
     */
    const reminderActedAt = async (id: string): Promise<number | null> => {
      for (let runId: string | undefined = undefined; ; ) {
        const history = await client.workflow.getHandle(id, runId).fetchHistory();
        for (const event of history.events ?? []) {
          const payload = event.activityTaskScheduledEventAttributes?.input?.payloads?.[0];
          if (!payload) continue;
          const input = client.options.loadedDataConverter.payloadConverter.fromPayload<PerformLifecycleActionInput>(payload);
          if (input.key === 'dispatch-reminder:0') return Date.parse(input.at);
        }
        runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
        if (!runId) return null;
      }
    };
    /**
     * 'late' when the reminder woke too late to remind (the decider's own test) and a kill explains
     * it: one struck at most 15 s (its distance to the deadline) before the reminder fell due, or
     * after. A late reminder with no kill near it is a fault of the clocks, not of the crash.
     */
    const reminderTiming = async (w: Warning): Promise<'in_time' | 'late' | 'late_unexplained'> => {
      const actedAt = w.scenario === 'missed_dispatch' ? await reminderActedAt(w.id) : null;
      if (actedAt === null || !tooLateToRemind(new Date(actedAt), w.raised.dispatch)) return 'in_time';
      const from = Date.parse(w.raised.dispatch.reminderAt) - (DUE_AFTER - REMIND_AFTER);
      return killedAt.some((at) => at >= from && at <= actedAt) ? 'late' : 'late_unexplained';
    };

    /** What each scenario must end in (phase, outcome, facts); `reminder`: see reminderTiming. */
    const endState = (w: Warning, stream: RecordedEvent[], reminder: Awaited<ReturnType<typeof reminderTiming>>): string[] => {
      const types = stream.map((e) => e.type);
      const count = (type: string) => types.filter((t) => t === type).length;
      const closedWith = (stream.find((e) => e.type === 'WarningClosed')?.data as { outcome?: string } | undefined)?.outcome ?? null;
      const wrong: string[] = [];
      const check = (ok: boolean, what: string) => {
        if (!ok) wrong.push(what);
      };
      switch (w.scenario) {
        case 'on_time':
          check(closedWith === 'rectified', 'closed as rectified');
          check(count('WarningReopened') === 0, 'never reopened');
          break;
        case 'missed_dispatch':
          check(closedWith === 'rectified', 'closed as rectified');
          check(reminder !== 'late_unexplained', 'reminded in time (the reminder woke after the deadline, and no kill explains it)');
          if (reminder === 'late') check(count('DispatchReminderSent') === 0, 'left unreminded (the reminder woke after the deadline)');
          else check(count('DispatchReminderSent') === 1, 'reminded once');
          check(count('DispatchEscalated') === 2, 'escalated to levels 1 and 2');
          break;
        case 'reopened':
          check(closedWith === 'rectified', 'closed as rectified');
          check(count('WarningReopened') === 1, 'reopened once');
          check(count('WarningReplied') === 2, 'replied in rounds 0 and 1');
          break;
        case 'appeal_upheld':
          check(closedWith === 'appeal_upheld', 'closed as appeal upheld');
          break;
        case 'awaiting_reply':
          check(closedWith === null, 'still open');
          check(count('ReplyDeadlineSet') === 1, 'reply deadline set');
          break;
        default:
          break;
      }
      const citizenSteps = stream.filter((e) => e.type === 'CitizenNotified').map((e) => (e.data as { step: string; round: number }).step);
      if (!w.realName) check(citizenSteps.length === 0, 'an anonymous rater is never contacted');
      else if (closedWith === 'rectified') check(citizenSteps.includes('closed'), 'the rater is told of the closing');
      return wrong;
    };

    const progress = async (warnings: readonly Warning[]) => {
      const phases = new Map<string, number>();
      for (const w of warnings) {
        const stream = await events(w.id);
        const phase = stream.some((e) => e.type === 'WarningClosed') ? 'closed' : stream.at(-1)?.type ?? 'none';
        phases.set(phase, (phases.get(phase) ?? 0) + 1);
      }
      say(
        `worker ${worker ? `up (${worker.pid})` : 'DOWN'}; SMS ${emulator.accepted.length}; staff actions ${staffActions.length}; last facts: ${[...phases]
          .map(([p, n]) => `${p}×${n}`)
          .join(' ')}`,
      );
    };

    it(
      '50 warnings, three kill -9 of the worker: right end states, each SMS once, no doubled facts',
      async () => {
        t0 = Date.now();
        worker = await startWorker();
        say(`worker ${worker.pid} polling ${taskQueue}`);
        const warnings: Warning[] = [];
        const driving: Promise<void>[] = [];
        const crashing = crashes();
        let stop = false;
        const ticker = (async () => {
          while (!stop) {
            await sleep(10 * SECOND);
            if (!stop) await progress(warnings);
          }
        })();
        for (let index = 0; index < 50; index++) {
          const w = await raise(index);
          warnings.push(w);
          driving.push(drive(w));
          await sleep(150);
        }
        say(`raised 50 warnings (${scenarios.map((s) => `${s}×10`).join(', ')})`);
        await Promise.all(driving);
        say(`staff actions done: ${staffActions.length}, of them ${staffActions.filter((a) => !a.workerUp).length} while the worker was down`);
        const kills = await crashing;
        expect(kills.map((k) => k.signal)).toEqual(['SIGKILL', 'SIGKILL', 'SIGKILL']);

        // Converge: the last kill can leave activities that only time out (1 minute) and are retried.
        const settled = async (w: Warning) => {
          const stream = await events(w.id);
          const description = await client.workflow.getHandle(w.id).describe();
          const closed = stream.some((e) => e.type === 'WarningClosed');
          const status = description.status.name;
          const keys = (await outboxKeys()).filter((k) => k.startsWith(`${w.id}:`)).sort();
          const done = closed ? status === 'COMPLETED' : status === 'RUNNING' && stream.some((e) => e.type === 'ReplyDeadlineSet');
          return done && endState(w, stream, await reminderTiming(w)).length === 0 && JSON.stringify(keys) === JSON.stringify(expectedSmsKeys(w.id, stream));
        };
        const until = Date.now() + 150 * SECOND;
        let pending = warnings;
        while (pending.length > 0 && Date.now() < until) {
          const states = await Promise.all(pending.map(settled));
          pending = pending.filter((_, i) => !states[i]);
          if (pending.length > 0) {
            say(`waiting for ${pending.length} warnings to settle: ${pending.slice(0, 3).map((w) => `${w.id} (${w.scenario})`).join(', ')}`);
            await sleep(3 * SECOND);
          }
        }
        stop = true;
        await ticker;
        await progress(warnings);

        // Every warning: the state its scenario calls for, a sound stream, the SMS its facts account for.
        const calendar = await loadWorkingCalendar(store);
        const allKeys = await outboxKeys();
        const report: Record<string, string[]> = {};
        const lateReminders: string[] = [];
        for (const w of warnings) {
          const stream = await events(w.id);
          const reminder = await reminderTiming(w);
          if (reminder === 'late') lateReminders.push(w.id);
          const problems = [...streamProblems(stream, config), ...endState(w, stream, reminder).map((what) => `not ${what}`)];
          const sms = allKeys.filter((k) => k.startsWith(`${w.id}:`)).sort();
          const expected = expectedSmsKeys(w.id, stream);
          if (JSON.stringify(sms) !== JSON.stringify(expected)) problems.push(`SMS ${JSON.stringify(sms)} but facts account for ${JSON.stringify(expected)}`);
          const description = await client.workflow.getHandle(w.id).describe();
          if (description.historyLength >= 300) problems.push(`history of ${description.historyLength} events`);
          const deadline = stream.find((e) => e.type === 'ReplyDeadlineSet')?.data as { countedFrom: string; deadline: { dueAt: string } } | undefined;
          if (w.scenario === 'awaiting_reply' && deadline) {
            const due = calendar.dueAfterWorkingDays(new Date(deadline.countedFrom), config.replyWorkingDays, { endOfDay: true, timeZone: 'Asia/Shanghai' });
            if (due.at.toISOString() !== deadline.deadline.dueAt) problems.push(`reply due ${deadline.deadline.dueAt}, calendar says ${due.at.toISOString()}`);
          }
          if (problems.length > 0) report[`${w.id} (${w.scenario}, ${w.realName ? 'real name' : 'anonymous'})`] = problems;
        }
        expect(report).toEqual({});
        say(`dispatch reminders the kills held past the deadline (none sent, rightly): ${lateReminders.length ? lateReminders.join(', ') : 'none'}`);

        // No SMS twice: one send-log row per key, and the provider saw no key twice. A row the kill
        // left in doubt (`sending`) reached the provider at most once; every other row exactly once.
        const log = providerLog();
        const twice = log.filter((key, i) => log.indexOf(key) !== i);
        expect(twice).toEqual([]);
        expect(new Set(allKeys).size).toBe(allKeys.length);
        const rows = await smsDb.selectFrom('app.sms_outbox').select(['idempotency_key', 'status', 'provider']).execute();
        const outIds = new Map<string, string>();
        for (const row of rows) outIds.set(await outIdOf(row.idempotency_key), row.idempotency_key);
        expect(log.filter((outId) => !outIds.has(outId))).toEqual([]);
        const atProvider = new Set(log);
        const inDoubt: string[] = [];
        const unsent: string[] = [];
        for (const row of rows) {
          const reached = atProvider.has(await outIdOf(row.idempotency_key));
          if (row.status === 'sending') inDoubt.push(`${row.idempotency_key} (${reached ? 'reached the provider' : 'never reached it'})`);
          else if (row.status !== 'sent' || !reached) unsent.push(`${row.idempotency_key}: ${row.status}`);
        }
        expect(unsent).toEqual([]);
        expect(new Set(rows.map((r) => r.provider))).toEqual(new Set(['aliyun']));
        say(`SMS: ${rows.length} send-log rows, ${log.length} at the provider, each once; in doubt after a kill: ${inDoubt.length ? inDoubt.join(', ') : 'none'}`);

        // No event twice across the whole store either (ids are the idempotency keys of appends).
        const all = await store.readAll({ limit: 100_000 });
        expect(new Set(all.map((e) => e.id)).size).toBe(all.length);

        // How much the kills interrupted: timed-out tasks and retried activities in the histories.
        const interrupted = { activityTimeouts: 0, workflowTaskTimeouts: 0, activityRetries: 0 };
        for (const w of warnings) {
          for (const event of (await client.workflow.getHandle(w.id).fetchHistory()).events ?? []) {
            if (event.activityTaskTimedOutEventAttributes) interrupted.activityTimeouts++;
            if (event.workflowTaskTimedOutEventAttributes) interrupted.workflowTaskTimeouts++;
            if ((event.activityTaskStartedEventAttributes?.attempt ?? 1) > 1) interrupted.activityRetries++;
          }
        }
        say(`interrupted by the kills: ${JSON.stringify(interrupted)}`);

        const totals = new Map<string, number>();
        for (const w of warnings) for (const e of await events(w.id)) totals.set(e.type, (totals.get(e.type) ?? 0) + 1);
        say(`kills at ${kills.map((k) => `${(k.at / 1000).toFixed(1)}s`).join(', ')}; ${all.length} events`);
        say(`facts: ${[...totals].map(([t, n]) => `${t}×${n}`).join(' ')}`);
      },
      420_000,
    );
  },
);
