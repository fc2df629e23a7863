import { describe, expect, it } from 'vitest';
import { caseEvent } from '../../intake-edge/tests/fixtures.ts';
import { decodeCaseFile, parseCaseLines } from './backfill.ts';

const line = (extra: Record<string, unknown> = {}, caseExtra: Record<string, unknown> = {}) => JSON.stringify(caseEvent(extra, caseExtra));

describe('reading a backfill file', () => {
  it('takes UTF-8 as it is, byte order mark included (the digest of a file does not change)', () => {
    const text = `\uFEFF${line({}, { staff: { id: 'S-1', name: '张三' } })}\n`;
    expect(decodeCaseFile(new TextEncoder().encode(text))).toEqual({ text });
  });

  it('refuses a GBK export, naming the line of the first byte that is not UTF-8', () => {
    const gbk = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]); // 张三 in GBK
    const bytes = Buffer.concat([Buffer.from(`${line()}\n{"staff":"`), gbk, Buffer.from('"}\n')]);
    expect(decodeCaseFile(bytes)).toEqual({ notUtf8AtLine: 2 });
  });
});

describe('checking a backfill file before anything is stored', () => {
  it('names the line and field of text the event store cannot keep (NUL, an unpaired surrogate)', () => {
    const text = [line(), line({}, { staff: { id: 'S-1', name: '李\u0000明' } }), line({}, { window: { code: 'W1', name: '窗口\ud800' } })].join('\n');
    const { events, problems } = parseCaseLines(text);
    expect(events.map((event) => event.line)).toEqual([1]);
    expect(problems).toEqual([
      { line: 2, field: 'case.staff.name', message: expect.stringContaining('NUL') },
      { line: 3, field: 'case.window.name', message: expect.stringContaining('NUL') },
    ]);
  });
});
