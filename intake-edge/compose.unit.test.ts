import { describe, expect, it } from 'vitest';
import { createLocalBlobStore } from '../core/blobs/local.node.ts';
import { composeIntake } from './compose.ts';

describe('the intake composition root', () => {
  it('stops on a PORT that is not a port number, naming it, before it connects to anything', () => {
    const blobs = createLocalBlobStore({ root: '/nonexistent' });
    for (const port of ['abc', '0', '65536', '80.5', ' 8080']) {
      expect(() => composeIntake({ PORT: port }, { blobs }), port).toThrow(`PORT must be a port number (1–65535), not "${port}"`);
    }
    // A good PORT passes that check; the next missing variable is named.
    expect(() => composeIntake({ PORT: '8787' }, { blobs })).toThrow(/PINGGAI_DATABASE_URL/);
  });

  it('stops on a PINGGAI_SMS it cannot use, or whose sign name is not the one each invitation is checked to fit one segment with', () => {
    const blobs = createLocalBlobStore({ root: '/nonexistent' });
    const env = {
      PINGGAI_DATABASE_URL: 'postgres://pinggai@127.0.0.1:1/pinggai',
      PINGGAI_INTAKE_CONFIG: JSON.stringify({
        publicBaseUrl: 'https://pj.xianan.gov.cn',
        sms: { signName: '咸安政务' },
        linkTokens: { active: 'a', keys: { a: 'link-token-secret-0123456789abcdefghij' } },
        caseSystems: [{ system: 'zwfw', keys: { 'zwfw-1': 'case-system-secret-0123456789abcdef' } }],
      }),
    };
    const aliyun = { provider: 'aliyun', accessKeyId: 'LTAI-x', accessKeySecret: 'secret', templates: { invitation: 'SMS_123456' } };
    expect(() => composeIntake({ ...env, PINGGAI_SMS: '{oops' }, { blobs })).toThrow(/PINGGAI_SMS is not valid JSON/);
    expect(() => composeIntake({ ...env, PINGGAI_SMS: JSON.stringify({ provider: 'sendgrid' }) }, { blobs })).toThrow(/PINGGAI_SMS: provider/);
    expect(() => composeIntake({ ...env, PINGGAI_SMS: JSON.stringify({ ...aliyun, signName: '咸安政务', templates: { invitation: 'x' } }) }, { blobs })).toThrow(
      /PINGGAI_SMS: templates\.invitation/,
    );
    // The provider sends 【咸安区政务服务中心】, five characters more than the invitations were checked with.
    expect(() => composeIntake({ ...env, PINGGAI_SMS: JSON.stringify({ ...aliyun, signName: '咸安区政务服务中心' }) }, { blobs })).toThrow(
      'PINGGAI_SMS signName "咸安区政务服务中心" differs from PINGGAI_INTAKE_CONFIG sms.signName "咸安政务"',
    );
    // The provider sends its approved template, not our text: every message the intake sends needs one,
    // and invitations at earlier stages (一事多评) their own, which must not say the case is done.
    expect(() => composeIntake({ ...env, PINGGAI_SMS: JSON.stringify({ ...aliyun, signName: '咸安政务' }) }, { blobs })).toThrow(
      'PINGGAI_SMS.templates: no aliyun template for invitation_reminder (the intake sends them)',
    );
    const staged = JSON.parse(env.PINGGAI_INTAKE_CONFIG) as Record<string, unknown>;
    const stagedEnv = { ...env, PINGGAI_INTAKE_CONFIG: JSON.stringify({ ...staged, invitations: { alsoAtStages: ['accepted'] } }) };
    const both = { ...aliyun, signName: '咸安政务', templates: { invitation: 'SMS_123456', invitation_reminder: 'SMS_123457' } };
    expect(() => composeIntake({ ...stagedEnv, PINGGAI_SMS: JSON.stringify(both) }, { blobs })).toThrow(/no aliyun template for invitation_stage/);
  });
});
