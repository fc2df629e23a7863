/**
 * The provincial platform's HTTP endpoint (省级好差评系统数据接口) as a FeedTransport. The province's
 * interface documents differ from province to province; this is the shape we send and expect, kept in
 * one place so that adapting to a province's document means changing this file only:
 *
 *   POST <PINGGAI_FEED_URL>   content-type: application/json
 *     x-pj-key: <key id>   x-pj-timestamp: <unix seconds>   x-pj-nonce: <random>
 *     x-pj-signature: hex(HMAC-SHA256(secret, "<timestamp>\n<nonce>\n<body>"))
 *     body: { "records": [FeedRecord, …] }                (core/feed/record.ts)
 *   200 { "results": [{ "recordId": "…", "status": "accepted" | "rejected", "reason"?: "…" }, …] }
 *
 * Corrections (整改数据更正): when an appeal is upheld (申诉成立) after its warning closed, the result
 * the province holds for that rating changes. We send the whole rectification record again under a
 * new id `<corrects>-R<revision>` (e.g. ZGyj…-R2) with `corrects` (the id of the first record),
 * `revision` (from 2) and `correctedAt`; the province is expected to replace `corrects` with the highest
 * revision it has accepted. A correction is sent only after the record it corrects was accepted. If a
 * province's document has its own update operation (操作类型 修改, the same id sent again), this file is
 * where the record is rewritten into it.
 *
 * Anything else (a network error, a timeout, a non-2xx status, an answer of another shape) means
 * nothing is known about the batch, and the outbox retries every record with back-off; the record id
 * makes a repeat harmless at the receiving end.
 */
import { createHmac, randomBytes } from 'node:crypto';
import * as v from 'valibot';
import type { FeedRecord } from '../../core/feed/record.ts';
import type { FeedAnswer, FeedTransport } from './outbox.ts';

const AnswerSchema = v.object({
  results: v.array(
    v.variant('status', [
      v.object({ recordId: v.pipe(v.string(), v.minLength(1)), status: v.literal('accepted') }),
      v.object({ recordId: v.pipe(v.string(), v.minLength(1)), status: v.literal('rejected'), reason: v.optional(v.string(), '(no reason given)') }),
    ]),
  ),
});

export interface HttpFeedConfig {
  readonly url: string;
  readonly keyId: string;
  readonly secret: string;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

/** Reads PINGGAI_FEED_URL, PINGGAI_FEED_KEY_ID and PINGGAI_FEED_SECRET: all or none. */
export const httpFeedConfigFromEnv = (env: Readonly<Record<string, string | undefined>>): HttpFeedConfig | null => {
  const names = ['PINGGAI_FEED_URL', 'PINGGAI_FEED_KEY_ID', 'PINGGAI_FEED_SECRET'] as const;
  const set = names.filter((name) => env[name]?.trim());
  if (set.length === 0) return null;
  if (set.length < names.length) throw new Error(`provincial feed: set all of ${names.join(', ')} (missing: ${names.filter((n) => !set.includes(n)).join(', ')})`);
  const url = env.PINGGAI_FEED_URL!.trim();
  // Case numbers and citizens' comments go to the province: encrypted, except to this machine itself
  // (a local relay, the tests).
  const parsed = URL.canParse(url) ? new URL(url) : null;
  const loopback = parsed !== null && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed === null || !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback))) {
    throw new Error('PINGGAI_FEED_URL must be an https:// URL (http:// only to this machine itself)');
  }
  if (env.PINGGAI_FEED_SECRET!.trim().length < 16) throw new Error('PINGGAI_FEED_SECRET must be at least 16 characters');
  return { url, keyId: env.PINGGAI_FEED_KEY_ID!.trim(), secret: env.PINGGAI_FEED_SECRET!.trim() };
};

export const feedSignature = (secret: string, timestamp: string, nonce: string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${body}`).digest('hex');

export const createHttpFeedTransport = (config: HttpFeedConfig): FeedTransport => ({
  name: `province ${new URL(config.url).host}`,
  async send(records: readonly FeedRecord[]): Promise<readonly FeedAnswer[]> {
    const body = JSON.stringify({ records });
    const timestamp = String(Math.floor((config.now?.() ?? new Date()).getTime() / 1000));
    const nonce = randomBytes(12).toString('hex');
    const response = await fetch(config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-pj-key': config.keyId,
        'x-pj-timestamp': timestamp,
        'x-pj-nonce': nonce,
        'x-pj-signature': feedSignature(config.secret, timestamp, nonce, body),
      },
      body,
      signal: AbortSignal.timeout(config.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`the province answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`the province's answer is not JSON: ${text.slice(0, 200)}`);
    }
    const parsed = v.safeParse(AnswerSchema, json);
    if (!parsed.success) throw new Error(`the province's answer has another shape: ${v.getDotPath(parsed.issues[0]) ?? '(answer)'}: ${parsed.issues[0].message}`);
    return parsed.output.results;
  },
});
