import type { DrillRatingFilter } from '../api/dashboard.ts';
import type { RatingFilter, WarningPhase } from '../api/types.ts';

/** What a click on a number or a chart asks to see: the ratings or the warnings behind it. */
export type DrillRequest =
  | { readonly kind: 'ratings'; readonly title: string; readonly filter: DrillRatingFilter; readonly negativeOnly?: boolean }
  | {
      readonly kind: 'warnings';
      readonly title: string;
      /** The dashboard filter the number was counted with (the counts by phase use none but `lead`). */
      readonly filter: RatingFilter;
      readonly lead?: string;
      readonly phase?: WarningPhase;
      readonly overdue?: boolean;
    };
