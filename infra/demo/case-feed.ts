/**
 * The demo's case system (办件系统): reports are collected and pushed as one signed batch at the end of
 * each simulated step, through the real case-events API (signature, nonce, validation, idempotency).
 */
import type { Hono } from 'hono';
import { bytesToHex } from '../../core/pii/encoding.ts';
import { signCaseRequest } from '../../intake-edge/case-api/signature.ts';

const PATH = '/api/v1/case-events';
const MAX_BATCH = 500;

const nonce = (): string => bytesToHex(crypto.getRandomValues(new Uint8Array(18)));

export const createCaseFeed = (deps: { app: Hono; keyId: string; secret: string; now: () => number }) => {
  let pending: Record<string, unknown>[] = [];
  const outcomes: Record<string, number> = {};

  const post = async (events: readonly Record<string, unknown>[]): Promise<void> => {
    const body = JSON.stringify({ events });
    // Nonces are random (never in an event): a rerun after a crash must not look like a replay.
    const headers = await signCaseRequest({
      method: 'POST',
      pathWithQuery: PATH,
      body,
      keyId: deps.keyId,
      secret: deps.secret,
      timestamp: Math.floor(deps.now() / 1000),
      nonce: nonce(),
    });
    const response = await deps.app.request(PATH, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    if (response.status !== 200)
      throw new Error(
        `the case-events API refused the demo batch: ${response.status} ${await response.text()}`,
      );
    const { results } = (await response.json()) as { results: { outcome: string }[] };
    for (const result of results) outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
  };

  return {
    outcomes,
    add(body: Record<string, unknown>): void {
      pending.push(body);
    },
    async flush(): Promise<void> {
      const batch = pending;
      pending = [];
      for (let i = 0; i < batch.length; i += MAX_BATCH) await post(batch.slice(i, i + MAX_BATCH));
    },
  };
};
