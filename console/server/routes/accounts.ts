import type { Context } from 'hono';
import { Hono } from 'hono';
import * as v from 'valibot';
import type { ExistingAccount } from '../../../core/access/account/state.ts';
import { roleNames, staffRoles } from '../../../core/access/roles.ts';
import { normalizeUsername, USERNAME_PATTERN } from '../../../core/access/account/stream.ts';
import { createAccount, disableAccount, loadAccount, lockAccount, unlockAccount } from '../../../core/access/service.ts';
import type { AccountState } from '../../../core/access/account/state.ts';
import { idempotencyKey, readBody, staffCommand } from '../body.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { DomainError } from '../../../core/shared/errors.ts';
import { PASSWORD_MAX_LENGTH } from '../../../core/access/passwords.ts';
import { staffRoute } from '../openapi.ts';
import { instantSchema } from '../../../core/shared/instant.ts';
import { maskFreeText } from '../../../core/pii/mask.ts';

const CreateAccountSchema = v.strictObject({
  username: v.pipe(v.string(), v.trim(), v.toLowerCase(), v.regex(/^[a-z0-9][a-z0-9._-]{2,63}$/)),
  displayName: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(50)),
  role: v.picklist(staffRoles),
  department: v.nullable(v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9_-]{1,32}$/))),
  password: v.pipe(v.string(), v.maxLength(PASSWORD_MAX_LENGTH)),
});
const DisableSchema = v.strictObject({ reason: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500), v.transform(maskFreeText)) });
const LockSchema = v.strictObject({ until: v.nullable(instantSchema()) });

const notFound = () => new DomainError('ACCOUNT_NOT_FOUND', '账号不存在', { status: 404, details: { en: 'No such account.' } });

/** The account a path names: a username as accounts are created with, or no such account. */
const accountIdOf = (c: Context): string => {
  const id = normalizeUsername(c.req.param('id') ?? '');
  if (!USERNAME_PATTERN.test(id)) throw notFound();
  return id;
};

/** What an administrator sees of an account: never the hash, the name only masked. */
const view = (state: AccountState) => {
  if (state.status === 'none') throw notFound();
  const account: ExistingAccount = state;
  return {
    id: account.accountId,
    username: account.username,
    displayNameMasked: account.displayNameMasked,
    role: account.role,
    roleName: roleNames[account.role],
    department: account.department,
    status: account.status,
    lockedUntil: account.lock === null ? null : (account.lock.until ?? 'until_unlocked'),
    consecutiveFailures: account.consecutiveFailures,
  };
};

/** 账号管理 (administrators only): create, read, lock, unlock, disable. Every change takes an Idempotency-Key. */
export const accountRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  app.use('*', requirePermission('account.manage'));

  app.post('/', staffRoute({ tag: 'accounts', summary: '新建账号 Create an account', body: CreateAccountSchema, idempotent: true, status: 201, problems: [409] }), async (c) => {
    const principal = principalOf(c);
    const key = idempotencyKey(c);
    const input = await readBody(c, CreateAccountSchema);
    // The request's fingerprint leaves out the password and the name (it is kept with the events).
    const command = staffCommand(c, principal.accountId, key, { username: input.username, role: input.role, department: input.department });
    const id = await createAccount(deps.access, { id: principal.accountId, role: principal.role }, input, command);
    return c.json({ account: view(await loadAccount(deps.store, id)) }, 201);
  });

  app.get('/:id', staffRoute({ tag: 'accounts', summary: 'One account', problems: [404] }), async (c) => c.json({ account: view(await loadAccount(deps.store, accountIdOf(c))) }));

  app.post('/:id/unlock', staffRoute({ tag: 'accounts', summary: 'Unlock an account', idempotent: true, problems: [404, 409] }), async (c) => {
    const principal = principalOf(c);
    const state = await unlockAccount(deps.access, principal, accountIdOf(c), staffCommand(c, principal.accountId, idempotencyKey(c)));
    return c.json({ account: view(state) });
  });

  app.post('/:id/lock', staffRoute({ tag: 'accounts', summary: 'Lock an account', body: LockSchema, idempotent: true, problems: [404, 409] }), async (c) => {
    const principal = principalOf(c);
    const key = idempotencyKey(c);
    const { until } = await readBody(c, LockSchema);
    const state = await lockAccount(deps.access, principal, accountIdOf(c), until === null ? null : new Date(until), staffCommand(c, principal.accountId, key, { until }));
    return c.json({ account: view(state) });
  });

  app.post('/:id/disable', staffRoute({ tag: 'accounts', summary: 'Disable an account', body: DisableSchema, idempotent: true, problems: [404, 409] }), async (c) => {
    const principal = principalOf(c);
    const key = idempotencyKey(c);
    const { reason } = await readBody(c, DisableSchema);
    const state = await disableAccount(deps.access, principal, accountIdOf(c), reason, staffCommand(c, principal.accountId, key, { reason }));
    return c.json({ account: view(state) });
  });

  return app;
};
