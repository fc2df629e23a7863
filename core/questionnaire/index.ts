export * from './consistency.ts';
export * from './decider.ts';
export * from './default-config.ts';
export * from './levels.ts';
export * from './schema.ts';
export * from './types.ts';
export * from './variants.ts';
