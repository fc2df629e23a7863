import { describe, expect, it } from 'vitest';
import { can, rolesAllowed, staffActions } from './permissions.ts';
import { staffRoles } from './roles.ts';
import { canSeeWarning, scopeOf } from './scope.ts';

describe('permission matrix (权限矩阵)', () => {
  it('gives every action to at least one role and only administrators manage accounts', () => {
    for (const action of staffActions) expect(rolesAllowed(action).length, action).toBeGreaterThan(0);
    expect(rolesAllowed('account.manage')).toEqual(['administrator']);
  });
  it('keeps auditors and appraisal officers read-only', () => {
    const reads = ['warning.list', 'warning.read', 'blob.read', 'dashboard.read', 'rating.list', 'department.list'];
    expect(staffActions.filter((action) => can('appraisal_officer', action))).toEqual([
      ...reads,
      'bulletin.read',
      'audit.read',
      'appraisal.read',
      'appraisal.export',
      'appraisal.override',
    ]);
    expect(staffActions.filter((action) => can('auditor', action))).toEqual([...reads, 'config.read', 'bulletin.read', 'audit.read', 'appraisal.read', 'appraisal.export']);
    // A scorecard override is the appraisal officer's only act, and it carries a written reason.
    expect(rolesAllowed('appraisal.override')).toEqual(['appraisal_officer']);
  });
  it('gives rated staff appeals only', () => {
    expect(staffActions.filter((action) => can('rated_staff', action))).toEqual(['warning.list', 'warning.read', 'warning.appeal', 'blob.upload', 'blob.read']);
  });
  it('keeps configuration changes and the SMS outbox with administrators', () => {
    expect(rolesAllowed('config.manage')).toEqual(['administrator']);
    expect(rolesAllowed('sms.outbox')).toEqual(['administrator']);
    expect(rolesAllowed('config.read')).toEqual(['administrator', 'auditor']);
    expect(rolesAllowed('bulletin.read')).not.toContain('department_handler');
    expect(rolesAllowed('dashboard.read')).not.toContain('rated_staff');
  });
  it('routes each warning step to its role', () => {
    expect(rolesAllowed('warning.dispatch')).toEqual(['dispatcher']);
    expect(rolesAllowed('warning.reply')).toEqual(['department_handler']);
    expect(rolesAllowed('warning.phone_callback')).toEqual(['callback_officer']);
    expect(rolesAllowed('warning.appeal_review')).toEqual(['working_group_lead']);
    expect(staffRoles.every((role) => can(role, 'warning.read'))).toBe(true);
  });
});

describe('department scoping (数据范围)', () => {
  const warning = { leadDepartment: 'SCJ', cooperatingDepartments: ['ZWFW'], subject: { department: 'SCJ', staffId: 'staff-0412' } };
  it('shows a department its own, cooperating and rated warnings only', () => {
    const scope = (department: string) => scopeOf({ accountId: 'h', role: 'department_handler', department });
    expect(canSeeWarning(scope('SCJ'), warning)).toBe(true);
    expect(canSeeWarning(scope('ZWFW'), warning)).toBe(true);
    expect(canSeeWarning(scope('RSJ'), warning)).toBe(false);
    expect(canSeeWarning(scopeOf({ accountId: 'h', role: 'department_handler', department: null }), warning)).toBe(false);
  });
  it('shows rated staff the warnings about themselves and district roles all', () => {
    expect(canSeeWarning(scopeOf({ accountId: 'staff-0412', role: 'rated_staff', department: 'SCJ' }), warning)).toBe(true);
    expect(canSeeWarning(scopeOf({ accountId: 'staff-0999', role: 'rated_staff', department: 'SCJ' }), warning)).toBe(false);
    expect(canSeeWarning(scopeOf({ accountId: 'd', role: 'dispatcher', department: 'ZSJ' }), warning)).toBe(true);
  });
});
