export type { EsdbEventStoreOptions } from './store.ts';
export { createEsdbEventStore } from './store.ts';
