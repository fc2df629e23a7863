/**
 * The routing table (预警类型-责任部门对照表): business-handling warnings go to the case's competent
 * department (主管部门牵头), on-site management warnings (hall environment, queueing, order) to the
 * government service department (政务服务部门牵头). Versioned configuration; every warning records
 * the version that routed it.
 */
import type { WarningKind } from '../warning/events.ts';

/** Business handling (业务办理) or on-site management (现场管理). */
export type Concern = 'business' | 'site';

/** `competent` means the department that handled the case; anything else is a department code. */
export type DepartmentChoice = 'competent' | 'service_department' | { readonly code: string };

export interface RoutingEntry {
  readonly kind: WarningKind;
  readonly concern: Concern | 'any';
  readonly lead: DepartmentChoice;
  readonly cooperating: readonly DepartmentChoice[];
}

export interface RoutingTable {
  /** The government service department's code (区政务服务和大数据管理局). */
  readonly serviceDepartment: string;
  readonly entries: readonly RoutingEntry[];
}

export const defaultRoutingTable: RoutingTable = {
  serviceDepartment: 'ZSJ',
  entries: [
    { kind: 'negative_rating', concern: 'business', lead: 'competent', cooperating: [] },
    { kind: 'negative_rating', concern: 'site', lead: 'service_department', cooperating: ['competent'] },
    { kind: 'process_dissatisfaction', concern: 'any', lead: 'service_department', cooperating: ['competent'] },
    { kind: 'overdue_case', concern: 'any', lead: 'competent', cooperating: [] },
    { kind: 'quality_trend', concern: 'any', lead: 'competent', cooperating: ['service_department'] },
  ],
};

export interface Routed {
  readonly leadDepartment: string;
  readonly cooperatingDepartments: readonly string[];
}

const resolve = (choice: DepartmentChoice, table: RoutingTable, competent: string): string =>
  choice === 'competent' ? competent : choice === 'service_department' ? table.serviceDepartment : choice.code;

/**
 * Picks the lead and cooperating departments. The concern of a rating follows its reasons: any
 * business reason makes it a business matter; only on-site reasons make it an on-site one.
 */
export const route = (table: RoutingTable, kind: WarningKind, concern: Concern, competentDepartment: string): Routed => {
  const entry =
    table.entries.find((e) => e.kind === kind && e.concern === concern) ??
    table.entries.find((e) => e.kind === kind && e.concern === 'any');
  if (!entry) return { leadDepartment: competentDepartment, cooperatingDepartments: [] };
  const leadDepartment = resolve(entry.lead, table, competentDepartment);
  const cooperatingDepartments = [...new Set(entry.cooperating.map((c) => resolve(c, table, competentDepartment)))].filter(
    (code) => code !== leadDepartment,
  );
  return { leadDepartment, cooperatingDepartments };
};
