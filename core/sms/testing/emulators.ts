// Test support (Node): local Hono servers that stand where Aliyun and Tencent Cloud SMS stand, check
// each request's signature from the bytes that arrived, and answer as the providers document.
import type { ServerType } from '@hono/node-server';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { sha256Hex } from '../../pii/encoding.ts';
import { signAcs3 } from '../aliyun/signature.ts';
import { signTc3 } from '../tencent/signature.ts';

export type EmulatorMode = 'ok' | 'refuse' | 'server_error';

export interface ProviderEmulator {
  readonly url: string;
  /** Requests whose signature checked out, with their parameters (the phone stays in test memory only). */
  readonly accepted: Array<Record<string, unknown>>;
  /** Requests refused for a bad signature. */
  readonly badSignatures: number;
  mode: EmulatorMode;
  close(): Promise<void>;
}

const listen = async (app: Hono): Promise<{ server: ServerType; url: string }> =>
  new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve({ server, url: `http://127.0.0.1:${info.port}/` }),
    );
  });

const closeServer = (server: ServerType): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

export const startAliyunEmulator = async (credentials: { accessKeyId: string; accessKeySecret: string }): Promise<ProviderEmulator> => {
  const state = { accepted: [] as Array<Record<string, unknown>>, badSignatures: 0, mode: 'ok' as EmulatorMode };
  const app = new Hono();
  app.post('/', async (c) => {
    const url = new URL(c.req.url);
    const body = await c.req.text();
    const query = Object.fromEntries(url.searchParams);
    const acsHeaders = Object.fromEntries(
      [...c.req.raw.headers].filter(([name]) => name.startsWith('x-acs-') && name !== 'x-acs-content-sha256'),
    );
    const expected = await signAcs3(
      { method: 'POST', host: c.req.header('host') ?? '', path: url.pathname, query, headers: acsHeaders, body },
      credentials,
    );
    if (c.req.header('x-acs-content-sha256') !== (sha256Hex(body)) || c.req.header('authorization') !== expected.authorization) {
      state.badSignatures++;
      return c.json({ Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' }, 400);
    }
    if (state.mode === 'server_error') return c.json({ Code: 'InternalError', Message: 'The request processing has failed.' }, 500);
    if (state.mode === 'refuse') return c.json({ Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号', RequestId: 'r' });
    state.accepted.push({ ...query, action: c.req.header('x-acs-action'), version: c.req.header('x-acs-version') });
    return c.json({ Code: 'OK', Message: 'OK', BizId: `biz-${state.accepted.length}`, RequestId: 'r' });
  });
  const { server, url } = await listen(app);
  return Object.assign(state, { url, close: () => closeServer(server) });
};

export const startTencentEmulator = async (credentials: { secretId: string; secretKey: string }): Promise<ProviderEmulator> => {
  const state = { accepted: [] as Array<Record<string, unknown>>, badSignatures: 0, mode: 'ok' as EmulatorMode };
  const app = new Hono();
  app.post('/', async (c) => {
    const payload = await c.req.text();
    const auth = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/(\w+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      c.req.header('authorization') ?? '',
    );
    const timestamp = Number(c.req.header('x-tc-timestamp'));
    let valid = false;
    if (auth && auth[1] === credentials.secretId) {
      const signedNames = auth[4]!.split(';').filter((name) => name !== 'host');
      const headers = Object.fromEntries(signedNames.map((name) => [name, c.req.header(name) ?? '']));
      const expected = await signTc3({ method: 'POST', host: c.req.header('host') ?? '', headers, payload, service: auth[3]!, timestamp }, credentials);
      valid = expected.authorization === c.req.header('authorization');
    }
    const requestId = 'req-1';
    if (!valid) {
      state.badSignatures++;
      return c.json({ Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'The provided credentials could not be validated.' }, RequestId: requestId } });
    }
    if (state.mode === 'server_error') return c.json({ Response: { Error: { Code: 'InternalError', Message: 'internal error' }, RequestId: requestId } }, 500);
    const body = JSON.parse(payload) as Record<string, unknown>;
    if (state.mode === 'refuse') {
      return c.json({ Response: { SendStatusSet: [{ SerialNo: '', Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'incorrect phone number' }], RequestId: requestId } });
    }
    state.accepted.push({ ...body, action: c.req.header('x-tc-action'), version: c.req.header('x-tc-version'), region: c.req.header('x-tc-region') });
    return c.json({
      Response: { SendStatusSet: [{ SerialNo: `serial-${state.accepted.length}`, Code: 'Ok', Message: 'send success', Fee: 1 }], RequestId: requestId },
    });
  });
  const { server, url } = await listen(app);
  return Object.assign(state, { url, close: () => closeServer(server) });
};
