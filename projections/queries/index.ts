// The query functions the console, the bulletin and the scorecards call. Each reads the app.* views
// (whichever version is active) and returns numbers with the counts behind them.
export * from './board.ts';
export * from './filters.ts';
export * from './funnel.ts';
export * from './indicators.ts';
export * from './problems.ts';
export * from './ratings.ts';
export * from './warnings.ts';
export * from './scorecards.ts';
