/**
 * An aggregate as a pair of pure functions: `decide(command, state) → events` and
 * `evolve(state, event) → state`, from `initialState`. Time and ids come in with the command.
 * A refusal is a thrown `DomainError` with a stable code (or, where it is worth auditing, an event).
 *
 * @example
 *   const warningDecider: Decider<WarningCommand, WarningEvent, WarningState> = {
 *     initialState: { status: 'none' },
 *     decide, evolve,
 *     schemaVersions: { WarningRaised: 1, WarningDispatched: 1 },
 *   };
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  readonly initialState: State;
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  /** The current schema version of each event type this decider emits. */
  readonly schemaVersions: { readonly [T in Event['type']]: number };
}

export const fold = <Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State => events.reduce(decider.evolve, decider.initialState);

/** Exhaustiveness check for `switch` statements over commands and events. */
export const assertNever = (value: never): never => {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
};
