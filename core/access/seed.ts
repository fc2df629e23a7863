import * as v from 'valibot';
import type { StaffRole } from './roles.ts';
import type { AccessDeps } from './service.ts';
import { createAccount } from './service.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.ts';

/**
 * Demo accounts for `npm start --demo`: one per role, two departments' handlers (so department
 * scoping can be seen), and one rated window officer whose username is their 工号 as in the demo
 * ratings. Department codes follow the demo data (SCJ 市场监管局, RSJ 人社局, ZSJ 政数局).
 */
export const demoAccounts: readonly { username: string; displayName: string; role: StaffRole; department: string | null }[] = [
  { username: 'admin', displayName: '系统管理员', role: 'administrator', department: null },
  { username: 'dispatcher', displayName: '派单员', role: 'dispatcher', department: 'ZSJ' },
  { username: 'handler-scj', displayName: '市场监管局经办人', role: 'department_handler', department: 'SCJ' },
  { username: 'handler-rsj', displayName: '人社局经办人', role: 'department_handler', department: 'RSJ' },
  { username: 'callback', displayName: '回访专员', role: 'callback_officer', department: 'ZSJ' },
  { username: 'wglead', displayName: '工作专班负责人', role: 'working_group_lead', department: 'ZSJ' },
  { username: 'auditor', displayName: '审计员', role: 'auditor', department: null },
  { username: 'appraisal', displayName: '考核专员', role: 'appraisal_officer', department: null },
  { username: 'staff-0412', displayName: '窗口工作人员', role: 'rated_staff', department: 'SCJ' },
];

/**
 * The demo password comes from configuration (e.g. PINGGAI_DEMO_PASSWORD), never from code; the
 * composition root parses it with this schema so a missing or weak one fails fast by name.
 */
export const DemoPasswordSchema = v.pipe(
  v.string('PINGGAI_DEMO_PASSWORD is required for --demo'),
  v.minLength(PASSWORD_MIN_LENGTH, `PINGGAI_DEMO_PASSWORD must be at least ${PASSWORD_MIN_LENGTH} characters`),
  v.maxLength(PASSWORD_MAX_LENGTH, `PINGGAI_DEMO_PASSWORD must be at most ${PASSWORD_MAX_LENGTH} characters`),
);

/**
 * Creates the demo accounts that do not exist yet. Idempotent (command ids `seed:<username>`), so a
 * restart of `npm start --demo` changes nothing. Returns the usernames, never the password.
 */
export const seedDemoAccounts = async (
  deps: AccessDeps,
  options: { password: string; accounts?: typeof demoAccounts },
): Promise<string[]> => {
  const password = v.parse(DemoPasswordSchema, options.password);
  const actor = { id: 'system:demo-seed', role: 'system' };
  const created: string[] = [];
  for (const account of options.accounts ?? demoAccounts) {
    const existing = await deps.store.readStream(`account-${account.username}`);
    if (existing.length > 0) continue;
    created.push(await createAccount(deps, actor, { ...account, password }, { commandId: `seed:${account.username}` }));
  }
  return created;
};
