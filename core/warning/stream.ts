/** One stream per warning: `warning-<id>`; the Temporal workflow of the warning has the same id. */
export const warningStreamPrefix = 'warning-';

export const warningStreamId = (warningId: string): string => `${warningStreamPrefix}${warningId}`;

export const warningIdOf = (streamId: string): string | null =>
  streamId.startsWith(warningStreamPrefix) ? streamId.slice(warningStreamPrefix.length) : null;
