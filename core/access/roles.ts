/**
 * Staff roles (DESIGN.md §2). A role is what an account may do; a department (责任部门代码) is where it
 * may do it. Roles listed in `departmentBound` must have a department; the others are district-wide.
 */
export const staffRoles = [
  'administrator',
  'dispatcher',
  'department_handler',
  'callback_officer',
  'working_group_lead',
  'auditor',
  'appraisal_officer',
  'rated_staff',
] as const;

export type StaffRole = (typeof staffRoles)[number];

/** The officials' names for the roles, shown in the console. */
export const roleNames: Readonly<Record<StaffRole, { readonly 'zh-CN': string; readonly en: string }>> = {
  administrator: { 'zh-CN': '系统管理员', en: 'Administrator' },
  dispatcher: { 'zh-CN': '派单员(政务服务管理股)', en: 'Dispatcher' },
  department_handler: { 'zh-CN': '责任部门经办人', en: 'Department handler' },
  callback_officer: { 'zh-CN': '回访专员', en: 'Call-back officer' },
  working_group_lead: { 'zh-CN': '工作专班负责人', en: 'Working group lead' },
  auditor: { 'zh-CN': '审计员', en: 'Auditor' },
  appraisal_officer: { 'zh-CN': '考核专员', en: 'Appraisal officer' },
  rated_staff: { 'zh-CN': '被评价人员', en: 'Rated staff' },
};

/** Roles that act for one department only: their account carries the department code. */
export const departmentBound: ReadonlySet<StaffRole> = new Set<StaffRole>(['department_handler', 'rated_staff']);

export const isStaffRole = (value: string): value is StaffRole => (staffRoles as readonly string[]).includes(value);
