import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcSignIn, linkSubjectToAccount, parseOidcEnv } from '../../core/access/oidc.ts';
import { totpCodeAt } from '../../core/access/totp.ts';
import { createStaffApi } from './app.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness } from './testing.ts';

/**
 * Single sign-on against a real OpenID Provider (panva's oidc-provider, certified) started in this
 * process on a random port, with its development login form standing in for the government's page.
 */
const redirectUrl = 'http://console.test/api/staff/session/oidc/callback';
const clientSecret = `secret-${crypto.randomUUID()}`;

type Jar = Map<string, string>;
const remember = (jar: Jar, res: Response) => {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    jar.set(pair!.slice(0, at), pair!.slice(at + 1));
  }
};
const cookieHeader = (jar: Jar) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

describe('government single sign-on (统一身份认证, OIDC)', () => {
  let h: StaffApiHarness;
  let server: Server;
  let issuer: string;
  let api: ReturnType<typeof createStaffApi>;
  let oidc: ReturnType<typeof createOidcSignIn>;

  beforeAll(async () => {
    h = await createStaffApiHarness();
    // A free port first: the issuer URL (with the port) is part of the provider's configuration.
    server = await new Promise<Server>((resolve) => {
      const probe: Server = new Provider('http://127.0.0.1', {}).listen(0, '127.0.0.1', () => resolve(probe));
    });
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'pinggai-console', client_secret: clientSecret, redirect_uris: [redirectUrl], grant_types: ['authorization_code'], response_types: ['code'] }],
      pkce: { required: () => true },
      cookies: { keys: [crypto.randomUUID()] },
      // The consent screen is not what is tested: grant openid straight away.
      loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
        grant.addOIDCScope('openid');
        await grant.save();
        return grant;
      },
    });
    server = await new Promise<Server>((resolve) => {
      const listening: Server = provider.listen(Number(new URL(issuer).port), '127.0.0.1', () => resolve(listening));
    });
    const config = parseOidcEnv({
      PINGGAI_OIDC_ISSUER: issuer,
      PINGGAI_OIDC_CLIENT_ID: 'pinggai-console',
      PINGGAI_OIDC_CLIENT_SECRET: clientSecret,
      PINGGAI_OIDC_REDIRECT_URL: redirectUrl,
    })!;
    oidc = createOidcSignIn({ ...config, allowHttp: true });
    api = createStaffApi({ ...h.deps, oidc });
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await h?.close();
  });

  const request = (url: string, init: RequestInit = {}) => api.request(new URL(url, 'http://console.test').href, init);

  /** Start → provider → its login form as `subject` → back at our callback URL (not yet called). */
  const throughProvider = async (subject: string) => {
    const console: Jar = new Map();
    const start = await request('/api/staff/session/oidc/start');
    expect(start.status).toBe(302);
    remember(console, start);
    let location = start.headers.get('location')!;
    const authorize = new URL(location);
    expect(authorize.origin).toBe(issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    const idp: Jar = new Map();
    for (let hops = 0; hops < 12 && !location.startsWith(redirectUrl); hops++) {
      const res = await fetch(new URL(location, issuer), { redirect: 'manual', headers: { cookie: cookieHeader(idp) } });
      remember(idp, res);
      if (res.status >= 300 && res.status < 400) {
        location = res.headers.get('location')!;
        continue;
      }
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error(`no form at ${location}: ${res.status} ${html.slice(0, 300)}`);
      const fields: Record<string, string> = html.includes('name="login"') ? { prompt: 'login', login: subject, password: 'any' } : { prompt: 'consent' };
      const posted = await fetch(new URL(action, issuer), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookieHeader(idp), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
      });
      remember(idp, posted);
      location = posted.headers.get('location')!;
    }
    expect(location.startsWith(redirectUrl)).toBe(true);
    return { callback: location, console };
  };

  it('signs in as the account an administrator linked, through the full redirect flow', async () => {
    const admin = await h.signIn('admin');
    const link = await h.as(admin, 'POST', '/api/staff/session/oidc/links', { accountId: 'dispatcher', subject: 'gov-0001' });
    // The harness's own app has no single sign-on configured.
    expect(link.status).toBe(404);
    const linked = await request('/api/staff/session/oidc/links', {
      method: 'POST',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/json', 'idempotency-key': 'link-gov-0001' },
      body: JSON.stringify({ accountId: 'dispatcher', subject: 'gov-0001' }),
    });
    expect(linked.status).toBe(200);
    expect(await linked.json()).toEqual({ accountId: 'dispatcher', issuer, subject: 'gov-0001' });
    expect((await h.store.readStream('account-dispatcher')).map((e) => e.type)).toContain('OidcSubjectLinked');

    const options = await request('/api/staff/session/options');
    expect(((await options.json()) as { oidc: { label: string } }).oidc.label).toBe('政务统一身份认证登录');

    const { callback, console } = await throughProvider('gov-0001');
    const res = await request(callback, { headers: { cookie: cookieHeader(console) } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { stage: string; account: { id: string } };
    expect(body).toMatchObject({ stage: 'signed_in', account: { id: 'dispatcher' } });
    remember(console, res);
    expect((await request('/api/staff/session/me', { headers: { cookie: cookieHeader(console) } })).status).toBe(200);
    // A browser is sent on to the console instead.
    const again = await throughProvider('gov-0001');
    const browser = await request(again.callback, { headers: { cookie: cookieHeader(again.console), accept: 'text/html' } });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/console/');
  });

  it('refuses a subject no administrator linked, with problem+json, and creates nobody', async () => {
    const { callback, console } = await throughProvider('gov-stranger');
    const res = await request(callback, { headers: { cookie: cookieHeader(console) } });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('OIDC_SUBJECT_UNKNOWN');
    expect(res.headers.getSetCookie().some((line) => line.startsWith('pinggai_staff='))).toBe(false);
    expect(await h.store.readStream('account-gov-stranger')).toEqual([]);
  });

  it('refuses a callback whose state is not the one sent, and a callback without the sign-in step', async () => {
    const { callback, console } = await throughProvider('gov-0001');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-state-we-sent');
    const mismatch = await request(forged.href, { headers: { cookie: cookieHeader(console) } });
    expect(mismatch.status).toBe(401);
    expect(mismatch.headers.get('content-type')).toContain('application/problem+json');
    expect(((await mismatch.json()) as { code: string }).code).toBe('OIDC_STATE_MISMATCH');
    // The step was used up by the failed attempt: the genuine answer cannot be replayed afterwards.
    const replay = await request(callback, { headers: { cookie: cookieHeader(console) } });
    expect(replay.status).toBe(401);
    // Another browser (no step cookie) cannot use someone's callback URL.
    const other = await throughProvider('gov-0001');
    const noCookie = await request(other.callback);
    expect(noCookie.status).toBe(401);
    expect(((await noCookie.json()) as { code: string }).code).toBe('SIGN_IN_STEP_EXPIRED');
  });

  it('still asks a TOTP role for its code (enrolment first) after single sign-on', async () => {
    // As in production: the TOTP roles (totpRequiredRoles) need the code whatever the first factor.
    const withTotp = createStaffApi({ ...h.deps, access: { ...h.deps.access, secondFactorRoles: undefined }, oidc });
    await linkSubjectToAccount(h.deps.access, { accountId: 'admin', role: 'administrator', department: null }, { accountId: 'appraisal', issuer, subject: 'gov-0099' }, { commandId: 'link-gov-0099' });
    const { callback, console } = await throughProvider('gov-0099');
    const res = await withTotp.request(new URL(callback).href, { headers: { cookie: cookieHeader(console) } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { stage: string; enrolment: { secret: string } };
    expect(body.stage).toBe('enrol');
    expect(res.headers.getSetCookie().some((line) => line.startsWith('pinggai_staff='))).toBe(false);
    remember(console, res);
    const signedIn = await withTotp.request('http://console.test/api/staff/session', {
      method: 'POST',
      headers: { cookie: cookieHeader(console), 'content-type': 'application/json' },
      body: JSON.stringify({ code: await totpCodeAt(body.enrolment.secret, h.deps.clock.now()) }),
    });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toMatchObject({ stage: 'signed_in', account: { id: 'appraisal' } });
  });

  it('refuses configuration that is half there, naming what is missing', () => {
    expect(parseOidcEnv({})).toBeNull();
    expect(() => parseOidcEnv({ PINGGAI_OIDC_ISSUER: issuer })).toThrow(/PINGGAI_OIDC_CLIENT_ID is required/);
    expect(() =>
      parseOidcEnv({ PINGGAI_OIDC_ISSUER: issuer, PINGGAI_OIDC_CLIENT_ID: 'x', PINGGAI_OIDC_CLIENT_SECRET: clientSecret, PINGGAI_OIDC_REDIRECT_URL: 'https://x.example/cb' }),
    ).toThrow(/PINGGAI_OIDC_REDIRECT_URL must end in/);
  });
});
