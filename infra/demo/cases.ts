/**
 * The demo's cases (办件): how many a working day brings, where, of which matter and applicant, and
 * when the case system reports each step (登记 → 办理中 → 办结, sometimes 办件超时 first).
 */
import type { WorkingCalendar } from '../../core/calendar/working-calendar.ts';
import type { CivilDate } from '../../core/calendar/civil-date.ts';
import { addDays } from '../../core/calendar/civil-date.ts';
import { atMinute, HOUR, MINUTE, officeMinute, workingDayAfter } from './office-time.ts';
import type { Random } from './random.ts';
import { applicantMix, departmentByCode, halls, regionCode } from './world.ts';

/** `2026-11-03T09:30:00+08:00`: how a case system in China writes its times. */
export const shanghaiIso = (ms: number): string =>
  `${new Date(ms + 8 * HOUR).toISOString().slice(0, 19)}+08:00`;

/** One report of the case system, as the signed case-events API takes it. */
export interface CaseReport {
  readonly at: number;
  readonly body: Record<string, unknown>;
}

export interface PlannedCase {
  readonly caseNo: string;
  readonly hasPhone: boolean;
  /** 即办件: done during the visit, so the applicant is still at the window when it completes. */
  readonly instant: boolean;
  readonly overdue: boolean;
  readonly reports: readonly CaseReport[];
  /** When the completion is reported; null when it falls after the simulated month. */
  readonly completedAt: number | null;
}

export interface CaseVolume {
  /** Cases per working day, drawn uniformly from this range. */
  readonly casesPerWorkingDay: readonly [number, number];
  /** Share of cases reported overdue (办件超时) before they complete. */
  readonly overdueShare: number;
  /** Share of 即办件 (completed during the visit); the rest are 承诺件 with a promised time. */
  readonly instantShare: number;
}

const phoneNumber = (random: Random): string =>
  `${random.pick(['1380000', '1390000', '1500000', '1860000', '1770000'])}${String(random.int(0, 9999)).padStart(4, '0')}`;

/**
 * Plans the cases registered on one working day (all reports, including completions on later days).
 * Reports outside [from, to) are dropped: the case system had not sent them yet.
 */
export const planWorkingDay = (options: {
  readonly date: CivilDate;
  readonly random: Random;
  readonly calendar: WorkingCalendar;
  readonly volume: CaseVolume;
  readonly from: number;
  readonly to: number;
}): PlannedCase[] => {
  const { date, random, calendar, volume, from, to } = options;
  const count = random.int(volume.casesPerWorkingDay[0], volume.casesPerWorkingDay[1]);
  const perHall = new Map<string, number>();
  const planned: PlannedCase[] = [];
  for (let i = 0; i < count; i++) {
    const hall = random.weighted(halls, (h) => h.share);
    const seq = (perHall.get(hall.code) ?? 0) + 1;
    perHall.set(hall.code, seq);
    const caseNo = `XA${date.replaceAll('-', '')}${hall.code}${String(seq).padStart(4, '0')}`;
    const window = random.pick(hall.windows);
    const department = departmentByCode(window.department);
    const matter = random.pick(department.matters);
    const staff = random.pick(window.staff);
    const applicant = random.weighted(applicantMix, (a) => a.weight);
    const hasPhone = random.chance(applicant.phoneShare);
    const details = {
      matter: { code: matter.code, name: matter.name, type: matter.type },
      department: { code: department.code, name: department.name },
      hall: { code: hall.code, name: hall.name },
      window: { code: window.code, name: window.name },
      staff: { id: staff.id, name: staff.displayName },
      applicantType: applicant.type,
      enterpriseType: applicant.enterpriseTypes ? random.pick(applicant.enterpriseTypes) : null,
      regionCode,
      applicantPhone: hasPhone ? phoneNumber(random) : null,
    };
    const registeredAt = atMinute(date, officeMinute(random)) + random.int(0, 59) * 1000;
    const instant = random.chance(volume.instantShare);
    // Overdue cases are 承诺件 whose promised time ran out; keep the overall share as configured.
    const overdue = !instant && random.chance(volume.overdueShare / (1 - volume.instantShare));
    const reports: { at: number; type: string; extra: Record<string, unknown> }[] = [
      { at: registeredAt, type: 'registered', extra: { stage: 'accepted' } },
    ];
    let completedAt: number;
    if (instant) {
      // Done during the visit: the case system reports the completion, and the case records the
      // stage change 受理 → 办结 with it.
      completedAt = registeredAt + random.int(8, 45) * MINUTE;
    } else {
      const promisedDays = random.pick([1, 3, 3, 5, 5, 7]);
      const startedAt = registeredAt + random.int(20, 180) * MINUTE;
      reports.push({ at: startedAt, type: 'stage_changed', extra: { stage: 'in_progress' } });
      const dueDay = workingDayAfter(calendar, date, promisedDays);
      if (overdue) {
        const reportDay = workingDayAfter(calendar, dueDay, 1);
        const overdueAt = atMinute(reportDay, random.int(8 * 60 + 40, 9 * 60 + 30));
        reports.push({
          at: overdueAt,
          type: 'overdue',
          extra: { dueAt: shanghaiIso(atMinute(addDays(dueDay, 1), 0)) },
        });
        completedAt = atMinute(workingDayAfter(calendar, reportDay, random.int(1, 3)), officeMinute(random));
      } else {
        const doneDay = workingDayAfter(calendar, date, random.int(1, promisedDays));
        completedAt = atMinute(doneDay, officeMinute(random));
      }
    }
    const result = random.chance(0.97) ? 'approved' : random.chance(0.6) ? 'rejected' : 'other';
    reports.push({ at: completedAt, type: 'completed', extra: { result } });
    const inWindow = reports.filter((report) => report.at >= from && report.at < to);
    if (inWindow.length === 0 || inWindow[0]!.type !== 'registered') continue;
    planned.push({
      caseNo,
      hasPhone,
      instant,
      overdue: inWindow.some((report) => report.type === 'overdue'),
      completedAt: completedAt < to ? completedAt : null,
      reports: inWindow.map((report, index) => ({
        at: report.at,
        body: {
          type: report.type,
          caseId: caseNo,
          sequence: index + 1,
          occurredAt: shanghaiIso(report.at),
          case: details,
          ...report.extra,
        },
      })),
    });
  }
  return planned;
};
