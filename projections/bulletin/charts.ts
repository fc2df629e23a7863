/**
 * The bulletin's charts (图表), rendered on the server: ECharts' SSR renderer produces an SVG string
 * (inlined in the HTML view), and resvg rasterises it to PNG (embedded in the .docx, since Word and
 * WPS show PNG everywhere but SVG only in recent versions). Chinese labels need a CJK font: resvg
 * gets the Noto CJK files of fonts-noto-cjk when they are installed; without them the PNG still
 * renders, with the labels missing, and `fontWarning` says so.
 */
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';

export interface Chart {
  readonly title: string;
  readonly svg: string;
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
}

const CJK_FONT_FILES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
];
const FONT_FAMILY = 'Noto Sans CJK SC';

export const cjkFontFiles = (): string[] => CJK_FONT_FILES.filter((file) => existsSync(file));

/** Null when the CJK font is present; otherwise what the official should know about the charts. */
export const fontWarning = (): string | null =>
  cjkFontFiles().length > 0
    ? null
    : `未找到中文字体 (${CJK_FONT_FILES[0]}),图表中的中文标签未能渲染;请安装 fonts-noto-cjk。`;

const renderSvg = (option: echarts.EChartsCoreOption, width: number, height: number): string => {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT_FAMILY }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
};

const rasterise = (svg: string, width: number): Uint8Array => {
  const fontFiles = cjkFontFiles();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width * 2 },
    background: '#ffffff',
    font: {
      fontFiles,
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  return new Uint8Array(resvg.render().asPng());
};

const chart = (title: string, option: echarts.EChartsCoreOption, width = 640, height = 320): Chart => {
  const svg = renderSvg(option, width, height);
  return { title, svg, png: rasterise(svg, width), width, height };
};

export interface DailyPoint {
  readonly day: string;
  readonly rated: number;
  /** 差评率 in percent, null for a day without ratings. */
  readonly negativePercent: number | null;
}

/** 评价趋势 (the caption is the document's, not drawn in the chart): ratings per day (bars) and the day's 差评率 (line, right axis). */
export const dailyTrendChart = (title: string, points: readonly DailyPoint[]): Chart =>
  chart(title, {
    legend: { top: 4, data: ['评价数', '差评率(%)'] },
    grid: { left: 48, right: 52, top: 56, bottom: 40 },
    xAxis: { type: 'category', data: points.map((p) => p.day.slice(5)) },
    yAxis: [
      { type: 'value', name: '评价数', minInterval: 1 },
      { type: 'value', name: '差评率(%)', min: 0, max: 100 },
    ],
    series: [
      { name: '评价数', type: 'bar', data: points.map((p) => p.rated), itemStyle: { color: '#5470c6' } },
      {
        name: '差评率(%)',
        type: 'line',
        yAxisIndex: 1,
        connectNulls: false,
        data: points.map((p) => (p.negativePercent === null ? '-' : Number(p.negativePercent.toFixed(1)))),
        itemStyle: { color: '#c23531' },
      },
    ],
  });

export interface BarPoint {
  readonly label: string;
  /** 好评率 in percent, null without ratings. */
  readonly percent: number | null;
  readonly count: number;
}

/**
 * 各部门好评率: one horizontal bar per department (department names are long: 国家税务总局咸安区税务局),
 * labelled with the rate and the ratings behind it; the first department is at the top.
 */
export const departmentGoodRateChart = (title: string, bars: readonly BarPoint[]): Chart => {
  const topDown = [...bars].reverse();
  return chart(
    title,
    {
      grid: { left: 16, right: 112, top: 16, bottom: 32, containLabel: true },
      xAxis: { type: 'value', name: '好评率(%)', nameLocation: 'middle', nameGap: 24, min: 0, max: 100 },
      yAxis: { type: 'category', data: topDown.map((b) => b.label), axisLabel: { interval: 0 } },
      series: [
        {
          type: 'bar',
          barMaxWidth: 22,
          data: topDown.map((b) => (b.percent === null ? '-' : Number(b.percent.toFixed(1)))),
          label: {
            show: true,
            position: 'right',
            formatter: (p: { dataIndex: number }) => {
              const bar = topDown[p.dataIndex]!;
              return bar.percent === null ? '—' : `${bar.percent.toFixed(1)}%(${bar.count}条)`;
            },
          },
          itemStyle: { color: '#91cc75' },
        },
      ],
    },
    640,
    Math.max(200, 72 + 36 * bars.length),
  );
};
