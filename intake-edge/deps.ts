import type { Kysely } from 'kysely';
import type { BlobStore } from '../core/blobs/types.ts';
import type { EventStore } from '../core/eventstore/types.ts';
import type { PiiVault } from '../core/pii/vault.ts';
import type { SmsGateway } from '../core/sms/types.ts';
import type { IntakeConfig } from './config.ts';
import type { IntakeDatabase } from './tables.ts';

export interface Clock {
  now(): Date;
}

export interface IntakeIds {
  /** A fresh id for a command (idempotency key of one request). */
  commandId(): string;
  /** A fresh 10-character base62 invitation id (static-QR scans). */
  invitationId(): string;
  /** A fresh opaque device id for the rate-limit cookie of static QR codes. */
  deviceId(): string;
}

/** Everything the intake edge needs, passed in by its composition root (node.ts, deno.ts, tests). */
export interface IntakeDeps {
  readonly store: EventStore;
  readonly db: Kysely<IntakeDatabase>;
  readonly vault: PiiVault;
  readonly sms: SmsGateway;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly ids: IntakeIds;
  readonly config: IntakeConfig;
  /** Told about bugs (5xx) only; never given request bodies. */
  readonly log?: (line: string) => void;
}

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomText = (length: number): string => Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => base62[b % 62]).join('');

/** Production ids from WebCrypto. */
export const webCryptoIds = (): IntakeIds => ({
  commandId: () => crypto.randomUUID(),
  invitationId: () => randomText(10),
  deviceId: () => randomText(22),
});

export const systemClock = (): Clock => ({ now: () => new Date() });
