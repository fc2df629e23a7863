import type { Actor } from '../eventstore/types.ts';
import { DomainError } from '../shared/errors.ts';
import { roles } from './commands.ts';
import type { Evidence } from './events.ts';
import type { OpenWarning, WarningState } from './state.ts';

/** Refuses in both languages: the message in Chinese, `en` shown to English readers (problem+json). */
export const refuse = (code: string, message: string, en: string, status = 409, details: Record<string, unknown> = {}): never => {
  throw new DomainError(code, message, { status, details: { ...details, en } });
};

export const invalid = (field: string, message: string, en: string): never => refuse('WARNING_INVALID', message, en, 422, { field });

export const existing = (state: WarningState): OpenWarning =>
  state.phase === 'none' ? refuse('WARNING_NOT_FOUND', '预警不存在', 'No such warning.', 404) : state;

export const requireRole = (actor: Actor, role: string): void => {
  if (actor.role !== role) refuse('WARNING_FORBIDDEN_ROLE', `需要角色 ${role}`, `This needs the role ${role}.`, 403, { role });
};

export const requireSystem = (actor: Actor): void => {
  if (actor.role !== roles.system) refuse('WARNING_SYSTEM_ONLY', '仅限系统计时器', 'Only the system timers may do this.', 403);
};

export const notClosed = (state: OpenWarning): void => {
  if (state.phase === 'closed') refuse('WARNING_CLOSED', '预警已办结', 'The warning is closed.');
};

/** Collaboration, evidence and status updates need a dispatched, open warning. */
export const requireDispatchedOpen = (state: OpenWarning): void => {
  notClosed(state);
  if (state.phase === 'awaiting_dispatch') refuse('WARNING_NOT_DISPATCHED', '预警尚未派单', 'The warning has not been dispatched yet.');
};

export const requireLead = (state: OpenWarning, actor: Actor): string =>
  actor.department === state.leadDepartment
    ? actor.department
    : refuse('WARNING_NOT_LEAD_DEPARTMENT', '只有牵头部门可以执行此操作', 'Only the lead department may do this.', 403);

/** Lead or cooperating department (牵头部门或配合部门). */
export const requireParticipant = (state: OpenWarning, actor: Actor): string =>
  actor.department !== undefined &&
  (actor.department === state.leadDepartment || state.cooperatingDepartments.includes(actor.department))
    ? actor.department
    : refuse('WARNING_NOT_PARTICIPANT', '只有牵头或配合部门可以执行此操作', 'Only the lead or a cooperating department may do this.', 403);

const SHA256 = /^[0-9a-f]{64}$/;
export const requireEvidence = (evidence: Evidence, field: string): void => {
  if (evidence.blobKey.trim() === '') invalid(`${field}.blobKey`, '凭证缺少存储键', 'The evidence has no storage key.');
  if (!SHA256.test(evidence.sha256)) invalid(`${field}.sha256`, '凭证的 SHA-256 摘要无效', 'The evidence has no valid SHA-256 digest.');
  if (!/^[a-z]+\/[\w.+-]+$/i.test(evidence.mediaType)) invalid(`${field}.mediaType`, '凭证的媒体类型无效', 'The evidence has no valid media type.');
};

export const requireText = (value: string, field: string): string => {
  const text = value.trim();
  return text === '' ? invalid(field, `${field} 不能为空`, `${field} must not be empty.`) : text;
};

/** A timer command before its deadline is a bug in the caller, not a state to record. */
export const requireReached = (at: Date, instant: string, what: { readonly 'zh-CN': string; readonly en: string }): void => {
  if (at.getTime() < Date.parse(instant)) {
    refuse('WARNING_DEADLINE_NOT_REACHED', `${what['zh-CN']} 时间未到`, `The time for the ${what.en} has not come yet.`, 409, { notBefore: instant, at: at.toISOString() });
  }
};
