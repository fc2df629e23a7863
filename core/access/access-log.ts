import type { Actor, EventStore } from '../eventstore/types.ts';
import { sha256Hex } from '../pii/encoding.ts';

/**
 * The monthly access log stream (`access-<yyyy-mm>`, months in Asia/Shanghai): sign-in attempts that
 * belong to no account's stream — unknown usernames, and attempts on accounts already locked or
 * disabled (kept out of the account stream so guessing cannot make it grow without bound).
 * Also each export of an audit timeline (JSON or PDF), each reveal of personal data and each purge
 * of personal data by the retention policy.
 * These are log entries, not decisions: appended directly, any version, one id per attempt.
 */
export type AccessLogEvent =
  | {
      readonly type: 'UnknownAccountSignInFailed';
      /** First 16 hex digits of SHA-256(username): correlates attempts without storing what was typed. */
      readonly data: { readonly usernameDigest: string; readonly at: string };
    }
  | {
      readonly type: 'RefusedSignInLogged';
      readonly data: { readonly accountId: string; readonly reason: 'locked' | 'disabled'; readonly at: string };
    }
  | {
      /** An audit timeline (审计追溯) left the system as a file: who exported which history, in which format. */
      readonly type: 'AuditTimelineExported';
      readonly data: {
        readonly accountId: string;
        readonly subject: { readonly kind: 'warning' | 'rating' | 'config'; readonly id: string };
        readonly format: 'json' | 'pdf';
        readonly at: string;
      };
    }
  | {
      /** A staff member revealed a masked personal datum (查看完整号码): who, as which role, whose, which field, why. Never the value. */
      readonly type: 'PersonalDataRevealed';
      readonly data: {
        readonly accountId: string;
        readonly role: string;
        readonly subject: { readonly kind: 'warning'; readonly id: string };
        readonly field: 'phone';
        readonly reason: string;
        readonly at: string;
      };
    }
  | {
      /**
       * The retention policy destroyed PII keys (crypto-shredding, 到期销毁): every phone and name sealed
       * under them is erased for good; the events that carried them stay as anonymous facts.
       */
      readonly type: 'PersonalDataPurged';
      readonly data: {
        readonly operator: string;
        readonly keys: readonly { readonly kid: string; readonly dueSince: string; readonly events: number }[];
        readonly retentionMonths: number;
        readonly keyring: string;
        readonly reason: string;
        readonly at: string;
      };
    };

export const accessLogSchemaVersions: { readonly [T in AccessLogEvent['type']]: number } = {
  UnknownAccountSignInFailed: 1,
  RefusedSignInLogged: 1,
  AuditTimelineExported: 1,
  PersonalDataRevealed: 1,
  PersonalDataPurged: 1,
};

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export const accessLogStreamId = (at: Date): string => `access-${new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7)}`;

export const usernameDigest = async (username: string): Promise<string> => sha256Hex(username).slice(0, 16);

export const logAccess = async (store: EventStore, event: AccessLogEvent, eventId: string, actor: Actor, at: Date): Promise<void> => {
  await store.append(
    accessLogStreamId(at),
    [
      {
        id: eventId,
        type: event.type,
        schemaVersion: accessLogSchemaVersions[event.type],
        data: event.data,
        metadata: { actor, occurredAt: at.toISOString() },
      },
    ],
    { expectedVersion: 'any' },
  );
};
