import { assertNever } from '../decider/decider.ts';
import type { RaiseWarning, WarningCommand } from './commands.ts';
import * as staff from './decide-staff.ts';
import * as timers from './decide-timers.ts';
import type { WarningEvent } from './events.ts';
import { invalid, requireSystem } from './guards.ts';
import type { WarningState } from './state.ts';

/**
 * 生成预警. The id is derived from the source event and rule by the policy, so raising the same
 * warning again (a replayed rating, a retried reactor) is the same fact and changes nothing.
 */
const raiseWarning = (command: RaiseWarning, state: WarningState): WarningEvent[] => {
  requireSystem(command.actor);
  if (state.phase !== 'none') return [];
  if (command.warningId.trim() === '') invalid('warningId', '预警编号不能为空', 'The warning id must not be empty.');
  if (command.leadDepartment.trim() === '') invalid('leadDepartment', '牵头部门不能为空', 'The lead department must not be empty.');
  const reminder = Date.parse(command.dispatch.reminderAt);
  const due = Date.parse(command.dispatch.dueAt);
  if (!(command.at.getTime() <= reminder && reminder <= due)) {
    invalid('dispatch', '派单提醒时间须在生成之后、截止之前', 'The dispatch reminder must fall after the warning was raised and before its deadline.');
  }
  return [
    {
      type: 'WarningRaised',
      data: {
        warningId: command.warningId,
        kind: command.kind,
        severity: command.severity,
        ruleId: command.ruleId,
        source: command.source,
        subject: command.subject,
        leadDepartment: command.leadDepartment,
        cooperatingDepartments: command.cooperatingDepartments.filter((d) => d !== command.leadDepartment),
        routingTableVersion: command.routingTableVersion,
        dispatch: command.dispatch,
        citizenContactRef: command.citizenContactRef,
        raisedAt: command.at.toISOString(),
      },
    },
  ];
};

export const decide = (command: WarningCommand, state: WarningState): WarningEvent[] => {
  switch (command.type) {
    case 'RaiseWarning':
      return raiseWarning(command, state);
    case 'AlertDispatchers':
      return timers.alertDispatchers(command, state);
    case 'DispatchWarning':
      return staff.dispatchWarning(command, state);
    case 'RemindDispatch':
      return timers.remindDispatch(command, state);
    case 'EscalateDispatch':
      return timers.escalateDispatch(command, state);
    case 'SetReplyDeadline':
      return timers.setReplyDeadline(command, state);
    case 'RemindReply':
      return timers.remindReply(command, state);
    case 'EscalateReply':
      return timers.escalateReply(command, state);
    case 'RequestCollaboration':
      return staff.requestCollaboration(command, state);
    case 'AddEvidence':
      return staff.addEvidence(command, state);
    case 'UpdateWarningStatus':
      return staff.updateWarningStatus(command, state);
    case 'ReplyToWarning':
      return staff.replyToWarning(command, state);
    case 'SetCallbackDeadlines':
      return timers.setCallbackDeadlines(command, state);
    case 'RemindCallback':
      return timers.remindCallback(command, state);
    case 'EscalateCallback':
      return timers.escalateCallback(command, state);
    case 'RecordPhoneCallback':
      return staff.recordPhoneCallback(command, state);
    case 'RecordOnSiteCheck':
      return staff.recordOnSiteCheck(command, state);
    case 'FileAppeal':
      return staff.fileAppeal(command, state);
    case 'ReviewAppeal':
      return staff.reviewAppeal(command, state);
    case 'NotifyCitizen':
      return timers.notifyCitizen(command, state);
    default:
      return assertNever(command);
  }
};
