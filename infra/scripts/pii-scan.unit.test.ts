import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs script without type declarations
import { findPlainMobiles, scanPaths } from './pii-scan.mjs';

type Hit = { line: number; column: number; number: string };
type Scan = { files: number; findings: { file: string; line: number; column: number; masked: string }[] };
const find = findPlainMobiles as (text: string) => Hit[];
const scan = scanPaths as (targets: string[]) => Scan;

describe('pii scan', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pinggai-pii-scan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a plain mobile number, bare, in JSON, or with +86, and says where', () => {
    expect(find('{"phone":"13812341234"}')).toEqual([{ line: 1, column: 11, number: '13812341234' }]);
    expect(find('ok\ncall +86 19912345678 now').map((h) => [h.line, h.number])).toEqual([[2, '19912345678']]);
    expect(find('(7,rating-1,"{""evaluator"": {""phone"": ""15000000000""}}")')).toHaveLength(1);
    expect(find('电话.13812341234').map((h) => h.number)).toEqual(['13812341234']);
  });

  it('leaves masked numbers, ciphertext, ids, timestamps and other numbers alone', () => {
    const clean = [
      '138****1234',
      '{"v":1,"kid":"k1","iv":"aB3_x9-QwErTy12","ct":"Zx13812341234Qr"}',
      '1732812345678',
      '2026-11-28T17:03:41.123Z',
      '0c9e1381-2341-4abc-9def-113812341234',
      '12345',
      '12812341234',
      'sha:a13812341234b',
      '{"duration":92807.14898400001}',
    ].join('\n');
    expect(find(clean)).toEqual([]);
  });

  it('fails a dump with one planted phone, reporting file and line with the number masked', () => {
    writeFileSync(path.join(dir, 'clean.sql.txt'), '-- "public"."events"\n(1,"{""sealed"": {""v"": 1}}")\n');
    writeFileSync(path.join(dir, 'leak.log'), 'line one\nsms to 13700001111 sent\n');
    const result = scan([dir]);
    expect(result.files).toBe(2);
    expect(result.findings).toEqual([{ file: path.join(dir, 'leak.log'), line: 2, column: 8, masked: '137****1111' }]);
    rmSync(path.join(dir, 'leak.log'));
    expect(scan([dir]).findings).toEqual([]);
  });
});
