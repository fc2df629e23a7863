/** Messages between the forwarder and a warning's workflow (shared by workflow and client code). */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** One event of the warning's stream, as the forwarder (or an activity result) delivers it. */
export interface WarningEventSignal {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly streamVersion: number;
}

export const warningEventSignal = defineSignal<[WarningEventSignal]>('warningEvent');

export interface LifecycleProgress {
  readonly phase: string;
  readonly streamVersion: number;
  readonly pendingKeys: readonly string[];
}

export const progressQuery = defineQuery<LifecycleProgress>('progress');
