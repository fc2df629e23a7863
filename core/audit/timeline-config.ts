/**
 * A configuration's timeline (配置变更追溯): who published which version of the warning policy (rules,
 * 预警类型-责任部门对照表), the questionnaire or a year's holiday arrangement, when, why, and what
 * changed from the value in force before (one line per changed JSON path).
 */
import type { RecordedEvent } from '../eventstore/types.ts';
import type { ConfigChange, Described, Localized, Timeline } from './timeline.ts';
import { assembleTimeline, text } from './timeline.ts';

/** The configuration streams an auditor may replay, by the name used in the API. */
export const configStreams = {
  'warning-policy': { streamId: 'config-warning-policy', title: text('预警规则与责任部门对照表', 'Warning rules and routing table') },
  questionnaire: { streamId: 'config-questionnaire', title: text('问卷配置', 'Questionnaire') },
  calendar: { streamId: 'config-calendar', title: text('节假日安排', 'Holiday calendar') },
} as const satisfies Record<string, { streamId: string; title: Localized }>;

export type ConfigStreamName = keyof typeof configStreams;

export const isConfigStreamName = (name: string): name is ConfigStreamName => Object.hasOwn(configStreams, name);

export const configEventNames: Readonly<Record<string, Localized>> = {
  WarningRulesPublished: text('发布预警规则', 'Warning rules published'),
  RoutingTablePublished: text('发布责任部门对照表', 'Routing table published'),
  QuestionnairePublished: text('发布问卷', 'Questionnaire published'),
  YearArrangementLoaded: text('载入年度节假日安排', 'Year arrangement loaded'),
};

const MAX_CHANGES = 200;
const MAX_VALUE = 240;

const show = (value: unknown): string | null => {
  if (value === undefined) return null;
  const json = typeof value === 'string' ? value : JSON.stringify(value);
  return json.length > MAX_VALUE ? `${json.slice(0, MAX_VALUE - 1)}…` : json;
};

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The leaves that differ between two JSON values, as `a.b[2].c` paths (both sides shown, null when absent). */
export const jsonChanges = (from: unknown, to: unknown, path = ''): ConfigChange[] => {
  if (JSON.stringify(from) === JSON.stringify(to)) return [];
  if (Array.isArray(from) && Array.isArray(to)) {
    return Array.from({ length: Math.max(from.length, to.length) }, (_, i) => jsonChanges(from[i], to[i], `${path}[${i}]`)).flat();
  }
  if (isRecord(from) && isRecord(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
    return keys.flatMap((key) => jsonChanges(from[key], to[key], path === '' ? key : `${path}.${key}`));
  }
  return [{ path: path === '' ? '(all)' : path, from: show(from), to: show(to) }];
};

interface Publication {
  /** What the new value replaces: the same type (and year) published before. */
  readonly key: string;
  readonly value: unknown;
  readonly by: string | undefined;
  readonly version: number | undefined;
  readonly note: string | undefined;
}

const publicationOf = (event: RecordedEvent): Publication => {
  const d = event.data as Record<string, unknown>;
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  switch (event.type) {
    case 'QuestionnairePublished':
      return { key: event.type, value: d['config'], by: undefined, version: num(d['version']), note: str(d['note']) };
    case 'YearArrangementLoaded': {
      const { holidays, makeUpWorkdays, source } = d;
      return { key: `${event.type}:${String(d['year'])}`, value: { holidays, makeUpWorkdays, source }, by: str(d['loadedBy']), version: num(d['version']), note: str((source as { title?: unknown } | undefined)?.title) };
    }
    default:
      return { key: event.type, value: d['value'] ?? d, by: str(d['by']), version: num(d['version']), note: str(d['reason']) };
  }
};

/** The timeline of one configuration stream: each publication with the changes from the one before. */
export const configTimeline = (name: ConfigStreamName, events: readonly RecordedEvent[], asOf: Date): Timeline => {
  const previous = new Map<string, unknown>();
  const { streamId, title } = configStreams[name];
  return assembleTimeline(
    { subject: { kind: 'config', id: name }, title: text(`${title['zh-CN']} 变更记录`, `${title.en}: change history`), streams: [streamId] },
    events,
    asOf,
    (event): Described => {
      const publication = publicationOf(event);
      const changes = jsonChanges(previous.get(publication.key) ?? null, publication.value);
      previous.set(publication.key, publication.value);
      return {
        what: configEventNames[event.type] ?? text(event.type, event.type),
        by: publication.by,
        details: [
          { label: text('版本', 'Version'), value: publication.version === undefined ? '' : String(publication.version) },
          { label: text('说明', 'Reason'), value: publication.note ?? '' },
          { label: text('变更项数', 'Changed values'), value: String(changes.length) },
        ],
        changes: changes.slice(0, MAX_CHANGES),
      };
    },
  );
};
