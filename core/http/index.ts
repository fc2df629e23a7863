export * from './field-errors.ts';
export * from './hono.ts';
export * from './lang.ts';
export * from './problem.ts';
export * from './storable-text.ts';
