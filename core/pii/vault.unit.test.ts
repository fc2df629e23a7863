import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.ts';
import { destroyPiiKey, generatePiiKeyring, rotatePiiKeyring } from './keyring.ts';
import type { SealedPii } from './vault.ts';
import { createPiiVault } from './vault.ts';

const code = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('PII vault', () => {
  const keyring = generatePiiKeyring();
  const vault = createPiiVault({ keyring });

  it('seals to a compact JSON value and opens it back', async () => {
    const sealed = await vault.seal('13812341234', 'phone');
    expect(Object.keys(sealed).sort()).toEqual(['ct', 'iv', 'kid', 'v']);
    expect(sealed).toMatchObject({ v: 1, kid: 'k1' });
    expect(sealed.iv).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const roundTripped = JSON.parse(JSON.stringify(sealed)) as SealedPii;
    expect(await vault.open(roundTripped, 'phone')).toBe('13812341234');
    expect(await vault.open(await vault.seal('张三丰', 'name'), 'name')).toBe('张三丰');
  });

  it('never lets the digits of a phone number through into the sealed output', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^1[3-9]\d{9}$/), async (phone) => {
        const text = JSON.stringify(await vault.seal(phone, 'phone'));
        // No run of 7 consecutive digits of the number (the part masking hides) appears, nor the whole.
        for (let i = 0; i + 7 <= phone.length; i++) expect(text).not.toContain(phone.slice(i, i + 7));
      }),
      { numRuns: 300 },
    );
  });

  it('uses a fresh IV each time, so equal numbers do not give equal ciphertexts', async () => {
    const a = await vault.seal('13812341234', 'phone');
    const b = await vault.seal('13812341234', 'phone');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it('binds the kind: a sealed name does not open as a phone', async () => {
    const name = await vault.seal('13812341234', 'name');
    expect(await code(vault.open(name, 'phone'))).toBe('PII_SEALED_INVALID');
  });

  it('refuses a tampered ciphertext and a malformed value with PII_SEALED_INVALID', async () => {
    const sealed = await vault.seal('13812341234', 'phone');
    const flipped = sealed.ct[0] === 'A' ? `B${sealed.ct.slice(1)}` : `A${sealed.ct.slice(1)}`;
    expect(await code(vault.open({ ...sealed, ct: flipped }, 'phone'))).toBe('PII_SEALED_INVALID');
    expect(await code(vault.open({ v: 1, kid: 'k1', iv: 'x', ct: 'y' }, 'phone'))).toBe('PII_SEALED_INVALID');
    expect(await code(vault.open({ ...sealed, v: 2 } as unknown as SealedPii, 'phone'))).toBe('PII_SEALED_INVALID');
  });

  it('blind index: equal for equal values, different per kind and per value, never the plain text', async () => {
    const a = await vault.blindIndex('13812341234', 'phone');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await vault.blindIndex('13812341234', 'phone')).toBe(a);
    expect(await vault.blindIndex('13812341234', 'name')).not.toBe(a);
    expect(await vault.blindIndex('13812341235', 'phone')).not.toBe(a);
    // A different deployment (another index key) cannot link the same person.
    expect(await createPiiVault({ keyring: generatePiiKeyring() }).blindIndex('13812341234', 'phone')).not.toBe(a);
  });

  it('rotation: old values still open, new ones use the new key, reseal moves them, the blind index stays', async () => {
    const old = await vault.seal('13812341234', 'phone');
    const rotated = createPiiVault({ keyring: rotatePiiKeyring(keyring) });
    expect(rotated.activeKid).toBe('k2');
    expect(await rotated.open(old, 'phone')).toBe('13812341234');
    expect(rotated.needsReseal(old)).toBe(true);
    const moved = await rotated.reseal(old, 'phone');
    expect(moved.kid).toBe('k2');
    expect(rotated.needsReseal(moved)).toBe(false);
    expect(await rotated.reseal(moved, 'phone')).toBe(moved);
    expect(await rotated.open(moved, 'phone')).toBe('13812341234');
    expect(await rotated.blindIndex('13812341234', 'phone')).toBe(await vault.blindIndex('13812341234', 'phone'));
  });

  it('crypto-shredding: after its key is destroyed a value fails with PII_KEY_DESTROYED; other keys still open', async () => {
    const beforeRotation = await vault.seal('13812341234', 'phone');
    const rotatedRing = rotatePiiKeyring(keyring);
    const afterRotation = await createPiiVault({ keyring: rotatedRing }).seal('13900000000', 'phone');
    const shredded = createPiiVault({ keyring: destroyPiiKey(rotatedRing, 'k1') });
    expect(await code(shredded.open(beforeRotation, 'phone'))).toBe('PII_KEY_DESTROYED');
    expect(await shredded.open(afterRotation, 'phone')).toBe('13900000000');
    // The record that carried it is untouched: the sealed value is still a well-formed JSON value.
    expect(JSON.parse(JSON.stringify(beforeRotation))).toEqual(beforeRotation);
  });

  it('a value sealed under a key this keyring never had is PII_KEY_UNKNOWN, not "destroyed"', async () => {
    const foreign = await createPiiVault({ keyring: generatePiiKeyring('zz') }).seal('13812341234', 'phone');
    expect(await code(vault.open(foreign, 'phone'))).toBe('PII_KEY_UNKNOWN');
  });
});
