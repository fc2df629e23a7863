import { handleCommand } from '../decider/command-handler.ts';
import { accountDecider } from './account/decider.ts';
import { accountStreamId } from './account/stream.ts';
import { demoAccounts } from './seed.ts';
import type { AccessDeps } from './service.ts';
import { loadAccount, requiresSecondFactor } from './service.ts';
import { newTotpSecret, totpUri } from './totp.ts';

export interface DemoTotpSecret {
  readonly secret: string;
  readonly uri: string;
}

/**
 * For `npm start --demo` and the browser tests: the demo accounts that need TOTP are enrolled
 * (already confirmed, by the seeding system) with fresh secrets, so that anyone can sign in with an
 * authenticator app or `totpCodeAt`. Idempotent: an account already enrolled keeps its secret,
 * which the caller passes back in `known` (from the key file it wrote the first time).
 * Returns every demo TOTP secret it knows, by username; the caller keeps them beside the password.
 */
export const seedDemoTotp = async (
  deps: AccessDeps,
  options: { known?: Readonly<Record<string, DemoTotpSecret>>; accounts?: typeof demoAccounts } = {},
): Promise<{ secrets: Record<string, DemoTotpSecret>; enrolled: string[]; unknown: string[] }> => {
  const actor = { id: 'system:demo-seed', role: 'system' };
  const secrets: Record<string, DemoTotpSecret> = {};
  const enrolled: string[] = [];
  const unknown: string[] = [];
  for (const account of options.accounts ?? demoAccounts) {
    if (!requiresSecondFactor(deps, account.role)) continue;
    const state = await loadAccount(deps.store, account.username);
    if (state.status === 'none') continue;
    if (state.totp?.status === 'confirmed') {
      const known = options.known?.[account.username];
      if (known) secrets[account.username] = known;
      else unknown.push(account.username);
      continue;
    }
    const secret = newTotpSecret();
    const now = deps.clock.now();
    await handleCommand(
      deps.store,
      accountStreamId(account.username),
      accountDecider,
      { type: 'EnrolTotp', at: now, actor, secret: await deps.vault.seal(secret, 'totp_secret'), confirmed: true },
      { commandId: deps.newId(), actor, now },
    );
    secrets[account.username] = { secret, uri: totpUri(secret, account.username) };
    enrolled.push(account.username);
  }
  return { secrets, enrolled, unknown };
};
