/** A case event as the government service system (办件系统) posts it. */
export const caseEvent = (overrides: Record<string, unknown> = {}, caseOverrides: Record<string, unknown> = {}) => ({
  type: 'completed',
  caseId: `BJ2025-${Math.random().toString(36).slice(2, 10)}`,
  sequence: 3,
  occurredAt: '2025-10-31T09:20:00+08:00',
  result: 'approved',
  case: {
    matter: { code: '11421202MB1234567X4000117001', name: '食品经营许可', type: 'administrative_licence' },
    department: { code: 'SCJGJ', name: '区市场监督管理局' },
    hall: { code: 'SMZJ', name: '市民之家' },
    window: { code: 'W07', name: '7号窗口' },
    staff: { id: 'S-0107', name: '李明' },
    applicantType: 'enterprise',
    enterpriseType: 'private',
    regionCode: '421202',
    applicantPhone: '13812341234',
    ...caseOverrides,
  },
  ...overrides,
});

/** The link token from an invitation SMS text. */
export const tokenFromSms = (text: string): string => {
  const match = /\/e\/([A-Za-z0-9_-]{1,24})$/.exec(text);
  if (!match) throw new Error(`no link in SMS text: ${text}`);
  return match[1]!;
};

export const form = (fields: Record<string, string | string[]>, files: { name: string; type: string; bytes: Uint8Array }[] = []): FormData => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const item of Array.isArray(value) ? value : [value]) data.append(key, item);
  for (const file of files) data.append('attachments', new File([file.bytes as Uint8Array<ArrayBuffer>], file.name, { type: file.type }));
  return data;
};
