// Kept for the composition roots that import the read side from here; it now lives in read-side/.
export { projectionQueries } from './read-side/index.ts';
