import { describe, expect, it } from 'vitest';
import { addressBucket } from './client-address.ts';
import { staticQrSigning } from './device.ts';
import { minutesLeftInWindow } from './rate-limit.ts';

const keys = { active: 'b', keys: { a: 'old-link-token-secret-0123456789abcdef', b: 'new-link-token-secret-0123456789abcdef' } };

describe('the static-QR device cookie', () => {
  const signing = staticQrSigning(keys);
  const id = 'Dev1ce0000000000000000';

  it('gives back the id of a cookie it signed, under the active key or an older one', () => {
    expect(signing.deviceOf(signing.deviceCookie(id))).toBe(id);
    const older = staticQrSigning({ ...keys, active: 'a' }).deviceCookie(id);
    expect(signing.deviceOf(older)).toBe(id);
  });

  it('refuses a missing, made-up, tampered or unknown-key cookie', () => {
    const cookie = signing.deviceCookie(id);
    for (const forged of [undefined, '', id, `${cookie}x`, `${cookie.slice(0, 5)}X${cookie.slice(6)}`, `z${cookie.slice(1)}`, `b${'A'.repeat(38)}`]) {
      expect(signing.deviceOf(forged)).toBeNull();
    }
  });

  it('keeps client addresses out of the counters: a keyed pseudonym per address', () => {
    expect(signing.addressTag('203.0.113.7')).toMatch(/^[0-9a-f]{32}$/);
    expect(signing.addressTag('203.0.113.7')).not.toBe(signing.addressTag('203.0.113.8'));
  });
});

describe('addressBucket: what counts as one client', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['203.0.113.7:51234', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['0:0:0:0:0:ffff:cb00:7107', '203.0.113.7'],
    ['2001:db8:1:2::a', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:ffff:eeee:dddd:cccc', '2001:db8:1:2::/64'],
    ['[2001:db8:1:2::a]:443', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s → %s', (address, bucket) => {
    expect(addressBucket(address)).toBe(bucket);
  });
});

describe('minutesLeftInWindow', () => {
  it('counts to the end of the hour, at least one minute', () => {
    expect(minutesLeftInWindow(new Date('2025-10-31T01:30:00Z'))).toBe(30);
    expect(minutesLeftInWindow(new Date('2025-10-31T01:59:59Z'))).toBe(1);
    expect(minutesLeftInWindow(new Date('2025-10-31T02:00:00Z'))).toBe(60);
  });
});
