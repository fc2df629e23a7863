import type { IntakeConfig } from '../../intake-edge/config.ts';
import { parseIntakeConfig } from '../../intake-edge/config.ts';
import { departmentByCode, halls, regionCode } from '../demo/world.ts';
import type { EmbeddedSecrets } from './secrets.node.ts';

/**
 * Intake configuration for the embedded stack: the pilot's four halls with their windows and matters
 * (for the static window QR codes), links on this machine, secrets from the data folder.
 */
export const embeddedIntakeConfig = (options: { publicBaseUrl: string; secrets: EmbeddedSecrets }): IntakeConfig =>
  parseIntakeConfig({
    publicBaseUrl: options.publicBaseUrl,
    sms: { signName: '咸安政务' },
    linkTokens: options.secrets.linkTokens,
    caseSystems: options.secrets.caseSystems,
    halls: halls.map((hall) => ({
      code: hall.code,
      name: hall.name,
      regionCode,
      windows: hall.windows.map((window) => {
        const department = departmentByCode(window.department);
        return {
          code: window.code,
          name: window.name,
          department: { code: department.code, name: department.name },
          matters: department.matters.map((matter) => ({ code: matter.code, name: matter.name, type: matter.type })),
        };
      }),
    })),
  });
