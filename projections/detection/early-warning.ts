/**
 * Early warning (从被动改向主动防): an EWMA control chart on the negative rate of one department ×
 * matter, period by period, against a baseline rate. It alarms when the smoothed rate rises above
 * its upper control limit, and only once enough ratings are behind it, so a single 差评 at a quiet
 * window never raises a quality warning. Pure: the caller supplies the series and the baseline.
 *
 *   z_t   = λ·p̂_t + (1−λ)·z_{t−1},  z_0 = p₀            (p̂_t = negative_t ÷ rated_t)
 *   Var_t = λ²·p₀(1−p₀)/n_t + (1−λ)²·Var_{t−1},  Var_0 = 0   (exact for unequal period sizes)
 *   UCL_t = p₀ + L·√Var_t
 *
 * A period with no ratings leaves z and Var as they were.
 */
export interface PeriodCount {
  /** The period key, e.g. '2025-W44' or '2025-10-30'. */
  readonly period: string;
  readonly rated: number;
  readonly negative: number;
}

export interface EwmaOptions {
  /** p₀: the expected negative rate (e.g. the district's over the previous quarter). */
  readonly baseline: number;
  /** λ, weight of the newest period (0 < λ ≤ 1); default 0.2. */
  readonly lambda?: number;
  /** L, width of the control limit in standard deviations; default 3. */
  readonly limitWidth?: number;
  /** Ratings needed (summed over the periods so far) before an alarm may be raised; default 30. */
  readonly minSample?: number;
}

export interface EwmaPoint extends PeriodCount {
  /** This period's negative rate, null when nobody rated. */
  readonly rate: number | null;
  readonly ewma: number;
  readonly upperLimit: number;
  /** Ratings counted so far (the sample behind the alarm). */
  readonly sample: number;
  readonly alarm: boolean;
}

// A baseline of exactly 0 or 1 would give a zero-width limit; rates this close to them are clamped.
const FLOOR = 0.005;

export const ewmaNegativeRate = (series: readonly PeriodCount[], options: EwmaOptions): EwmaPoint[] => {
  const lambda = options.lambda ?? 0.2;
  const width = options.limitWidth ?? 3;
  const minSample = options.minSample ?? 30;
  if (!(lambda > 0 && lambda <= 1)) throw new RangeError('lambda must be in (0, 1]');
  if (!(width > 0)) throw new RangeError('limitWidth must be positive');
  if (!(options.baseline >= 0 && options.baseline <= 1))
    throw new RangeError('baseline must be a rate in [0, 1]');
  const p0 = Math.min(1 - FLOOR, Math.max(FLOOR, options.baseline));
  let z = p0;
  let variance = 0;
  let sample = 0;
  return series.map((point) => {
    if (
      !Number.isInteger(point.rated) ||
      !Number.isInteger(point.negative) ||
      point.negative < 0 ||
      point.negative > point.rated
    ) {
      throw new RangeError(`period ${point.period}: counts must be integers with 0 ≤ negative ≤ rated`);
    }
    let rate: number | null = null;
    if (point.rated > 0) {
      rate = point.negative / point.rated;
      z = lambda * rate + (1 - lambda) * z;
      variance = (lambda * lambda * p0 * (1 - p0)) / point.rated + (1 - lambda) * (1 - lambda) * variance;
      sample += point.rated;
    }
    const upperLimit = p0 + width * Math.sqrt(variance);
    return {
      ...point,
      rate,
      ewma: z,
      upperLimit,
      sample,
      alarm: point.rated > 0 && sample >= minSample && z > upperLimit,
    };
  });
};

/** The pooled negative rate of many series: a baseline when no better one is configured. */
export const pooledBaseline = (series: readonly (readonly PeriodCount[])[]): number | null => {
  let rated = 0;
  let negative = 0;
  for (const points of series) {
    for (const point of points) {
      rated += point.rated;
      negative += point.negative;
    }
  }
  return rated === 0 ? null : negative / rated;
};

export interface QualityTrend {
  readonly department: string;
  readonly matter: string;
  readonly period: string;
  readonly ewma: number;
  readonly upperLimit: number;
  readonly baseline: number;
  readonly sample: number;
}

/**
 * The department × matter pairs whose chart alarms in the latest period: what the warning policy
 * turns into `quality_trend` warnings (one per pair and period, so re-running raises nothing new).
 */
export const qualityTrends = (
  groups: readonly {
    readonly department: string;
    readonly matter: string;
    readonly series: readonly PeriodCount[];
  }[],
  options: Omit<EwmaOptions, 'baseline'> & { readonly baseline?: number },
): QualityTrend[] => {
  const baseline = options.baseline ?? pooledBaseline(groups.map((group) => group.series));
  if (baseline === null) return [];
  return groups.flatMap((group) => {
    const points = ewmaNegativeRate(group.series, { ...options, baseline });
    const last = points[points.length - 1];
    return last?.alarm
      ? [
          {
            department: group.department,
            matter: group.matter,
            period: last.period,
            ewma: last.ewma,
            upperLimit: last.upperLimit,
            baseline,
            sample: last.sample,
          },
        ]
      : [];
  });
};
