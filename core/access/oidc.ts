import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import * as v from 'valibot';
import type { CommandRef } from '../decider/command-handler.ts';
import { DomainError } from '../shared/errors.ts';
import type { StaffPrincipal } from './scope.ts';
import type { AccessDeps } from './service.ts';
import { linkOidcSubject, loadAccount } from './service.ts';
import { normalizeUsername } from './account/stream.ts';

/**
 * Sign-in with the government's single sign-on (政务统一身份认证, OpenID Connect): authorization code
 * flow with PKCE (S256), state and nonce, by openid-client. A verified subject signs in only as the
 * local account an administrator linked it to (an account event); nobody is created from a token.
 */

const httpUrl = (name: string) =>
  v.pipe(v.string(`${name} is required`), v.url(`${name} must be a URL`), v.regex(/^https?:\/\//, `${name} must be http(s)`));

/** All of PINGGAI_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _REDIRECT_URL, or none of them. */
export const OidcConfigSchema = v.strictObject({
  issuer: httpUrl('PINGGAI_OIDC_ISSUER'),
  clientId: v.pipe(v.string('PINGGAI_OIDC_CLIENT_ID is required'), v.minLength(1, 'PINGGAI_OIDC_CLIENT_ID is required'), v.maxLength(255)),
  clientSecret: v.pipe(v.string('PINGGAI_OIDC_CLIENT_SECRET is required'), v.minLength(16, 'PINGGAI_OIDC_CLIENT_SECRET must be at least 16 characters')),
  /** Where the provider sends the browser back: https://<console host>/api/staff/session/oidc/callback */
  redirectUrl: v.pipe(httpUrl('PINGGAI_OIDC_REDIRECT_URL'), v.regex(/\/api\/staff\/session\/oidc\/callback$/, 'PINGGAI_OIDC_REDIRECT_URL must end in /api/staff/session/oidc/callback')),
  /** The claim that identifies the person (default `sub`); its value is what an administrator links. */
  subjectClaim: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'PINGGAI_OIDC_SUBJECT_CLAIM must be a claim name')), 'sub'),
  scope: v.optional(v.pipe(v.string(), v.regex(/^openid( [A-Za-z0-9_.:-]+)*$/, 'PINGGAI_OIDC_SCOPE must start with openid')), 'openid'),
  /** The button on the sign-in page. */
  label: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(40)), '政务统一身份认证登录'),
  /** Only for a provider on plain http in development and tests. */
  allowHttp: v.optional(v.boolean(), false),
});
export type OidcConfig = v.InferOutput<typeof OidcConfigSchema>;

/** Reads PINGGAI_OIDC_* from the environment: null when single sign-on is not configured. */
export const parseOidcEnv = (env: Record<string, string | undefined>): OidcConfig | null => {
  const raw = {
    issuer: env.PINGGAI_OIDC_ISSUER,
    clientId: env.PINGGAI_OIDC_CLIENT_ID,
    clientSecret: env.PINGGAI_OIDC_CLIENT_SECRET,
    redirectUrl: env.PINGGAI_OIDC_REDIRECT_URL,
    ...(env.PINGGAI_OIDC_SUBJECT_CLAIM ? { subjectClaim: env.PINGGAI_OIDC_SUBJECT_CLAIM } : {}),
    ...(env.PINGGAI_OIDC_SCOPE ? { scope: env.PINGGAI_OIDC_SCOPE } : {}),
    ...(env.PINGGAI_OIDC_LABEL ? { label: env.PINGGAI_OIDC_LABEL } : {}),
  };
  if (raw.issuer === undefined && raw.clientId === undefined && raw.clientSecret === undefined && raw.redirectUrl === undefined) return null;
  const parsed = v.safeParse(OidcConfigSchema, raw);
  if (!parsed.success) throw new Error(`single sign-on configuration: ${parsed.issues.map((issue) => issue.message).join('; ')}`);
  return parsed.output;
};

export interface OidcSignIn {
  readonly config: OidcConfig;
  /** The provider's metadata, discovered once (retried on the next sign-in if it failed). */
  readonly provider: () => Promise<client.Configuration>;
}

export const createOidcSignIn = (config: OidcConfig): OidcSignIn => {
  let discovered: Promise<client.Configuration> | null = null;
  const provider = () => {
    discovered ??= client
      .discovery(new URL(config.issuer), config.clientId, config.clientSecret, undefined, config.allowHttp ? { execute: [client.allowInsecureRequests] } : {})
      .catch((error: unknown) => {
        discovered = null;
        throw oidcError('OIDC_PROVIDER_UNAVAILABLE', '统一身份认证服务暂不可用', 'The single sign-on provider cannot be reached.', 503, error);
      });
    return discovered;
  };
  return { config, provider };
};

const oidcError = (code: string, zh: string, en: string, status: number, cause?: unknown): DomainError =>
  new DomainError(code, zh, { status, details: { en, ...(cause instanceof Error ? { reason: cause.message.slice(0, 200) } : {}) } });

export interface OidcRedirect {
  readonly url: URL;
  /** Kept server-side with the sign-in step, never in the browser. */
  readonly checks: { readonly state: string; readonly nonce: string; readonly codeVerifier: string };
}

export const beginOidcSignIn = async (oidc: OidcSignIn): Promise<OidcRedirect> => {
  const provider = await oidc.provider();
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(provider, {
    redirect_uri: oidc.config.redirectUrl,
    scope: oidc.config.scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url, checks: { state, nonce, codeVerifier } };
};

const ChecksSchema = v.object({ state: v.string(), nonce: v.string(), codeVerifier: v.string() });

/**
 * The callback: the state must be the one we sent, then the code is exchanged (with the PKCE
 * verifier) and the ID token verified (signature, issuer, audience, nonce). Returns the subject.
 */
export const finishOidcSignIn = async (oidc: OidcSignIn, callbackQuery: URLSearchParams, stored: unknown): Promise<{ issuer: string; subject: string }> => {
  const checks = v.safeParse(ChecksSchema, stored);
  if (!checks.success) throw oidcError('SIGN_IN_STEP_EXPIRED', '登录已超时,请重新登录', 'The sign-in timed out; start again.', 401);
  if (callbackQuery.get('state') !== checks.output.state) {
    throw oidcError('OIDC_STATE_MISMATCH', '统一身份认证回调与本次登录不符,请重新登录', 'The single sign-on answer does not belong to this sign-in.', 401);
  }
  if (callbackQuery.has('error')) {
    throw oidcError('OIDC_REFUSED', '统一身份认证未通过', `The provider answered ${String(callbackQuery.get('error')).slice(0, 64)}.`, 401);
  }
  const provider = await oidc.provider();
  const currentUrl = new URL(oidc.config.redirectUrl);
  currentUrl.search = callbackQuery.toString();
  let claims: client.IDToken | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(provider, currentUrl, {
      pkceCodeVerifier: checks.output.codeVerifier,
      expectedState: checks.output.state,
      expectedNonce: checks.output.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (error) {
    throw oidcError('OIDC_FAILED', '统一身份认证校验失败,请重新登录', 'The single sign-on answer could not be verified.', 401, error);
  }
  const subject = claims?.[oidc.config.subjectClaim];
  if (claims === undefined || typeof subject !== 'string' || subject === '') {
    throw oidcError('OIDC_FAILED', '统一身份认证未提供身份标识', `The ID token has no ${oidc.config.subjectClaim} claim.`, 401);
  }
  return { issuer: claims.iss, subject };
};

/** app.staff_oidc_links (migration 0401): finds the account of a subject; one subject per account. */
interface OidcLinksDatabase {
  'app.staff_oidc_links': { issuer: string; subject: string; account_id: string; linked_at: Date };
}
const links = (deps: AccessDeps) => deps.db as unknown as Kysely<OidcLinksDatabase>;

export const accountOfSubject = async (deps: AccessDeps, issuer: string, subject: string): Promise<string | null> => {
  const row = await links(deps)
    .selectFrom('app.staff_oidc_links')
    .select('account_id')
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row?.account_id ?? null;
};

/**
 * 绑定 (administrator): the account event first (it checks the administrator and the account), then
 * the lookup row; a subject already linked to another account is refused (409).
 */
export const linkSubjectToAccount = async (
  deps: AccessDeps,
  administrator: StaffPrincipal,
  input: { accountId: string; issuer: string; subject: string },
  command: CommandRef,
): Promise<void> => {
  const accountId = normalizeUsername(input.accountId);
  const holder = await accountOfSubject(deps, input.issuer, input.subject);
  if (holder !== null && holder !== accountId) {
    throw new DomainError('OIDC_SUBJECT_TAKEN', '该统一身份认证账号已绑定其他账号', { status: 409, details: { field: 'subject', en: 'This subject is linked to another account.' } });
  }
  if ((await loadAccount(deps.store, accountId)).status === 'none') {
    throw new DomainError('ACCOUNT_NOT_FOUND', '账号不存在', { status: 404, details: { en: 'No such account.' } });
  }
  await linkOidcSubject(deps, administrator, { ...input, accountId }, command);
  const now = deps.clock.now();
  await links(deps).deleteFrom('app.staff_oidc_links').where('account_id', '=', accountId).execute();
  await links(deps).insertInto('app.staff_oidc_links').values({ issuer: input.issuer, subject: input.subject, account_id: accountId, linked_at: now }).execute();
};
