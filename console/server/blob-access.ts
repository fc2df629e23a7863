import type { StaffPrincipal } from '../../core/access/scope.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { DomainError } from '../../core/shared/errors.ts';
import type { StaffQueries } from './deps.ts';
import { ratingScopeOf } from './rating-scope.ts';
import { loadVisibleWarning, warningNotFound } from './warning-access.ts';

export const blobNotFound = (): DomainError =>
  new DomainError('BLOB_NOT_FOUND', '文件不存在', { status: 404, details: { en: 'No such file.' } });

/** True when some `blobKey` or `sha256` field anywhere in the value names the key (evidence, photos). */
const references = (value: unknown, key: string): boolean => {
  if (Array.isArray(value)) return value.some((item) => references(item, key));
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(
    ([field, item]) => ((field === 'blobKey' || field === 'sha256') && item === key) || references(item, key),
  );
};

/**
 * May this principal open this stored file? Only when it belongs to a rating or a warning the
 * principal may see: named by the console (`warning` or `rating`), or found among the ratings in
 * scope. Anything else is answered as a missing file (404), so keys cannot be probed.
 */
export const mayOpenBlob = async (
  deps: { store: EventStore; queries?: StaffQueries },
  principal: StaffPrincipal,
  key: string,
  context: { warning?: string | undefined; rating?: string | undefined },
): Promise<boolean> => {
  const scope = ratingScopeOf(principal);
  if (context.warning !== undefined) {
    let loaded;
    try {
      loaded = await loadVisibleWarning(deps.store, principal, context.warning);
    } catch (error) {
      if (error instanceof DomainError && error.code === warningNotFound().code) return false;
      throw error;
    }
    if (loaded.events.some((event) => references(event.data, key))) return true;
    // The citizen's own attachments of the rating that raised the warning.
    const ratingId = loaded.warning.source.ratingEventId;
    return (
      ratingId !== undefined &&
      deps.queries !== undefined &&
      (await deps.queries.ratingHasAttachment({ key, scope: { kind: 'district' }, ratingId }))
    );
  }
  if (!deps.queries) return false;
  return deps.queries.ratingHasAttachment({
    key,
    scope,
    ...(context.rating !== undefined ? { ratingId: context.rating } : {}),
  });
};
