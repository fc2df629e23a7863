import type { EventStore } from '../../core/eventstore/types.ts';
import { invitationStreamId } from '../../core/invitation/events.ts';
import type { SatisfactionLevel } from '../../core/questionnaire/types.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import {
  appendFacts,
  appendWarning,
  caseCompleted,
  caseDetails,
  caseRegistered,
  invitationExpired,
  invitationIssued,
  invitationOpened,
  rate,
  rectifiedWarning,
  subject,
  warningRaised,
} from './events.ts';

const windows = [
  {
    code: 'W-12',
    name: '12号窗口',
    department: { code: 'D-MKT', name: '市场监管局' },
    matter: { code: 'M-LIC', name: '营业执照登记', type: '行政许可' },
  },
  {
    code: 'W-3',
    name: '3号窗口',
    department: { code: 'D-TAX', name: '税务局' },
    matter: { code: 'M-INV', name: '发票申领', type: '公共服务' },
  },
];

/**
 * A small, deterministic mix of everything the projections read: completed cases (rated and not),
 * ratings on both channels at every level, an expired invitation, and warnings in several phases.
 * `round` shifts ids and days so the scenario can be appended more than once.
 */
export const appendScenario = async (
  store: EventStore,
  round = 0,
): Promise<{ ratings: number; warnings: number }> => {
  let ratings = 0;
  let warnings = 0;
  for (let i = 0; i < 10; i++) {
    const w = windows[i % 2]!;
    const caseId = `hall:R${round}C${i}`;
    const s = subject({
      caseId,
      caseNumber: `R${round}C${i}`,
      department: w.department,
      matter: w.matter,
      window: { code: w.code, name: w.name },
    });
    const day = `2025-10-${String(10 + round + (i % 5)).padStart(2, '0')}`;
    await appendFacts(store, `case-${caseId}`, [
      caseRegistered(caseId, `${day}T01:00:00.000Z`, caseDetails(s)),
      caseCompleted(caseId, `${day}T0${2 + (i % 7)}:00:00.000Z`),
    ]);
    const invitationId = `r${round}i${i}`;
    if (i === 9) {
      await appendFacts(store, invitationStreamId(invitationId), [
        invitationIssued(invitationId, 'sms', `${day}T09:00:00.000Z`, s),
        invitationOpened(invitationId, 'sms', `${day}T09:30:00.000Z`),
        invitationExpired(invitationId, `${day}T23:00:00.000Z`),
      ]);
      continue;
    }
    const level = ((i % 5) + 1) as SatisfactionLevel;
    const ratingId = await rate(store, invitationId, `${day}T0${3 + (i % 6)}:15:00.000Z`, {
      overall: level,
      channel: i % 3 === 0 ? 'qr_case' : 'sms',
      subject: s,
      answers: { SM01: level, PC02: Math.max(1, level - 1) as SatisfactionLevel, RS01: 5 },
      reasons: level <= 2 ? ['R04'] : [],
    });
    ratings++;
    if (level <= 2) {
      const warningId = `yj-r${round}-${i}`;
      const facts: WarningEvent[] =
        i % 2 === 0
          ? rectifiedWarning(warningId, `${day}T10:00:00.000Z`, {
              ratingEventId: ratingId,
              department: w.department.code,
              matterCode: w.matter.code,
              windowId: w.code,
            })
          : [
              warningRaised(warningId, `${day}T10:00:00.000Z`, {
                ratingEventId: ratingId,
                department: w.department.code,
                matterCode: w.matter.code,
                windowId: w.code,
              }),
            ];
      await appendWarning(store, warningId, facts);
      warnings++;
    }
  }
  return { ratings, warnings };
};
