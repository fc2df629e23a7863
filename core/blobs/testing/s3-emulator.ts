// Test support (Node): a local Hono server that behaves as an S3-compatible bucket for PUT/GET/HEAD,
// re-derives each request's SigV4 signature from what arrived and refuses mismatches with 403, and
// refuses a body whose SHA-256 differs from x-amz-content-sha256 (as S3 does).
import type { ServerType } from '@hono/node-server';
import { serve } from '@hono/node-server';
import { AwsClient } from 'aws4fetch';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { bytesToHex } from '../../pii/encoding.ts';

export interface S3Emulator {
  readonly endpoint: string;
  readonly objects: Map<string, { bytes: Uint8Array; contentType: string }>;
  readonly puts: number;
  readonly refused: number;
  close(): Promise<void>;
}

export const startS3Emulator = async (credentials: { accessKeyId: string; secretAccessKey: string; region: string }): Promise<S3Emulator> => {
  const state = { objects: new Map<string, { bytes: Uint8Array; contentType: string }>(), puts: 0, refused: 0 };
  const aws = new AwsClient({ ...credentials, service: 's3', retries: 0 });

  const verified = async (request: Request, body: Uint8Array | undefined): Promise<boolean> => {
    const authorization = request.headers.get('authorization') ?? '';
    const signedHeaders = /SignedHeaders=([a-z0-9;-]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) if (name !== 'host') headers[name] = request.headers.get(name) ?? '';
    const expected = await aws.sign(request.url, {
      method: request.method,
      headers,
      ...(body ? { body: body as Uint8Array<ArrayBuffer> } : {}),
      aws: { datetime: request.headers.get('x-amz-date') ?? '' },
    });
    const payloadOk =
      request.headers.get('x-amz-content-sha256') ===
      bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', (body ?? new Uint8Array()) as Uint8Array<ArrayBuffer>)));
    return payloadOk && expected.headers.get('authorization') === authorization;
  };

  const app = new Hono();
  app.on(['GET', 'HEAD', 'PUT'], '/:bucket/:key{.+}', async (c) => {
    const body = c.req.method === 'PUT' ? new Uint8Array(await c.req.arrayBuffer()) : undefined;
    if (!(await verified(c.req.raw, body))) {
      state.refused++;
      return c.body('<Error><Code>SignatureDoesNotMatch</Code></Error>', 403, { 'content-type': 'application/xml' });
    }
    const name = `${c.req.param('bucket')}/${c.req.param('key')}`;
    if (c.req.method === 'PUT') {
      state.puts++;
      state.objects.set(name, { bytes: body!, contentType: c.req.header('content-type') ?? 'application/octet-stream' });
      return c.body(null, 200);
    }
    const object = state.objects.get(name);
    if (!object) return c.body(null, 404);
    const headers = { 'content-type': object.contentType, 'content-length': String(object.bytes.length) };
    return c.req.method === 'HEAD' ? c.body(null, 200, headers) : c.body(object.bytes as Uint8Array<ArrayBuffer>, 200, headers);
  });

  const { server, endpoint } = await new Promise<{ server: ServerType; endpoint: string }>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve({ server, endpoint: `http://127.0.0.1:${info.port}` }),
    );
  });
  return Object.assign(state, { endpoint, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
};
