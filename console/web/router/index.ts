import { createRouter, createWebHistory } from 'vue-router';
import type { RouteLocationNormalized } from 'vue-router';
import type { StaffAction, StaffRole } from '../api/types.ts';
import { can, hasRole, restoreSession, session } from '../session/store.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** The menu entry / page title (an i18n key). */
    title?: string;
    /** The permission (permissions.ts) a page needs. */
    permission?: StaffAction;
    /** The roles a page is for, when no single permission says it. */
    roles?: readonly StaffRole[];
  }
}

/** Roles that read the dashboards: everyone but rated staff (appeals only). */
export const dashboardRoles: readonly StaffRole[] = [
  'administrator',
  'dispatcher',
  'department_handler',
  'callback_officer',
  'working_group_lead',
  'auditor',
  'appraisal_officer',
];
/** Configuration: administrators (and auditors, read-only, to see what was in force). */
export const configRoles: readonly StaffRole[] = ['administrator', 'auditor'];
/** The development SMS outbox: administrators. */
export const smsRoles: readonly StaffRole[] = ['administrator'];

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/signin', name: 'signin', component: () => import('../views/SignIn.vue'), meta: { public: true, title: 'signin.title' } },
    {
      path: '/',
      component: () => import('../layout/AppShell.vue'),
      children: [
        // The start page depends on the role, known only after the session check: the guard below sends on.
        { path: '', name: 'home', component: { render: () => null } },
        { path: 'dashboard', name: 'dashboard', component: () => import('../views/dashboard/DashboardPage.vue'), meta: { title: 'nav.dashboard', roles: dashboardRoles } },
        { path: 'warnings', name: 'warnings', component: () => import('../views/warnings/InboxPage.vue'), meta: { title: 'nav.warnings', permission: 'warning.list' } },
        {
          path: 'warnings/:id',
          name: 'warning',
          component: () => import('../views/warnings/WarningDetailPage.vue'),
          props: true,
          meta: { title: 'detail.title', permission: 'warning.read' },
        },
        {
          path: 'audit/:kind(warnings|ratings|config)/:id',
          name: 'audit-timeline',
          component: () => import('../views/audit/AuditTimelinePage.vue'),
          props: true,
          meta: { title: 'audit.title', permission: 'audit.read' },
        },
        { path: 'scorecards', name: 'scorecards', component: () => import('../views/scorecards/ScorecardsPage.vue'), meta: { title: 'nav.scorecards', permission: 'appraisal.read' } },
        { path: 'sms', name: 'sms', component: () => import('../views/sms/SmsOutboxPage.vue'), meta: { title: 'nav.sms', roles: smsRoles } },
        { path: 'config/indicators', name: 'config-indicators', component: () => import('../views/config/IndicatorBankPage.vue'), meta: { title: 'nav.configIndicators', roles: configRoles } },
        { path: 'config/variants', name: 'config-variants', component: () => import('../views/config/VariantsPage.vue'), meta: { title: 'nav.configVariants', roles: configRoles } },
        { path: 'config/routing', name: 'config-routing', component: () => import('../views/config/RoutingTablePage.vue'), meta: { title: 'nav.configRouting', roles: configRoles } },
        { path: 'config/rules', name: 'config-rules', component: () => import('../views/config/WarningRulesPage.vue'), meta: { title: 'nav.configRules', roles: configRoles } },
        { path: 'config/calendar', name: 'config-calendar', component: () => import('../views/config/CalendarPage.vue'), meta: { title: 'nav.configCalendar', roles: configRoles } },
        { path: 'forbidden', name: 'forbidden', component: () => import('../views/ErrorPage.vue'), props: { kind: 'forbidden' }, meta: { title: 'errors.forbidden' } },
        { path: ':rest(.*)*', name: 'not-found', component: () => import('../views/ErrorPage.vue'), props: { kind: 'notFound' }, meta: { title: 'errors.notFound' } },
      ],
    },
  ],
});

export const allowed = (route: Pick<RouteLocationNormalized, 'meta'>): boolean =>
  (route.meta.permission === undefined || can(route.meta.permission)) && (route.meta.roles === undefined || hasRole(route.meta.roles));

router.beforeEach(async (to) => {
  if (!session.checked) await restoreSession();
  if (to.meta.public) return session.account && to.name === 'signin' ? { name: 'home' } : true;
  if (!session.account) return { name: 'signin', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  if (to.name === 'home') return hasRole(dashboardRoles) ? { name: 'dashboard' } : { name: 'warnings' };
  return allowed(to) ? true : { name: 'forbidden' };
});
