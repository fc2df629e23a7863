import type { StaffRecipient } from '../../workflows/activities.ts';

/**
 * Who the warning lifecycle alerts by SMS in the embedded stack (the development outbox shows the
 * messages; nothing leaves the machine). Production reads the directory from configuration.
 */
export const demoStaffDirectory: Readonly<Record<string, readonly StaffRecipient[]>> = {
  dispatchers: [{ id: 'dispatcher', phone: '13900000001' }],
  supervisor: [{ id: 'wglead', phone: '13900000002' }],
  working_group: [{ id: 'wglead', phone: '13900000002' }],
  department_handlers: [{ id: 'handler-scj', phone: '13900000003' }],
  'department_handlers@RSJ': [{ id: 'handler-rsj', phone: '13900000004' }],
  department_head: [{ id: 'wglead', phone: '13900000002' }],
  callback_officers: [{ id: 'callback', phone: '13900000005' }],
  operators: [{ id: 'admin', phone: '13900000006' }],
};
