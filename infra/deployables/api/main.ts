/**
 * The API + console deployable: the staff API (warnings, dashboards, audit, scorecards) and the built
 * staff console at /console. Stateless apart from sessions in Postgres; horizontally scaled.
 * `PINGGAI_DEMO_PASSWORD` (trials and `npm run start:cluster` only) seeds the demo accounts.
 */
import { fileURLToPath } from 'node:url';
import { seedDemoAccounts } from '../../../core/access/seed.ts';
import { createOidcSignIn, parseOidcEnv } from '../../../core/access/oidc.ts';
import { accessOf, createStaffHttp } from '../../app/application.ts';
import { blobsOf } from '../shared.ts';
import { runDeployable } from '../runtime.ts';

await runDeployable('api', async (context) => {
  const { store, db, vault, now, log, env } = context;
  const access = accessOf({ store, db, vault, clock: { now } });
  const oidc = parseOidcEnv(process.env);
  const staff = createStaffHttp({
    access,
    store,
    db,
    blobs: blobsOf(context),
    clock: { now },
    log,
    ...(oidc ? { oidc: createOidcSignIn(oidc) } : {}),
    consoleDist: env.consoleDist ?? fileURLToPath(new URL('../../../console/dist', import.meta.url)),
  });
  context.onClose({ name: 'session sweep', close: () => staff.stop() });
  const demoPassword = process.env.PINGGAI_DEMO_PASSWORD?.trim();
  if (demoPassword) {
    const created = await seedDemoAccounts(access, { password: demoPassword });
    log(`PINGGAI_DEMO_PASSWORD: demo accounts ${created.length > 0 ? `created: ${created.join(', ')}` : 'already present'}`);
  }
  return { routes: staff.app };
});
