import { expect } from 'vitest';
import { DomainError } from '../shared/errors.ts';
import type { Decider, DomainEvent } from './decider.ts';
import { fold } from './decider.ts';

/**
 * given/when/then for deciders: what happened, what is asked, what must follow.
 *
 * @example
 *   spec(warningDecider).given([raised]).when(dispatch).then([dispatched]);
 *   spec(warningDecider).given([]).when(dispatch).thenRefuses('WARNING_NOT_FOUND');
 */
export const spec = <Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) => ({
  given: (history: readonly Event[]) => ({
    when: (command: Command) => ({
      then: (expected: readonly Event[]) => {
        const state = fold(decider, history);
        expect(decider.decide(command, state)).toEqual(expected);
      },
      thenRefuses: (code: string) => {
        const state = fold(decider, history);
        let thrown: unknown;
        try {
          decider.decide(command, state);
        } catch (error) {
          thrown = error;
        }
        expect(thrown, `expected refusal ${code}`).toBeInstanceOf(DomainError);
        expect((thrown as DomainError).code).toBe(code);
      },
    }),
    thenState: (expected: State) => {
      expect(fold(decider, history)).toEqual(expected);
    },
  }),
});
