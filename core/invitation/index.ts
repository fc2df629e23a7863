export * from './decider.ts';
export * from './events.ts';
export * from './sms-text.ts';
export * from './token.ts';
export * from './types.ts';
