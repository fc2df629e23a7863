import { describe, expect, it } from 'vitest';
import { invitationSmsText, smsSegmentChars } from './sms-text.ts';
import { createLinkTokens, invitationIdFor, randomInvitationId } from './token.ts';

const tokens = createLinkTokens({ active: 'a', keys: { a: 'x'.repeat(32), b: 'y'.repeat(32) } });

describe('link tokens', () => {
  it('are at most 24 characters of base62/base64url and verify back to the invitation id', async () => {
    const id = await invitationIdFor('zwfw:BJ-1', 'case_completed');
    const token = await tokens.issue(id);
    expect(token.length).toBeLessThanOrEqual(24);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await tokens.verify(token)).toBe(id);
  });

  it('reject any single-character change, truncation or unknown key', async () => {
    const id = randomInvitationId();
    const token = await tokens.issue(id);
    for (let i = 0; i < token.length; i++) {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
      const replacement = alphabet[(alphabet.indexOf(token[i]!) + 1) % alphabet.length]!;
      const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
      expect(await tokens.verify(tampered)).toBeNull();
    }
    expect(await tokens.verify(token.slice(0, -1))).toBeNull();
    expect(await tokens.verify(`z${token.slice(1)}`)).toBeNull();
  });

  it('the same case and trigger always give the same invitation id (idempotent issuing)', async () => {
    expect(await invitationIdFor('zwfw:BJ-1', 'case_completed')).toBe(await invitationIdFor('zwfw:BJ-1', 'case_completed'));
    expect(await invitationIdFor('zwfw:BJ-1', 'case_completed')).not.toBe(await invitationIdFor('zwfw:BJ-1', 'stage_accepted'));
  });
});

describe('invitation SMS', () => {
  it('fits one 70-character segment including 【sign name】 with a realistic government base URL', async () => {
    const token = await tokens.issue(randomInvitationId());
    const link = `https://pj.xianan.gov.cn/e/${token}`;
    const invite = invitationSmsText({ signName: '咸安政务服务', link, kind: 'invite' });
    const remind = invitationSmsText({ signName: '咸安政务服务', link, kind: 'remind' });
    expect(invite.full).toBe(`【咸安政务服务】您的办件已办结,请评价:${link}`);
    expect(invite.full.length).toBeLessThanOrEqual(smsSegmentChars);
    expect(remind.full.length).toBeLessThanOrEqual(smsSegmentChars);
  });

  it('refuses a configuration that would need two segments', () => {
    expect(() => invitationSmsText({ signName: '咸安区政务服务和大数据管理局', link: `https://evaluation.very-long-host.example.gov.cn/e/${'a'.repeat(23)}`, kind: 'invite' })).toThrow(/segment/);
  });
});
