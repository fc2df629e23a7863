/**
 * 补录: import a period of cases from a file, the same events the case system posts to
 * `/api/v1/case-events`, one JSON object per line (JSON Lines, UTF-8). Every line is validated
 * first and nothing is stored unless all are valid (errors name the line and the field). Each event
 * is then recorded through the same path as the API, idempotent by (case id, sequence), so running
 * the same file twice records nothing new. Imported events invite nobody and raise no warning
 * (core/case/backfill.ts).
 */
import * as v from 'valibot';
import { backfillCorrelationPrefix } from '../../core/case/backfill.ts';
import { unstorableTextAt } from '../../core/http/storable-text.ts';
import type { RecordedCaseEvent } from '../../intake-edge/case-api/record.ts';
import { recordCaseEvent } from '../../intake-edge/case-api/record.ts';
import type { CaseEventInput } from '../../intake-edge/case-api/schema.ts';
import { caseEventSchema } from '../../intake-edge/case-api/schema.ts';
import type { IntakeDeps } from '../../intake-edge/deps.ts';

export interface LineProblem {
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

/**
 * The file's text, or the line of its first byte that is not UTF-8 (a GBK export, say): decoded
 * leniently, such bytes would become U+FFFD in events that can never be corrected. The byte order mark
 * stays in the text (parseCaseLines drops it), so a file's digest is the same as it always was.
 */
export const decodeCaseFile = (bytes: Uint8Array): { readonly text: string } | { readonly notUtf8AtLine: number } => {
  const decode = (part: Uint8Array) => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(part);
  try {
    return { text: decode(bytes) };
  } catch {
    // A line feed byte is never part of a multi-byte character, in UTF-8 or GBK: lines split cleanly.
    let start = 0;
    for (let line = 1; ; line++) {
      const end = bytes.indexOf(0x0a, start);
      try {
        decode(bytes.subarray(start, end === -1 ? bytes.length : end));
      } catch {
        return { notUtf8AtLine: line };
      }
      if (end === -1) return { notUtf8AtLine: line };
      start = end + 1;
    }
  }
};

/** The file's events with their line numbers, or every problem found (blank lines are skipped). */
export const parseCaseLines = (text: string): { readonly events: readonly { line: number; input: CaseEventInput }[]; readonly problems: readonly LineProblem[] } => {
  const events: { line: number; input: CaseEventInput }[] = [];
  const problems: LineProblem[] = [];
  for (const [index, raw] of text.replace(/^\uFEFF/, '').split(/\r?\n/).entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      problems.push({ line, field: '(line)', message: '不是有效的 JSON / not valid JSON' });
      continue;
    }
    // Checked here, not left to the store: jsonb would refuse it mid-import, after the lines before it.
    const unstorable = unstorableTextAt(json);
    if (unstorable !== null) {
      problems.push({ line, field: unstorable || '(event)', message: '文本含有无法保存的字符(NUL 或不成对的代理项) / text holds a NUL character or an unpaired surrogate' });
      continue;
    }
    const result = v.safeParse(caseEventSchema, json);
    if (result.success) events.push({ line, input: result.output });
    else for (const issue of result.issues) problems.push({ line, field: v.getDotPath(issue) ?? '(event)', message: issue.message });
  }
  return { events, problems };
};

export interface BackfillSummary {
  readonly lines: number;
  readonly byOutcome: Readonly<Record<RecordedCaseEvent['outcome'], number>>;
}

export const backfillCases = async (
  deps: Pick<IntakeDeps, 'store' | 'vault' | 'clock'>,
  options: {
    readonly system: string;
    /** Names the import in every event's correlation id (e.g. the file name and its digest). */
    readonly source: string;
    readonly text: string;
    readonly onProgress?: (done: number, total: number) => void;
  },
): Promise<{ readonly problems: readonly LineProblem[]; readonly summary: BackfillSummary | null }> => {
  const { events, problems } = parseCaseLines(options.text);
  if (problems.length > 0) return { problems, summary: null };
  const byOutcome: Record<RecordedCaseEvent['outcome'], number> = { recorded: 0, record: 0, duplicate: 0, stale: 0, no_change: 0 };
  for (const [done, { input }] of events.entries()) {
    const result = await recordCaseEvent(deps, options.system, input, `${backfillCorrelationPrefix}${options.source}`);
    byOutcome[result.outcome]++;
    if ((done + 1) % 500 === 0 || done + 1 === events.length) options.onProgress?.(done + 1, events.length);
  }
  return { problems: [], summary: { lines: events.length, byOutcome } };
};
