/**
 * The demo's world: the pilot's four halls of 咸安区 (市民之家, 温泉街道, 浮山街道, 永安街道), the
 * departments of the seed's working group (卫健, 自规, 市场, 税务, 人社 …), their windows, staff and
 * matters. Codes are made up in the official formats; names are plausible, nobody real.
 */
import type { ApplicantType, CodeAndName, Matter } from '../../core/case/types.ts';

export const regionCode = '421202'; // 湖北省咸宁市咸安区

export interface DemoDepartment extends CodeAndName {
  readonly matters: readonly Matter[];
}

export const departments: readonly DemoDepartment[] = [
  {
    code: 'SCJ',
    name: '区市场监督管理局',
    matters: [
      { code: '114212020112001', name: '个体工商户设立登记', type: 'administrative_licence' },
      { code: '114212020112002', name: '企业设立登记', type: 'administrative_licence' },
      { code: '114212020112003', name: '食品经营许可', type: 'administrative_licence' },
    ],
  },
  {
    code: 'SWJ',
    name: '国家税务总局咸安区税务局',
    matters: [
      { code: '114212020113001', name: '发票领用', type: 'public_service' },
      { code: '114212020113002', name: '税务登记信息确认', type: 'administrative_confirmation' },
    ],
  },
  {
    code: 'RSJ',
    name: '区人力资源和社会保障局',
    matters: [
      { code: '114212020114001', name: '社会保障卡申领', type: 'public_service' },
      { code: '114212020114002', name: '失业保险金申领', type: 'administrative_payment' },
      { code: '114212020114003', name: '灵活就业人员参保登记', type: 'public_service' },
    ],
  },
  {
    code: 'ZGJ',
    name: '区自然资源和规划局',
    matters: [
      { code: '114212020115001', name: '不动产登记(转移登记)', type: 'administrative_confirmation' },
      { code: '114212020115002', name: '建设工程规划许可', type: 'administrative_licence' },
    ],
  },
  {
    code: 'WJJ',
    name: '区卫生健康局',
    matters: [
      { code: '114212020116001', name: '医师执业注册', type: 'administrative_licence' },
      { code: '114212020116002', name: '出生医学证明办理', type: 'public_service' },
    ],
  },
  {
    code: 'YBJ',
    name: '区医疗保障局',
    matters: [
      { code: '114212020117001', name: '城乡居民医保参保登记', type: 'public_service' },
      { code: '114212020117002', name: '异地就医备案', type: 'public_service' },
    ],
  },
];

/** The government service department (政务服务部门): leads on-site management warnings. */
export const serviceDepartment: CodeAndName = { code: 'ZSJ', name: '区政务服务和大数据管理局' };

export interface DemoWindow extends CodeAndName {
  readonly department: string;
  readonly staff: readonly { readonly id: string; readonly displayName: string }[];
}

export interface DemoHall extends CodeAndName {
  /** Share of the district's cases this hall sees. */
  readonly share: number;
  readonly windows: readonly DemoWindow[];
}

const staffNames = [
  '王敏',
  '李娜',
  '张伟',
  '刘洋',
  '陈静',
  '杨帆',
  '赵磊',
  '黄婷',
  '周杰',
  '吴霞',
  '徐涛',
  '孙丽',
  '胡斌',
  '朱琳',
  '高翔',
  '林芳',
];
// 工号 from 0411, so the demo account staff-0412 (rated_staff, SCJ: core/access/seed.ts) is a real window officer.
let staffSeq = 410;
// Window codes repeat across halls, as a hall's own numbering does (every hall has a W01): a window
// is known by its hall's code and its own (projections/queries/filters.ts keySql).
const window = (n: number, department: string, staffCount = 2): DemoWindow => ({
  code: `W${String(n).padStart(2, '0')}`,
  name: `${n}号窗口`,
  department,
  staff: Array.from({ length: staffCount }, () => {
    const name = staffNames[staffSeq % staffNames.length]!;
    staffSeq++;
    return { id: `staff-${String(staffSeq).padStart(4, '0')}`, displayName: name };
  }),
});

export const halls: readonly DemoHall[] = [
  {
    code: 'H01',
    name: '市民之家',
    share: 0.55,
    windows: [
      window(1, 'SCJ'),
      window(2, 'SCJ'),
      window(3, 'SWJ'),
      window(4, 'SWJ'),
      window(5, 'RSJ'),
      window(6, 'ZGJ'),
      window(7, 'WJJ'),
      window(8, 'YBJ'),
    ],
  },
  {
    code: 'H02',
    name: '温泉街道便民服务中心',
    share: 0.17,
    windows: [window(1, 'RSJ'), window(2, 'YBJ'), window(3, 'SCJ', 1)],
  },
  {
    code: 'H03',
    name: '浮山街道便民服务中心',
    share: 0.15,
    windows: [window(1, 'RSJ'), window(2, 'YBJ'), window(3, 'WJJ', 1)],
  },
  {
    code: 'H04',
    name: '永安街道便民服务中心',
    share: 0.13,
    windows: [window(1, 'RSJ'), window(2, 'YBJ', 1), window(3, 'SCJ', 1)],
  },
];

/**
 * Applicant types as they appear at the windows, with weights (自然人 dominate), and how often the
 * case system has a mobile number for the applicant (or the enterprise's contact).
 */
export const applicantMix: readonly {
  readonly type: Exclude<ApplicantType, 'unknown' | 'other'>;
  readonly weight: number;
  readonly phoneShare: number;
  readonly enterpriseTypes?: readonly string[];
}[] = [
  { type: 'natural_person', weight: 70, phoneShare: 0.88 },
  { type: 'individual_business', weight: 14, phoneShare: 0.8 },
  {
    type: 'enterprise',
    weight: 14,
    phoneShare: 0.7,
    enterpriseTypes: ['private', 'sme', 'state_owned', 'foreign_invested'],
  },
  { type: 'social_org', weight: 2, phoneShare: 0.6 },
];

/** The district's case system (办件系统) as the demo feeds it: its name in case ids and its signing key id. */
export const demoCaseSystem = { system: 'zwfw', keyId: 'zwfw-demo' } as const;

/** The halls and windows as intake configuration (static window QR codes `/q/<hall>/<window>`). */
export const demoIntakeHalls = () =>
  halls.map((hall) => ({
    code: hall.code,
    name: hall.name,
    regionCode,
    windows: hall.windows.map((w) => ({
      code: w.code,
      name: w.name,
      department: { code: w.department, name: departmentByCode(w.department).name },
      matters: departmentByCode(w.department).matters.map((matter) => ({ ...matter })),
    })),
  }));

export const departmentByCode = (code: string): DemoDepartment => {
  const found = departments.find((d) => d.code === code);
  if (!found) throw new Error(`unknown demo department ${code}`);
  return found;
};

/**
 * Who gets the lifecycle's SMS alerts in the demo, by audience (`department_handlers@SCJ` …), with
 * made-up numbers (1390000xxxx) that the SMS outbox seals like any other. Ids are the demo accounts'.
 */
export const demoStaffDirectory = (): Record<
  string,
  readonly { readonly id: string; readonly phone: string }[]
> => {
  const people = new Map<string, { id: string; phone: string }>();
  const person = (id: string) => {
    if (!people.has(id)) people.set(id, { id, phone: `1390000${String(people.size + 1).padStart(4, '0')}` });
    return people.get(id)!;
  };
  const directory: Record<string, { id: string; phone: string }[]> = {
    dispatchers: [person('dispatcher')],
    supervisor: [person('wglead')],
    working_group: [person('wglead')],
    district_leader: [person('district-leader')],
    callback_officers: [person('callback')],
    operators: [person('admin')],
  };
  for (const department of [...departments, serviceDepartment]) {
    const handler = person(`handler-${department.code.toLowerCase()}`);
    directory[`department_handlers@${department.code}`] = [handler];
    directory[`department_head@${department.code}`] = [person(`head-${department.code.toLowerCase()}`)];
  }
  return directory;
};
