import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { instantSchema, isRealInstant } from './instant.ts';

describe('instants', () => {
  it('a timestamp of the right shape must also name a real moment', () => {
    for (const real of ['2025-10-31T09:30:00+08:00', '2024-02-29T00:00:00Z', '2025-12-31 23:59:59.999999999Z', '2025-10-31T09:30:00+0800']) {
      expect(v.safeParse(instantSchema(), real).success, real).toBe(true);
    }
    for (const unreal of ['2025-02-29T10:00:00+08:00', '2025-02-30T10:00:00Z', '2025-04-31T10:00:00Z', '0000-01-01T00:00:00Z', '2025-10-31T09:30:00+08']) {
      expect(isRealInstant(unreal), unreal).toBe(false);
    }
  });

  it('one issue per field, with the message given', () => {
    for (const text of ['2025-02-30T10:00:00+08:00', 'yesterday']) {
      const result = v.safeParse(instantSchema('when it happened'), text);
      expect(result.issues?.map((issue) => issue.message), text).toEqual(['when it happened']);
    }
  });
});
