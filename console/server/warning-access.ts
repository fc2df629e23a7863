import type { StaffAction } from '../../core/access/permissions.ts';
import type { StaffPrincipal } from '../../core/access/scope.ts';
import { canSeeWarning, scopeOf } from '../../core/access/scope.ts';
import type { BlobStore } from '../../core/blobs/types.ts';
import { fold } from '../../core/decider/decider.ts';
import type { Actor, EventStore, RecordedEvent } from '../../core/eventstore/types.ts';
import { invalidField } from '../../core/http/field-errors.ts';
import { DomainError } from '../../core/shared/errors.ts';
import { roles } from '../../core/warning/commands.ts';
import { warningDecider } from '../../core/warning/decider.ts';
import type { Evidence, WarningEvent } from '../../core/warning/events.ts';
import type { OpenWarning } from '../../core/warning/state.ts';
import { warningStreamId } from '../../core/warning/stream.ts';
import type { StaffQueries } from './deps.ts';

export const warningNotFound = (): DomainError =>
  new DomainError('WARNING_NOT_FOUND', '预警不存在', { status: 404, details: { en: 'No such warning.' } });

const WARNING_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export interface LoadedWarning {
  readonly warning: OpenWarning;
  readonly events: readonly RecordedEvent[];
  readonly version: number;
}

/**
 * The warning's stream folded through the warning decider (the authoritative state). A warning
 * outside the caller's scope is answered exactly like one that does not exist (404), so ids of
 * other departments' warnings cannot be probed (IDOR).
 */
export const loadVisibleWarning = async (store: EventStore, principal: StaffPrincipal, warningId: string): Promise<LoadedWarning> => {
  if (!WARNING_ID.test(warningId)) throw warningNotFound();
  const events = await store.readStream(warningStreamId(warningId));
  const state = fold(warningDecider, events as unknown as WarningEvent[]);
  if (state.phase === 'none' || !canSeeWarning(scopeOf(principal), state)) throw warningNotFound();
  return { warning: state, events, version: events.at(-1)?.streamVersion ?? 0 };
};

/**
 * The actor as the warning decider knows it. The decider speaks of an `appeal_reviewer`; in the
 * console that is the working-group lead reviewing an appeal. The event metadata keeps the real role.
 */
export const deciderActor = (principal: StaffPrincipal, action: StaffAction): Actor => ({
  id: principal.accountId,
  role: action === 'warning.appeal_review' ? roles.appealReviewer : principal.role,
  ...(principal.department ? { department: principal.department } : {}),
});

export const metadataActor = (principal: StaffPrincipal): Actor => ({
  id: principal.accountId,
  role: principal.role,
  ...(principal.department ? { department: principal.department } : {}),
});

/**
 * Evidence (凭证) from blob keys: each must be in the blob store; its content hash and media type
 * come from the store, never from the client. `images` restricts to pictures (on-site photos).
 */
/**
 * Refuses a department code that no case, rating or warning has named: a typo ("SJC" for "SCJ")
 * would route a warning to an inbox nobody reads while its clock runs. Without read models wired
 * (some tests), nothing is checked.
 */
export const requireKnownDepartments = async (
  queries: StaffQueries | undefined,
  codes: readonly string[],
  field: (index: number) => string,
): Promise<void> => {
  if (!queries || codes.length === 0) return;
  const known = new Set(await queries.knownDepartments(codes));
  codes.forEach((code, index) => {
    if (!known.has(code))
      throw invalidField(field(index), {
        'zh-CN': `没有代码为 ${code} 的部门,请从部门列表中选择`,
        en: `no department has the code ${code}; choose one from the list`,
      });
  });
};

export const evidenceFromBlobs = async (
  blobs: BlobStore,
  keys: readonly string[],
  field: (index: number) => string,
  options: { images?: boolean } = {},
): Promise<Evidence[]> =>
  Promise.all(
    keys.map(async (key, index) => {
      const blob = await blobs.get(key);
      if (!blob) throw invalidField(field(index), { 'zh-CN': '找不到该文件,请先上传', en: 'no such upload; upload it first' });
      if (options.images && !blob.mediaType.startsWith('image/')) {
        throw invalidField(field(index), { 'zh-CN': '须为图片', en: 'must be a picture' });
      }
      return { blobKey: blob.key, sha256: blob.sha256, mediaType: blob.mediaType };
    }),
  );
