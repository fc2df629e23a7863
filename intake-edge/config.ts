import * as v from 'valibot';
import { caseStages } from '../core/case/types.ts';
import { invitationSmsText } from '../core/invitation/sms-text.ts';

const secret = v.pipe(v.string(), v.minLength(32, 'secrets must have at least 32 characters'));
const codeName = v.object({ code: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/)), name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)) });
const slug = v.pipe(v.string(), v.regex(/^[a-z0-9_]{1,40}$/));

/** A matter as offered at a window for a static-QR rating (one tap). */
const windowMatter = v.object({ ...codeName.entries, type: slug });

export const IntakeConfigSchema = v.object({
  /** Where citizens open links, e.g. https://pj.xianan.gov.cn (no trailing slash). */
  publicBaseUrl: v.pipe(v.string(), v.url(), v.regex(/^https?:\/\/[^/]+$/, 'scheme and host only, no path or trailing slash')),
  sms: v.object({ signName: v.pipe(v.string(), v.minLength(2), v.maxLength(12)) }),
  linkTokens: v.object({ active: v.pipe(v.string(), v.regex(/^[0-9A-Za-z]$/)), keys: v.record(v.pipe(v.string(), v.regex(/^[0-9A-Za-z]$/)), secret) }),
  /** 办件系统: each system signs with keys of its own; a key id names exactly one system. */
  caseSystems: v.pipe(
    v.array(v.object({ system: v.pipe(v.string(), v.regex(/^[a-z0-9_]{1,32}$/)), keys: v.record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/)), secret) })),
    v.minLength(1),
  ),
  /** Accepted difference between a signed request's timestamp and our clock. */
  clockSkewSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(900)), 300),
  invitations: v.optional(
    v.object({
      expiresAfterHours: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(24 * 90)), 24 * 7),
      remindAfterHours: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(24 * 30)), 24),
      /** 一事多评: stages besides completion that also invite a rating. */
      alsoAtStages: v.optional(v.array(v.picklist(caseStages.filter((stage) => stage !== 'concluded') as ['accepted', 'in_progress'])), []),
    }),
    {},
  ),
  /** Halls and windows with static QR codes, and the matters each window handles. */
  halls: v.optional(
    v.array(
      v.object({
        ...codeName.entries,
        regionCode: v.pipe(v.string(), v.regex(/^\d{6}(\d{6})?$/)),
        windows: v.array(v.object({ ...codeName.entries, department: codeName, matters: v.pipe(v.array(windowMatter), v.minLength(1)) })),
      }),
    ),
    [],
  ),
  /**
   * Static-QR scans that may become an invitation, per hour and window: from one device (the signed
   * `pg_dev` cookie), from one client address (generous: a hall's Wi-Fi or a carrier NAT is shared by
   * many honest citizens; IPv6 counts per /64), and from everyone together (a ceiling against floods:
   * rating at that window pauses until the hour is over, and a warning is logged).
   */
  staticQr: v.optional(
    v.object({
      scansPerDevicePerWindowPerHour: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 3),
      scansPerAddressPerWindowPerHour: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 30),
      scansPerWindowPerHour: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 180),
    }),
    {},
  ),
  /**
   * How many reverse proxies in front of the intake append the client address to X-Forwarded-For.
   * 0 (the default): the intake faces citizens directly and the address is the connection's; the
   * header is ignored, as anyone can send it. n: the address is the n-th entry from the right.
   */
  trustedProxyHops: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(5)), 0),
  uploads: v.optional(
    v.object({
      maxFiles: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(9)), 3),
      maxBytesPerFile: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1024)), 20 * 1024 * 1024),
    }),
    {},
  ),
});

export type IntakeConfig = v.InferOutput<typeof IntakeConfigSchema>;

/**
 * Parses intake configuration once, failing fast with the names of the bad settings, and checks
 * that an invitation SMS with the longest token fits one segment with this sign name and base URL.
 */
export const parseIntakeConfig = (input: unknown): IntakeConfig => {
  const result = v.safeParse(IntakeConfigSchema, input);
  if (!result.success) {
    throw new Error(`intake configuration: ${result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`).join('; ')}`);
  }
  const config = result.output;
  if (!config.linkTokens.keys[config.linkTokens.active]) throw new Error('intake configuration: linkTokens.active names no key in linkTokens.keys');
  const link = `${config.publicBaseUrl}/e/${'x'.repeat(23)}`;
  for (const kind of ['invite', 'invite_stage', 'remind'] as const) invitationSmsText({ signName: config.sms.signName, link, kind });
  return config;
};
