import type { Context } from 'hono';

/**
 * The address of the connection, read from what each entry point hands Hono as `c.env` (the same
 * fields `getConnInfo` of `@hono/node-server/conninfo` and of `hono/deno` read, without importing
 * either runtime's adapter): node.ts serves through @hono/node-server (`{ incoming }`), deno.ts
 * passes `intake.app.fetch` to Deno.serve, whose second argument is `{ remoteAddr }`. Tests pass
 * either shape as the third argument of `app.request`. Null when the runtime tells us nothing.
 */
const connectionAddress = (env: unknown): string | null => {
  const bindings = env as { incoming?: { socket?: { remoteAddress?: unknown } }; server?: { incoming?: { socket?: { remoteAddress?: unknown } } }; remoteAddr?: { hostname?: unknown } } | undefined;
  const address = bindings?.incoming?.socket?.remoteAddress ?? bindings?.server?.incoming?.socket?.remoteAddress ?? bindings?.remoteAddr?.hostname;
  return typeof address === 'string' && address !== '' ? address : null;
};

/**
 * The client's address. With `trustedProxyHops` 0 it is the connection's and X-Forwarded-For is
 * ignored (anyone can send it). With n trusted proxies in front, each appending the address it saw,
 * it is the n-th entry from the right: entries further left were written by the client. A chain
 * shorter than n (a request that came round the proxy) falls back to the leftmost hop we have.
 */
export const clientAddress = (c: Context, trustedProxyHops: number): string => {
  const connection = connectionAddress(c.env) ?? 'unknown';
  if (trustedProxyHops === 0) return connection;
  const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const chain = [...forwarded, connection];
  return chain[Math.max(0, chain.length - 1 - trustedProxyHops)]!;
};

/** 16-bit groups of an IPv6 address (8 of them), or null if it is not one. */
const ipv6Groups = (address: string): number[] | null => {
  let text = address;
  const ipv4Tail = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? parseInt(group, 16) : NaN)));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 ? missing < 1 : missing !== 0) || [...head, ...tail].some(Number.isNaN)) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
};

/**
 * What one rate-limit bucket counts as one client: an IPv4 address as it is (IPv4-mapped IPv6
 * included); an IPv6 address by its /64 prefix, since one subscriber is usually given a whole /64
 * and could otherwise take a fresh address for every scan; anything else (unknown) as given.
 */
export const addressBucket = (address: string): string => {
  const plain = address.toLowerCase().replace(/^\[|\](:\d+)?$/g, '').replace(/%.*$/, '');
  const ipv4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(plain);
  if (ipv4) return ipv4[1]!;
  const groups = plain.includes(':') ? ipv6Groups(plain) : null;
  if (!groups) return plain.slice(0, 100);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
};
