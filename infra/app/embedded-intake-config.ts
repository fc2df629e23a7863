import type { IntakeConfig } from '../../intake-edge/config.ts';
import { parseIntakeConfig } from '../../intake-edge/config.ts';
import { demoIntakeHalls } from '../demo/world.ts';
import type { EmbeddedSecrets } from './secrets.node.ts';

/**
 * Intake configuration for the embedded stack: the pilot's four halls with their windows and matters
 * (for the static window QR codes), links on this machine, secrets from the data folder.
 */
export const embeddedIntakeConfig = (options: { publicBaseUrl: string; secrets: EmbeddedSecrets; signName?: string; trustedProxyHops?: number }): IntakeConfig =>
  parseIntakeConfig({
    publicBaseUrl: options.publicBaseUrl,
    trustedProxyHops: options.trustedProxyHops ?? 0,
    sms: { signName: options.signName ?? '咸安政务' },
    linkTokens: options.secrets.linkTokens,
    caseSystems: options.secrets.caseSystems,
    halls: demoIntakeHalls(),
  });
