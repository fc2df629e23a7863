import { describe, expect, it } from 'vitest';
import type { LogPosition, NewEvent } from '../types.ts';
import type { EsdbRecorded } from './client.ts';
import {
  appendIdOf,
  checkpointStreamName,
  classifyRetry,
  comparePositions,
  isApplicationEvent,
  liveFilter,
  parseLogPosition,
  toExpectedRevision,
  toLogPosition,
  toProposedEvent,
  toRecordedEvent,
  toStreamVersion,
} from './mapping.ts';

const newEvent = (id: string, overrides: Partial<NewEvent> = {}): NewEvent => ({
  id,
  type: 'EvaluationSubmitted',
  schemaVersion: 2,
  data: { score: 5 },
  metadata: { occurredAt: '2026-03-02T08:00:00.000Z', correlationId: 'corr-1', actor: { id: 'staff-7', role: 'clerk' } },
  ...overrides,
});

const stored = (id: string, revision: bigint, overrides: Partial<EsdbRecorded> = {}): EsdbRecorded => ({
  streamId: 'case-1',
  id,
  revision,
  type: 'EvaluationSubmitted',
  created: new Date('2026-03-02T08:00:01.000Z'),
  isJson: true,
  data: { score: 5 },
  metadata: toProposedEvent(newEvent(id), 'append-1').metadata,
  position: { commit: 1000n + revision, prepare: 1000n + revision },
  ...overrides,
});

const ID_A = '0190f1a2-0000-7000-8000-00000000000a';
const ID_B = '0190f1a2-0000-7000-8000-00000000000b';
const ID_C = '0190f1a2-0000-7000-8000-00000000000c';

describe('expected version → ESDB expected revision', () => {
  it('keeps any / no_stream / stream_exists and shifts numbers to 0-based revisions', () => {
    expect(toExpectedRevision('any')).toBe('any');
    expect(toExpectedRevision('no_stream')).toBe('no_stream');
    expect(toExpectedRevision('stream_exists')).toBe('stream_exists');
    expect(toExpectedRevision(1)).toBe(0n);
    expect(toExpectedRevision(42)).toBe(41n);
  });

  it('says version 0 (no events yet) as NO_STREAM and refuses impossible versions', () => {
    expect(toExpectedRevision(0)).toBe('no_stream');
    expect(() => toExpectedRevision(-1)).toThrow(/≥ 0/);
    expect(() => toExpectedRevision(1.5)).toThrow(/whole number/);
  });

  it('turns ESDB current revisions back into our versions', () => {
    expect(toStreamVersion('no_stream')).toBe(0);
    expect(toStreamVersion(-1n)).toBe(0);
    expect(toStreamVersion(0n)).toBe(1);
    expect(toStreamVersion(199n)).toBe(200);
  });
});

describe('log positions', () => {
  it('round-trips commit/prepare through a zero-padded string', () => {
    const position = { commit: 123456789n, prepare: 123456700n };
    const text = toLogPosition(position);
    expect(text).toBe('00000000000123456789/00000000000123456700');
    expect(parseLogPosition(text)).toEqual(position);
  });

  it('orders as strings exactly as the log orders', () => {
    const positions = [
      { commit: 9n, prepare: 9n },
      { commit: 10n, prepare: 3n },
      { commit: 10n, prepare: 10n },
      { commit: 18446744073709551615n, prepare: 0n },
      { commit: 100n, prepare: 100n },
    ];
    const byLog = [...positions].sort(comparePositions).map(toLogPosition);
    const byString = positions.map(toLogPosition).sort();
    expect(byString).toEqual(byLog);
  });

  it('rejects strings that are not ESDB positions', () => {
    expect(() => parseLogPosition('12' as LogPosition)).toThrow(/not an EventStoreDB log position/);
    expect(() => parseLogPosition('a/b' as LogPosition)).toThrow();
  });
});

describe('envelope', () => {
  it('puts type, schema version, metadata and the append id into ESDB metadata', () => {
    const proposed = toProposedEvent(newEvent(ID_A), 'append-9');
    expect(proposed).toEqual({
      id: ID_A,
      type: 'EvaluationSubmitted',
      data: { score: 5 },
      metadata: {
        type: 'EvaluationSubmitted',
        schemaVersion: 2,
        metadata: newEvent(ID_A).metadata,
        appendId: 'append-9',
        $correlationId: 'corr-1',
      },
    });
  });

  it('reads a stored event back into the port envelope (version 1-based, recordedAt from created)', () => {
    const recorded = toRecordedEvent(stored(ID_A, 4n));
    expect(recorded).toEqual({
      id: ID_A,
      type: 'EvaluationSubmitted',
      schemaVersion: 2,
      data: { score: 5 },
      metadata: newEvent(ID_A).metadata,
      streamId: 'case-1',
      streamVersion: 5,
      globalPosition: 1004n,
      logPosition: '00000000000000001004/00000000000000001004',
      recordedAt: '2026-03-02T08:00:01.000Z',
    });
    expect(appendIdOf(stored(ID_A, 0n))).toBe('append-1');
  });

  it('reads events written by others (no envelope) as schema version 1', () => {
    const foreign = toRecordedEvent(stored(ID_A, 0n, { metadata: undefined }));
    expect(foreign.schemaVersion).toBe(1);
    expect(foreign.metadata).toEqual({ occurredAt: '2026-03-02T08:00:01.000Z' });
    expect(appendIdOf(stored(ID_A, 0n, { metadata: { schemaVersion: 'x' } }))).toBeUndefined();
  });

  it('refuses events without a log position (servers before 22.10)', () => {
    expect(() => toRecordedEvent(stored(ID_A, 0n, { position: undefined }))).toThrow(/22\.10/);
  });
});

describe('which events a reader sees', () => {
  it('leaves out system streams, system event types and checkpoint streams', () => {
    expect(isApplicationEvent(stored(ID_A, 0n))).toBe(true);
    expect(isApplicationEvent(stored(ID_A, 0n, { streamId: '$stats-127.0.0.1:2113' }))).toBe(false);
    expect(isApplicationEvent(stored(ID_A, 0n, { type: '$streamDeleted' }))).toBe(false);
    expect(isApplicationEvent(stored(ID_A, 0n, { streamId: checkpointStreamName('warning-policy') }))).toBe(false);
  });

  it('matches categories exactly, not by prefix', () => {
    expect(isApplicationEvent(stored(ID_A, 0n, { streamId: 'case-7' }), ['case'])).toBe(true);
    expect(isApplicationEvent(stored(ID_A, 0n, { streamId: 'cases-7' }), ['case'])).toBe(false);
    expect(isApplicationEvent(stored(ID_A, 0n, { streamId: 'warning-1' }), ['case', 'warning'])).toBe(true);
  });

  it('narrows live subscriptions on the server by stream prefix, or excludes system and checkpoint streams', () => {
    expect(liveFilter(['case', 'warning'])).toEqual({ streamPrefixes: ['case', 'warning'] });
    const { streamRegex } = liveFilter() as { streamRegex: string };
    const regex = new RegExp(streamRegex);
    expect(regex.test('case-1')).toBe(true);
    expect(regex.test('$stats-1')).toBe(false);
    expect(regex.test('pinggai-checkpoint-x')).toBe(false);
  });
});

describe('retry detection', () => {
  const events = [newEvent(ID_A), newEvent(ID_B)];

  it('finds no retry when none of the ids are stored', () => {
    expect(classifyRetry([stored(ID_C, 0n)], events)).toEqual({ kind: 'none' });
  });

  it('recognises a full retry (ids compared case-insensitively) and points at its last event', () => {
    const verdict = classifyRetry([stored(ID_C, 0n), stored(ID_A, 1n), stored(ID_B, 2n)], [newEvent(ID_A.toUpperCase()), newEvent(ID_B)]);
    expect(verdict.kind).toBe('all');
    expect(verdict.kind === 'all' && verdict.last.revision).toBe(2n);
  });

  it('reports a partial duplicate', () => {
    expect(classifyRetry([stored(ID_A, 0n)], events)).toEqual({ kind: 'partial', duplicateIds: [ID_A] });
  });
});
