import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.ts';
import { destroyPiiKey, generatePiiKeyring, piiKeyringFromEnv, rotatePiiKeyring } from './keyring.ts';

const refusal = (run: () => unknown): DomainError => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

const key32 = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

describe('PII keyring from PINGGAI_PII_KEYS', () => {
  it('parses a valid keyring', () => {
    const ring = piiKeyringFromEnv({ PINGGAI_PII_KEYS: JSON.stringify({ active: 'k1', keys: { k1: key32 }, index: key32 }) });
    expect(ring.active).toBe('k1');
  });

  it.each([
    ['missing', undefined, 'PINGGAI_PII_KEYS is not set'],
    ['not JSON', '{active', 'not valid JSON'],
    ['short key', JSON.stringify({ active: 'k1', keys: { k1: btoa('short') }, index: key32 }), 'keys.k1: must be base64 of exactly 32 bytes'],
    ['active not in keys', JSON.stringify({ active: 'k9', keys: { k1: key32 }, index: key32 }), 'active: the active key id must be one of keys'],
    ['no index key', JSON.stringify({ active: 'k1', keys: { k1: key32 } }), 'index'],
    ['unknown field', JSON.stringify({ active: 'k1', keys: { k1: key32 }, index: key32, extra: 1 }), 'extra'],
  ])('fails fast naming the variable and the field: %s', (_name, raw, fragment) => {
    const error = refusal(() => piiKeyringFromEnv({ PINGGAI_PII_KEYS: raw }));
    expect(error.code).toBe('PII_CONFIG_INVALID');
    expect(error.message).toContain('PINGGAI_PII_KEYS');
    // Chinese first (the message), English beside it (details.en, what ?lang=en and the start-up log show).
    expect(error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(error.details['en']).toContain(fragment);
  });

  it('rotation adds a fresh active key; destroying the active key is refused', () => {
    const ring = rotatePiiKeyring(generatePiiKeyring());
    expect(ring.active).toBe('k2');
    expect(Object.keys(ring.keys).sort()).toEqual(['k1', 'k2']);
    expect(refusal(() => destroyPiiKey(ring, 'k2')).code).toBe('PII_CONFIG_INVALID');
    const shredded = destroyPiiKey(ring, 'k1');
    expect(Object.keys(shredded.keys)).toEqual(['k2']);
    expect(shredded.destroyed).toEqual(['k1']);
    // A destroyed id is never reused by a later rotation.
    expect(rotatePiiKeyring(shredded).active).toBe('k3');
  });
});
