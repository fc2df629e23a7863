/**
 * ECharts, tree-shaken: only the chart types and components the dashboards draw are registered, so
 * the bundle does not carry the whole library.
 */
import { BarChart, FunnelChart, HeatmapChart, LineChart, RadarChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, RadarComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([
  BarChart,
  FunnelChart,
  HeatmapChart,
  LineChart,
  RadarChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  RadarComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

/** Colours with enough contrast against white for lines and labels. */
export const palette = ['#1f5fae', '#b8480f', '#1b6e35', '#7a3ea1', '#a3162a', '#0f6b75'];

/** One point of a chart as text, with the click it stands for (what a drill-down reads). */
export interface ChartPoint {
  readonly key: string;
  readonly label: string;
  readonly click: ChartClick;
}

/** What a click on a chart tells the page (the subset of ECharts' event params the drill-downs use). */
export interface ChartClick {
  readonly name?: string;
  readonly seriesName?: string;
  readonly seriesIndex?: number;
  readonly dataIndex?: number;
  readonly data?: unknown;
  readonly value?: unknown;
}
