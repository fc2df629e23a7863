export * from './decider.ts';
export * from './events.ts';
export * from './types.ts';
