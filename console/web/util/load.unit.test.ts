import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http.ts';
import { appendPage, fieldErrorsOf } from './load.ts';

const problem = (errors: { field: string; message: string }[]) =>
  new ApiError(422, 'VALIDATION_FAILED', { status: 422, code: 'VALIDATION_FAILED', errors }, null, '/warnings/w-1/dispatch');

describe('field errors of a problem+json answer', () => {
  it('puts an error on a list item beside the list’s control too, joining several', () => {
    const fields = fieldErrorsOf(
      problem([
        { field: 'leadDepartment', message: '没有代码为 SJC 的部门' },
        { field: 'cooperatingDepartments.1', message: '没有代码为 XYZ 的部门' },
        { field: 'cooperatingDepartments.3', message: '格式不正确' },
        { field: 'evidence.0.blobKey', message: '找不到该文件' },
      ]),
    );
    expect(fields).toEqual({
      leadDepartment: '没有代码为 SJC 的部门',
      'cooperatingDepartments.1': '没有代码为 XYZ 的部门',
      'cooperatingDepartments.3': '格式不正确',
      cooperatingDepartments: '没有代码为 XYZ 的部门;格式不正确',
      'evidence.0.blobKey': '找不到该文件',
      evidence: '找不到该文件',
    });
  });

  it('has nothing for an error that is not a problem answer', () => {
    expect(fieldErrorsOf(new Error('network down'))).toEqual({});
  });
});

describe('the next page of a newest-first list', () => {
  it('leaves out the rows already shown when new rows pushed them onto the next page', () => {
    const shown = [{ id: 'r9' }, { id: 'r8' }, { id: 'r7' }];
    // Two ratings arrived before the click: the offset page starts with r8 and r7 again.
    expect(appendPage(shown, [{ id: 'r8' }, { id: 'r7' }, { id: 'r6' }], (row) => row.id).map((row) => row.id)).toEqual(['r9', 'r8', 'r7', 'r6']);
  });
});
