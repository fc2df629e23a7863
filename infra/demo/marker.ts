/**
 * The marker that a data folder holds demo data (演示数据): `DemoDataLoaded` in the `config-demo`
 * stream, with the parameters and what was produced. Present → the simulation does nothing again.
 */
import type { Decider } from '../../core/decider/decider.ts';
import { assertNever, fold } from '../../core/decider/decider.ts';
import type { EventStore } from '../../core/eventstore/types.ts';

export const demoStreamId = 'config-demo';

export interface DemoParameters {
  readonly seed: string;
  readonly days: number;
  /** First and last simulated instants (ISO). */
  readonly from: string;
  readonly to: string;
  readonly casesPerWorkingDay: readonly [number, number];
}

export interface DemoCounts {
  readonly workingDays: number;
  readonly cases: number;
  readonly completed: number;
  readonly overdue: number;
  readonly invitations: Readonly<Record<string, number>>;
  readonly opened: Readonly<Record<string, number>>;
  readonly submitted: Readonly<Record<string, number>>;
  readonly expired: number;
  readonly reminded: number;
  readonly warnings: number;
  readonly warningsClosed: number;
  readonly warningsOpen: number;
  readonly appeals: number;
  /** 重新整改: a call-back found the problem not rectified. */
  readonly reopened: number;
  readonly dispatchEscalated: number;
  readonly replyEscalated: number;
}

export type DemoEvent = {
  readonly type: 'DemoDataLoaded';
  readonly data: DemoParameters & {
    readonly counts: DemoCounts;
    readonly loadedAt: string;
    readonly tookMs: number;
  };
};

export type DemoCommand = { readonly type: 'RecordDemoDataLoaded' } & DemoEvent['data'];

export type DemoState = { readonly loaded: DemoEvent['data'] | null };

export const demoMarkerDecider: Decider<DemoCommand, DemoEvent, DemoState> = {
  initialState: { loaded: null },
  schemaVersions: { DemoDataLoaded: 1 },
  decide(command, state) {
    switch (command.type) {
      case 'RecordDemoDataLoaded': {
        if (state.loaded) return [];
        const { type: _type, ...data } = command;
        return [{ type: 'DemoDataLoaded', data }];
      }
      default:
        return assertNever(command.type);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'DemoDataLoaded':
        return { loaded: state.loaded ?? event.data };
      default:
        return assertNever(event.type);
    }
  },
};

export const loadDemoMarker = async (store: EventStore): Promise<DemoState> =>
  fold(demoMarkerDecider, (await store.readStream(demoStreamId)) as unknown as DemoEvent[]);
