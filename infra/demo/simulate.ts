/**
 * `--demo`: a realistic month of the four pilot halls, made by driving the real system on a simulated
 * clock (模拟时钟). Cases go in through the signed case-events API; the real invitation reactor issues
 * and sends invitations; citizens open SMS links and window QR codes and post the real citizen form;
 * the real warning policy raises warnings; dispatchers, departments and call-back officers act through
 * the warning decider while the lifecycle workflow's own timers run on the same clock. Deterministic
 * for a seed; a `DemoDataLoaded` marker makes a second run a no-op.
 *
 * Call it before the live reactors, sweeper, warning forwarder and workers start: they continue from
 * the checkpoints this leaves (same subscriber ids), and Temporal takes over the open warnings.
 *
 * @example
 *   await simulateDemoMonth({ store, db, vault, sms, blobs, config }, { days: 30, seed: 'xianan', log: console.log });
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { BlobStore } from '../../core/blobs/types.ts';
import { addDays, civilDateOf } from '../../core/calendar/civil-date.ts';
import { loadWorkingCalendar } from '../../core/calendar/load.ts';
import { handleCommand } from '../../core/decider/command-handler.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import type { PiiVault } from '../../core/pii/vault.ts';
import type { SmsGateway } from '../../core/sms/types.ts';
import { startWarningPolicy } from '../../core/warning-policy/reactor.ts';
import { createIntakeApp, intakeServices } from '../../intake-edge/app.ts';
import type { IntakeConfig } from '../../intake-edge/config.ts';
import type { IntakeDatabase } from '../../intake-edge/tables.ts';
import { startInvitationReactor } from '../../intake-edge/invitations/reactor.ts';
import { sweepInvitations } from '../../intake-edge/invitations/sweeper.ts';
import type { StaffRecipient } from '../../workflows/activities.ts';
import { createWarningActivities } from '../../workflows/activities.ts';
import type { LifecycleConfig } from '../../workflows/config.ts';
import { defaultLifecycleConfig } from '../../workflows/config.ts';
import { createDirectoryRecipients } from '../../workflows/recipients.ts';
import { citizenPhoneResolver } from '../app/citizen-phone.ts';
import { createAgenda } from './agenda.ts';
import { createCaseFeed } from './case-feed.ts';
import type { PlannedCase } from './cases.ts';
import { planWorkingDay } from './cases.ts';
import { createCitizens } from './citizens.ts';
import type { DemoCounts, DemoParameters } from './marker.ts';
import { demoMarkerDecider, demoStreamId, loadDemoMarker } from './marker.ts';
import { HOUR, MINUTE, officeMinute, atMinute } from './office-time.ts';
import { createRandom, hashSeed } from './random.ts';
import { stepSubscriber } from './stepped.ts';
import type { DeskAction } from './warning-desk.ts';
import { createWarningDesk } from './warning-desk.ts';
import { demoCaseSystem, demoIntakeHalls, demoStaffDirectory, halls } from './world.ts';

/** What the demo drives: the same ports the embedded composition root opens. */
export interface DemoDeps {
  readonly store: EventStore;
  readonly db: Kysely<unknown>;
  readonly vault: PiiVault;
  readonly sms: SmsGateway;
  readonly blobs: BlobStore;
  /** The intake configuration in force (link-token keys, base URL, SMS sign name). Demo halls and a demo case-system key are added for the run. */
  readonly config: IntakeConfig;
  /**
   * Who gets the lifecycle's SMS alerts, by audience (as `startApplication` takes it); pass the live
   * one so the Temporal workflows taking over find the same recipients. Default: the demo directory.
   */
  readonly staffDirectory?: Readonly<Record<string, readonly StaffRecipient[]>>;
  readonly lifecycle?: LifecycleConfig;
}

export interface DemoOptions {
  readonly days?: number;
  /** The last simulated instant (default: now). */
  readonly end?: Date;
  readonly seed?: string | number;
  readonly log?: (line: string) => void;
  readonly casesPerWorkingDay?: readonly [number, number];
  readonly overdueShare?: number;
  /** Share of SMS invitations whose link is opened. */
  readonly smsOpenShare?: number;
  /** Share of applicants still at the window who scan the case QR. */
  readonly caseQrOpenShare?: number;
  /** Static window QR scans per working day, as a share of the day's cases. */
  readonly staticQrShare?: number;
  /** 回收率 targets (submissions ÷ opens): the seed's 13.7% online, 46.1% offline. */
  readonly responseRates?: { readonly online: number; readonly offline: number };
  readonly appeals?: number;
}

export interface DemoResult {
  readonly skipped: boolean;
  readonly parameters: DemoParameters;
  readonly counts: DemoCounts | null;
  readonly tookMs: number;
}

const STEP = 10 * MINUTE;

type Action =
  | { readonly kind: 'report'; readonly planned: PlannedCase; readonly index: number }
  | { readonly kind: 'scan'; readonly hall: string; readonly window: string }
  | { readonly kind: 'open'; readonly caseId: string; readonly channel: 'sms' | 'qr_case' }
  | { readonly kind: 'submit'; readonly token: string }
  | { readonly kind: 'sweep' }
  | DeskAction;

const randomText = (length: number, next: () => number): string => {
  const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return Array.from({ length }, () => base62[Math.floor(next() * 62)]).join('');
};

/** The run's intake configuration: the demo halls' window QR codes and a case-system key of the run. */
const demoConfig = (config: IntakeConfig, secret: string): IntakeConfig => {
  const known = new Set(config.halls.map((hall) => hall.code));
  return {
    ...config,
    halls: [...config.halls, ...demoIntakeHalls().filter((hall) => !known.has(hall.code))],
    caseSystems: [
      ...config.caseSystems,
      { system: demoCaseSystem.system, keys: { [demoCaseSystem.keyId]: secret } },
    ],
  };
};

export const simulateDemoMonth = async (deps: DemoDeps, options: DemoOptions = {}): Promise<DemoResult> => {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const days = options.days ?? 30;
  const end = (options.end ?? new Date()).getTime();
  const from = end - days * 24 * HOUR;
  const seed = String(options.seed ?? 'pinggai-demo');
  const parameters: DemoParameters = {
    seed,
    days,
    from: new Date(from).toISOString(),
    to: new Date(end).toISOString(),
    casesPerWorkingDay: options.casesPerWorkingDay ?? [100, 150],
  };

  const marker = await loadDemoMarker(deps.store);
  if (marker.loaded) {
    const had = marker.loaded;
    log(
      `[demo] demo data already loaded (${had.days} days to ${had.to}, seed ${had.seed}, ${had.counts.cases} cases); nothing to do`,
    );
    return { skipped: true, parameters, counts: null, tookMs: Date.now() - started };
  }
  log(
    `[demo] simulating ${days} days of ${halls.length} halls, ${parameters.from} → ${parameters.to} (seed ${seed})`,
  );

  const random = createRandom(seed);
  const sim = { now: from };
  const simClock = { now: () => new Date(sim.now) };
  const idRandom = random.fork('ids');
  let commandSeq = 0;
  const ids = {
    commandId: () => `demo-${(commandSeq++).toString(36)}-${randomText(8, idRandom.next)}`,
    invitationId: () => randomText(10, idRandom.next),
    deviceId: () => randomText(22, idRandom.next),
  };
  const caseSecret = randomText(40, () => Math.random());
  const config = demoConfig(deps.config, caseSecret);
  const base = {
    store: deps.store,
    db: deps.db as Kysely<IntakeDatabase>,
    vault: deps.vault,
    sms: deps.sms,
    blobs: deps.blobs,
    config,
    ids,
    log,
  };
  const services = intakeServices({ ...base, clock: simClock });
  const app = createIntakeApp(services);
  const calendar = await loadWorkingCalendar(deps.store);

  const agenda = createAgenda<Action>();
  const schedule = (at: number, action: Action) => agenda.schedule(Math.max(at, sim.now), action);
  const lifecycle = deps.lifecycle ?? defaultLifecycleConfig;
  const recipients = createDirectoryRecipients({
    staff: deps.staffDirectory ?? demoStaffDirectory(),
    citizenPhone: citizenPhoneResolver(deps.store, deps.vault),
  });
  const activities = createWarningActivities({
    store: deps.store,
    sms: deps.sms,
    calendar: async () => calendar,
    clock: simClock.now,
    recipients,
    log,
  });
  const desk = createWarningDesk({
    store: deps.store,
    blobs: deps.blobs,
    calendar,
    activities,
    lifecycle,
    schedule,
    now: () => sim.now,
    random: random.fork('desk'),
    appeals: options.appeals ?? 2,
    log,
  });
  const feed = createCaseFeed({ app, keyId: demoCaseSystem.keyId, secret: caseSecret, now: () => sim.now });
  const citizens = createCitizens({
    app,
    store: deps.store,
    services,
    random: random.fork('citizens'),
    now: () => sim.now,
    schedule,
    rates: options.responseRates ?? { online: 0.137, offline: 0.461 },
    smsOpenShare: options.smsOpenShare ?? 0.32,
    caseQrOpenShare: options.caseQrOpenShare ?? 0.4,
    photoVariantBase: hashSeed(seed) % 10_000,
  });

  // The month's plan: cases on working days (调休 make-up Saturdays included), window scans, sweeps.
  const volume = {
    casesPerWorkingDay: parameters.casesPerWorkingDay,
    overdueShare: options.overdueShare ?? 0.02,
    instantShare: 0.6,
  };
  let workingDays = 0;
  for (let day = civilDateOf(new Date(from)); day <= civilDateOf(new Date(end)); day = addDays(day, 1)) {
    if (!calendar.isWorkingDay(day)) continue;
    workingDays++;
    const dayRandom = random.fork(`day:${day}`);
    const planned = planWorkingDay({ date: day, random: dayRandom, calendar, volume, from, to: end });
    for (const plannedCase of planned)
      plannedCase.reports.forEach((report, index) =>
        schedule(report.at, { kind: 'report', planned: plannedCase, index }),
      );
    const scans = Math.round(planned.length * (options.staticQrShare ?? 0.04));
    for (let i = 0; i < scans; i++) {
      const hall = dayRandom.weighted(halls, (h) => h.share);
      const window = dayRandom.pick(hall.windows);
      const at = atMinute(day, officeMinute(dayRandom));
      if (at >= from && at < end) schedule(at, { kind: 'scan', hall: hall.code, window: window.code });
    }
  }
  // The invitation sweeper (reminders after 24 h, expiry after 7 days), hourly on the simulated clock.
  for (let at = Math.ceil(from / HOUR) * HOUR; at < end; at += HOUR) schedule(at, { kind: 'sweep' });

  const raised: string[] = [];
  const invitationReactor = stepSubscriber(deps.store, (store) =>
    startInvitationReactor({ ...services, store }),
  );
  const policy = stepSubscriber(deps.store, (store) =>
    startWarningPolicy({
      store,
      clock: simClock.now,
      reasons: async () => (await services.questionnaires.current()).config.reasons,
      onRaised: (warningId) => raised.push(warningId),
    }),
  );

  const progress = { cases: 0, completed: 0, overdue: 0, sweeps: { reminded: 0, expired: 0 } };
  let completedThisStep: PlannedCase[] = [];
  let casesToInvite = false;
  let ratingsToJudge = false;
  const alsoAtStages = config.invitations.alsoAtStages.length > 0;
  let loggedDay = civilDateOf(new Date(from));
  const logDay = (day: string) => {
    const c = citizens.counts;
    log(
      `[demo] ${day}${calendar.isWorkingDay(day) ? '' : ' (休息日)'}: cases ${progress.cases} (completed ${progress.completed}, overdue ${progress.overdue}), ` +
        `invitations sms ${c.smsLinks} / case QR ${c.caseQr} / window QR ${c.scans}, opened ${c.opened.online + c.opened.offline}, ` +
        `rated ${c.submitted.online + c.submitted.offline}, warnings ${desk.counts.raised} (closed ${desk.counts.closed})`,
    );
  };

  await services.questionnaires.current();
  while (agenda.size > 0 && agenda.peek()!.at < end) {
    const stepEnd = Math.min((Math.floor(agenda.peek()!.at / STEP) + 1) * STEP, end);
    const day = civilDateOf(new Date(agenda.peek()!.at));
    if (day !== loggedDay) {
      logDay(loggedDay);
      loggedDay = day;
    }
    while (agenda.size > 0 && agenda.peek()!.at < stepEnd) {
      const item = agenda.take()!;
      sim.now = item.at;
      const action = item.action;
      // A step's reactors run only when something they act on was appended: completions for the
      // invitation reactor, ratings and overdue reports for the warning policy (the checkpoints
      // move past everything else on their next run).
      if (action.kind === 'submit') ratingsToJudge = true;
      switch (action.kind) {
        case 'report': {
          const report = action.planned.reports[action.index]!;
          feed.add(report.body);
          const type = report.body['type'];
          if (type === 'registered') progress.cases++;
          if (type === 'overdue') {
            progress.overdue++;
            ratingsToJudge = true;
          }
          if (type === 'completed') {
            progress.completed++;
            completedThisStep.push(action.planned);
            casesToInvite = true;
          }
          break;
        }
        case 'scan':
          await citizens.scanWindowQr(action.hall, action.window);
          break;
        case 'open':
          await citizens.open(action.caseId, action.channel);
          break;
        case 'submit':
          await citizens.submit(action.token);
          break;
        case 'sweep': {
          const report = await sweepInvitations(services);
          progress.sweeps.reminded += report.reminded;
          progress.sweeps.expired += report.expired;
          break;
        }
        case 'timer':
        case 'staff':
          await desk.run(action);
          break;
        default: {
          const _never: never = action;
          throw new Error(`unknown demo action ${JSON.stringify(_never)}`);
        }
      }
    }
    // End of the step: the case system's batch goes out, the reactors catch up, people react.
    sim.now = stepEnd;
    await feed.flush();
    if (casesToInvite || alsoAtStages) await invitationReactor.drain();
    if (ratingsToJudge) await policy.drain();
    casesToInvite = false;
    ratingsToJudge = false;
    for (const planned of completedThisStep)
      await citizens.caseCompleted(`${demoCaseSystem.system}:${planned.caseNo}`, planned);
    completedThisStep = [];
    for (const warningId of raised.splice(0).sort()) await desk.onRaised(warningId);
  }
  sim.now = end;
  await feed.flush();
  await invitationReactor.drain();
  await policy.drain();
  logDay(loggedDay);

  const counts = await summarise(deps.db, {
    from,
    end,
    workingDays,
    progress,
    citizens: citizens.counts,
    desk: desk.counts,
  });
  const tookMs = Date.now() - started;
  await handleCommand(
    deps.store,
    demoStreamId,
    demoMarkerDecider,
    { type: 'RecordDemoDataLoaded', ...parameters, counts, loadedAt: new Date().toISOString(), tookMs },
    { commandId: 'demo:loaded', actor: { id: 'system:demo', role: 'system' }, now: new Date(end) },
  );
  log(
    `[demo] done in ${(tookMs / 1000).toFixed(1)} s: ${counts.cases} cases on ${workingDays} working days (${counts.completed} completed, ${counts.overdue} overdue); ` +
      `invitations ${JSON.stringify(counts.invitations)}, opened ${JSON.stringify(counts.opened)}, rated ${JSON.stringify(counts.submitted)} ` +
      `(回收率 online ${rate(counts.submitted['online'], counts.opened['online'])}, offline ${rate(counts.submitted['offline'], counts.opened['offline'])}), ` +
      `${counts.reminded} reminded, ${counts.expired} expired; warnings ${counts.warnings} (${counts.warningsClosed} closed, ${counts.warningsOpen} open, ${counts.reopened} reopened, ` +
      `${counts.appeals} appeals; escalations: dispatch ${counts.dispatchEscalated}, reply ${counts.replyEscalated})`,
  );
  return { skipped: false, parameters, counts, tookMs };
};

const rate = (part = 0, whole = 0): string => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);

/** What the month produced, read back from the events of the simulated period where the store knows it. */
const summarise = async (
  db: Kysely<unknown>,
  input: {
    from: number;
    end: number;
    workingDays: number;
    progress: { cases: number; completed: number; overdue: number };
    citizens: { opened: Record<string, number>; submitted: Record<string, number> };
    desk: { appeals: number };
  },
): Promise<DemoCounts> => {
  const fromIso = new Date(input.from).toISOString();
  const endIso = new Date(input.end).toISOString();
  const { rows } = await sql<{ kind: string; n: number }>`
    select case when event_type = 'InvitationIssued' then 'issued:' || (data->>'channel') else event_type end as kind, count(*)::int as n
    from eventstore.events
    where event_type in ('InvitationIssued', 'InvitationExpired', 'InvitationReminded', 'WarningRaised', 'WarningClosed', 'AppealFiled', 'WarningReopened', 'DispatchEscalated', 'ReplyEscalated')
      and (metadata->>'occurredAt') >= ${fromIso} and (metadata->>'occurredAt') <= ${endIso}
    group by 1`.execute(db);
  const count = (kind: string) => rows.find((row) => row.kind === kind)?.n ?? 0;
  const invitations = Object.fromEntries(
    rows
      .filter((row) => row.kind.startsWith('issued:'))
      .map((row) => [row.kind.slice('issued:'.length), row.n]),
  );
  const warnings = count('WarningRaised');
  const closed = count('WarningClosed');
  return {
    workingDays: input.workingDays,
    cases: input.progress.cases,
    completed: input.progress.completed,
    overdue: input.progress.overdue,
    invitations,
    opened: { ...input.citizens.opened },
    submitted: { ...input.citizens.submitted },
    expired: count('InvitationExpired'),
    reminded: count('InvitationReminded'),
    warnings,
    warningsClosed: closed,
    warningsOpen: warnings - closed,
    appeals: count('AppealFiled'),
    reopened: count('WarningReopened'),
    // Levels of one warning count once each: a reply two levels late counts twice.
    dispatchEscalated: count('DispatchEscalated'),
    replyEscalated: count('ReplyEscalated'),
  };
};
