import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { instantSchema, isRealInstant } from './instant.ts';

describe('instants', () => {
  it('a timestamp of the right shape must also name a real moment, as Postgres and Date both read it', () => {
    for (const real of ['2025-10-31T09:30:00+08:00', '2024-02-29T00:00:00Z', '2025-12-31 23:59:59.999999999Z', '2025-10-31T09:30:00+0800', '2025-10-31T09:30:00+14:00', '2025-10-31T09:30:00-12:00']) {
      expect(v.safeParse(instantSchema(), real).success, real).toBe(true);
    }
    for (const unreal of [
      '2025-02-29T10:00:00+08:00',
      '2025-02-30T10:00:00Z',
      '2025-04-31T10:00:00Z',
      '0000-01-01T00:00:00Z',
      '2025-10-31T09:30:00+08', // Date cannot read an offset without minutes
      '2025-10-31T09:30:00+16:00', // Postgres refuses offsets past 15 hours
      '2025-10-31T09:30:00-13:00',
    ]) {
      expect(isRealInstant(unreal), unreal).toBe(false);
      expect(v.safeParse(instantSchema(), unreal).success, unreal).toBe(false);
    }
  });

  it('one issue per field, with the message given', () => {
    for (const text of ['2025-02-30T10:00:00+08:00', '2025-13-01T00:00:00Z', '2025-02-30T10:00Z', 'yesterday', '2025-10-31T09:30:00+20:00']) {
      const result = v.safeParse(instantSchema('when it happened'), text);
      expect(result.issues?.map((issue) => issue.message), text).toEqual(['when it happened']);
    }
  });
});
