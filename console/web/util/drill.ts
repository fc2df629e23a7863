import type { DrillRatingFilter } from '../api/dashboard.ts';
import type { WarningPhase } from '../api/types.ts';
import type { InboxFilter } from './inbox.ts';

/** What a click on a number or a chart asks to see: the ratings or the warnings behind it. */
export type DrillRequest =
  | { readonly kind: 'ratings'; readonly title: string; readonly filter: DrillRatingFilter; readonly negativeOnly?: boolean }
  | { readonly kind: 'warnings'; readonly title: string; readonly filter: InboxFilter & { phase?: WarningPhase } };
