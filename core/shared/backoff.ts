/**
 * Exponential back-off for outboxes (provincial feed, webhooks): the wait after the n-th failed
 * attempt doubles from `firstMs`, capped at `maxMs`.
 *
 * @example retryDelayMs(1) === 30_000; retryDelayMs(3) === 120_000
 */
export const retryDelayMs = (attempts: number, firstMs = 30_000, maxMs = 3_600_000): number =>
  Math.min(maxMs, firstMs * 2 ** Math.max(0, attempts - 1));
