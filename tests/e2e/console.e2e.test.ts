import AxeBuilder from '@axe-core/playwright';
import { sql } from 'kysely';
import { mkdir, readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can } from '../../core/access/permissions.ts';
import type { StaffRole } from '../../core/access/roles.ts';
import { scopeOf } from '../../core/access/scope.ts';
import { demoAccounts } from '../../core/access/seed.ts';
import { projectionQueries } from '../../console/server/index.ts';
import type { RatingFilter } from '../../projections/queries/filters.ts';
import { ratingRollup, ratingSummary } from '../../projections/queries/ratings.ts';
import { unratedCases } from '../../projections/queries/funnel.ts';
import { dashboardWarnings, warningDashboard } from '../../projections/queries/warnings.ts';
import type { Rate } from '../../projections/metrics/definitions.ts';
import type { Scorecard } from '../../projections/queries/scorecards.ts';
import type { ScorecardEvidence } from '../../projections/appraisal/evidence.ts';
import type { AppraisalRulesState } from '../../core/appraisal/rules.ts';
import { ensureConsoleBuilt, enterTotpCode, startConsoleStack } from '../support/console-stack.ts';
import { needs, testEnv } from '../support/env.ts';

const artifacts = 'tests/artifacts/console';
const password = `pw-${crypto.randomUUID()}`;

/** The pages of console/web/router/index.ts and who may open them. */
const dashboardRoles: readonly StaffRole[] = [
  'administrator',
  'dispatcher',
  'department_handler',
  'callback_officer',
  'working_group_lead',
  'auditor',
  'appraisal_officer',
];
const configPages = ['indicators', 'variants', 'routing', 'rules', 'calendar'] as const;
const configRoles: readonly StaffRole[] = ['administrator', 'auditor'];
/** The scorecard rates shown with their sample, by the evidence metric the page names them with. */
const scorecardRates = [
  ['good_rate', 'goodRate'],
  ['satisfied_rate', 'satisfiedRate'],
  ['negative_rate', 'negativeRate'],
  ['rectification_completion_rate', 'rectificationCompletionRate'],
  ['on_time_dispatch_rate', 'onTimeDispatchRate'],
  ['on_time_reply_rate', 'onTimeReplyRate'],
] as const;
const percent = (rate: Rate) => (rate.value === null ? '—' : `${(rate.value * 100).toFixed(1)}%`);

const STAGE_CHART = /^各环节预警/;

/** A Beijing calendar day, `days` from now (the dashboard's default range is the last 30 days). */
const shanghaiDay = (days = 0): string =>
  new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Issue 5, acceptance 1, in a real headless Chromium: the embedded stack with a few simulated demo
 * days; each demo account signs in and opens every page its role may see; the numbers on the KPI
 * cards and the inbox count equal what the read-model queries return for that role's scope; a
 * screenshot of each page goes to tests/artifacts/console/<role>-<page>.png; axe-core finds no WCAG
 * 2.1 AA violation on any page.
 */
describe.runIf(needs('console end-to-end in Chromium', 'CHROMIUM_PATH'))(
  'staff console end-to-end (headless Chromium, demo data)',
  () => {
    let stack: Awaited<ReturnType<typeof startConsoleStack>>;
    let browser: Browser;

    beforeAll(async () => {
      await mkdir(artifacts, { recursive: true });
      ensureConsoleBuilt();
      stack = await startConsoleStack({ days: 8, seed: 'console-e2e', password, totp: true });
      browser = await chromium.launch({
        executablePath: testEnv('CHROMIUM_PATH')!,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.close();
    });

    const expectAccessible = async (page: Page, name: string) => {
      await page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });
      const result = await new AxeBuilder({ page: page as never })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze();
      expect(
        result.violations.map(
          (violation) =>
            `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
        ),
        name,
      ).toEqual([]);
    };

    /** Waits until nothing on the page says it is loading and the network is quiet. */
    const settled = async (page: Page) => {
      await page.waitForLoadState('networkidle');
      await expect.poll(() => page.getByText('加载中…').count(), { timeout: 20_000 }).toBe(0);
    };

    const signIn = async (username: string): Promise<Page> => {
      const context = await browser.newContext({
        locale: 'zh-CN',
        viewport: { width: 1366, height: 1600 },
        timezoneId: 'Asia/Shanghai',
      });
      const page = await context.newPage();
      await page.goto(`${stack.origin}/console/signin`);
      await page.locator('#signin-username').fill(username);
      await page.locator('#signin-password').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      const secret = stack.totpSecrets[username]?.secret;
      if (secret) await enterTotpCode(page, secret);
      await page.waitForURL(/\/console\/(dashboard|warnings)$/);
      return page;
    };

    const basis = (rate: Rate) => `${rate.numerator} / ${rate.denominator}`;

    /** The KPI cards, by label, against the read-model queries for the role's scope and the default range. */
    const checkDashboard = async (page: Page, department: string | null) => {
      const filter: RatingFilter = {
        from: shanghaiDay(-29),
        to: shanghaiDay(),
        ...(department ? { department } : {}),
      };
      const summary = await ratingSummary(stack.db, filter);
      const unrated = await unratedCases(stack.db, filter);
      const warnings = await warningDashboard(stack.db, { now: stack.clock.now(), filter });
      const expected: [string, Rate][] = [
        ['好评率', summary.goodRate],
        ['差评率', summary.negativeRate],
        ['未评率', unrated],
        ['差评回复率', warnings.negativeReplyRate],
        ['回访整改率', warnings.callbackRectificationRate],
        ['整改完成率', warnings.rectificationCompletionRate],
      ];
      await expect.poll(() => page.locator('.kpi-basis').count(), { timeout: 20_000 }).toBe(6);
      for (const [label, rate] of expected) {
        const card = page.locator('.kpi', {
          has: page.locator('.kpi-label', { hasText: new RegExp(`^${label}$`) }),
        });
        await expect
          .poll(() => card.locator('.kpi-basis').innerText(), { message: label })
          .toContain(basis(rate));
      }
      // 整改完成率 opens onto the warnings it counts (every phase, closed ones too), not the account's inbox.
      const behind = await dashboardWarnings(stack.db, { now: stack.clock.now(), filter, limit: 500 });
      if (!department) expect(behind.length, 'warnings raised in the last 30 days').toBeGreaterThan(0);
      await page.locator('.kpi', { has: page.locator('.kpi-label', { hasText: /^整改完成率$/ }) }).click();
      const drawer = page.locator('.el-drawer');
      await drawer.waitFor();
      await expect.poll(() => drawer.locator('.el-table__body-wrapper tbody tr').count(), { timeout: 20_000 }).toBe(behind.length);
      if (behind.some((warning) => warning.phase === 'closed')) expect(await drawer.innerText()).toContain('已办结');
      await page.keyboard.press('Escape');
      await expect.poll(() => drawer.isVisible()).toBe(false);
      // 差评回复率 opens onto the 差评 it counts (rated department), each saying whether it was answered.
      const reply = warnings.negativeReplyRate;
      await page.locator('.kpi', { has: page.locator('.kpi-label', { hasText: /^差评回复率$/ }) }).click();
      await drawer.waitFor();
      await expect.poll(() => drawer.locator('.el-table__body-wrapper tbody tr').count(), { timeout: 20_000 }).toBe(Math.min(reply.denominator, 50));
      if (reply.denominator <= 50) {
        expect(await drawer.locator('[data-testid="replied-true"]').count(), '差评 answered').toBe(reply.numerator);
        expect(await drawer.locator('[data-testid="replied-false"]').count(), '差评 unanswered').toBe(reply.denominator - reply.numerator);
      }
      expect(await drawer.locator('.el-drawer__title').innerText()).toContain(`差评 ${reply.denominator} 条,其中已答复 ${reply.numerator} 条`);
      await page.keyboard.press('Escape');
      await expect.poll(() => drawer.isVisible()).toBe(false);
      if (!department) {
        // A chart's points as a folded list of buttons: the same drill-down from the keyboard alone.
        const stages = page.locator('section.panel', { has: page.locator('h2', { hasText: STAGE_CHART }) }).locator('[data-testid="chart-points"]');
        await stages.locator('summary').focus();
        await page.keyboard.press('Enter');
        const first = stages.locator('button').first();
        await first.waitFor();
        await first.focus();
        await page.keyboard.press('Enter');
        await drawer.waitFor();
        await expect.poll(() => drawer.locator('.el-table__body-wrapper tbody tr').count(), { timeout: 20_000 }).toBeGreaterThan(0);
        await page.keyboard.press('Escape');
        await expect.poll(() => drawer.isVisible()).toBe(false);
        // 按窗口: every hall has a 1号窗口 (the demo's halls number their windows alike), so each bar
        // names its hall, and its drill-down lists that hall's window alone.
        const windows = await ratingRollup(stack.db, { filter, by: 'window' });
        const ranking = page.locator('section.panel', { has: page.locator('h2', { hasText: /^排名$/ }) });
        await ranking.locator('.el-radio-button', { hasText: '按窗口' }).click();
        const points = ranking.locator('[data-testid="chart-points"]');
        await points.locator('summary').click();
        const labels = await points.locator('button').allInnerTexts();
        expect(labels.length).toBe(Math.min(windows.length, 20));
        for (const text of labels) expect(text).toMatch(/^\S+ · \d+号窗口:/);
        const windowName = (text: string) => text.slice(text.indexOf(' · ') + 3, text.indexOf(':'));
        const shared = labels.findIndex((text) => labels.filter((other) => windowName(other) === windowName(text)).length > 1);
        expect(shared, 'two halls’ windows of one name are ranked').toBeGreaterThanOrEqual(0);
        const label = labels[shared]!.slice(0, labels[shared]!.indexOf(':'));
        const shown = windows.find((row) => row.label === label)!;
        expect(shown, label).toBeDefined();
        await points.locator('button').nth(shared).click();
        await drawer.waitFor();
        await expect
          .poll(() => drawer.locator('.el-table__body-wrapper tbody tr').count(), { timeout: 20_000 })
          .toBe(Math.min(shown.rated, 50));
        // The 窗口 column (the fifth) of every rating listed names this hall's window, no other's.
        const places = await drawer.locator('.el-table__body-wrapper tbody tr td:nth-child(5)').allInnerTexts();
        expect(new Set(places.map((text) => text.trim()))).toEqual(new Set([label]));
        await page.keyboard.press('Escape');
        await expect.poll(() => drawer.isVisible()).toBe(false);
      }
      return summary.rated;
    };

    /** The inbox says how many warnings it loaded: the staff API's inbox query for this account. */
    const checkInbox = async (page: Page, account: (typeof demoAccounts)[number]): Promise<string | null> => {
      const principal = { accountId: account.username, role: account.role, department: account.department };
      const rows = await projectionQueries(stack.db, stack.clock).warningInbox({
        principal,
        scope: scopeOf(principal),
        overdueOnly: false,
        limit: 500,
      });
      await expect
        .poll(() => page.locator('.note').first().innerText())
        .toContain(`已加载的 ${rows.length} 条预警`);
      return rows[0]?.warningId ?? null;
    };

    /** Rated staff have no inbox: their warnings are the ones about them. */
    const warningAbout = async (staffId: string): Promise<string | null> =>
      (
        await sql<{
          warning_id: string;
        }>`select warning_id from app.warnings where staff_id = ${staffId} order by raised_at limit 1`.execute(
          stack.db,
        )
      ).rows[0]?.warning_id ?? null;

    /** The staff API's answer for the signed-in account (the page's own session cookie). */
    const apiJson = async <T>(page: Page, path: string): Promise<T> => {
      const response = await page.request.get(`${stack.origin}/api/staff${path}`);
      expect(response.status(), path).toBe(200);
      return (await response.json()) as T;
    };

    /**
     * 考核表: every number of every line equals the staff API's scorecard (rates with their sample),
     * the unit with the best good rate ranks first, the rules panel shows the rules in force, a
     * number opens the ratings behind it, the .xlsx export is a zip; the appraisal officer overrides
     * a value with a written reason and sees it beside the unchanged computed value.
     */
    const checkScorecards = async (page: Page, role: StaffRole): Promise<void> => {
      const { rows: latest } = await sql<{ day: string }>`select max(day_key)::text as day from app.rating_facts`.execute(stack.db);
      const period = latest[0]!.day.slice(0, 4);
      await page.goto(`${stack.origin}/console/scorecards?unit=department&period=${period}`);
      await settled(page);
      expect(await page.getByRole('link', { name: '考核表' }).count()).toBe(1);
      const card = await apiJson<Scorecard>(page, `/scorecards/department/${period}`);
      expect(card.rows.length).toBeGreaterThan(0);
      const cell = (unit: string, metric: string) => page.locator(`[data-testid="cell-${unit}-${metric}"]`);
      await expect.poll(() => page.locator('[data-testid^="cell-"][data-testid$="-good_rate"]').count(), { timeout: 20_000 }).toBe(card.rows.length);
      for (const row of card.rows) {
        expect(await cell(row.unit, 'rated').locator('.value').innerText(), row.unit).toBe(String(row.rated));
        for (const [metric, key] of scorecardRates) {
          const rate = row[key];
          expect(await cell(row.unit, metric).locator('.value').innerText(), `${row.unit} ${metric}`).toBe(percent(rate));
          expect(await cell(row.unit, metric).locator('.sample').innerText(), `${row.unit} ${metric} sample`).toContain(`${rate.numerator}/${rate.denominator}`);
        }
        expect(await cell(row.unit, 'warnings').locator('.value').innerText()).toBe(String(row.warnings));
        expect(await cell(row.unit, 'appeals_upheld').locator('.value').innerText()).toBe(String(row.appealsUpheld));
        expect(await cell(row.unit, 'award_eligible').locator('.value').innerText()).toBe(row.eligibility.eligible ? '保留' : '取消');
      }
      const best = [...card.rows].filter((row) => row.goodRate.value !== null).sort((a, b) => b.goodRate.value! - a.goodRate.value!)[0]!;
      const firstRow = page.locator('[data-testid="scorecard-table"] .el-table__body-wrapper tbody tr').first();
      expect(await firstRow.locator('[data-testid="rank"]').innerText()).toBe('1');
      expect(percent(best.goodRate)).toBe(await firstRow.locator('[data-testid$="-good_rate"] .value').innerText());

      const rules = await apiJson<AppraisalRulesState>(page, '/scorecards/rules');
      await page.getByRole('button', { name: '考核规则(当前生效)' }).click();
      await expect.poll(() => page.locator('[data-testid="rules-limit"]').innerText()).toBe(`${rules.value.consecutiveUnrectifiedLimit} 条`);

      // The ratings behind the good rate of the unit with the most ratings.
      const busiest = [...card.rows].sort((a, b) => b.rated - a.rated)[0]!;
      const evidence = await apiJson<ScorecardEvidence>(page, `/scorecards/department/${period}/evidence?unit=${encodeURIComponent(busiest.unit)}&metric=good_rate`);
      expect(evidence.ratings.length).toBeGreaterThan(0);
      await cell(busiest.unit, 'good_rate').locator('button').click();
      const drawer = page.locator('.el-drawer');
      await drawer.locator('[data-testid="evidence-ratings"] tbody tr').first().waitFor();
      expect(await drawer.locator('[data-testid="evidence-ratings"] .el-table__body-wrapper tbody tr').count()).toBe(evidence.ratings.length);
      await page.keyboard.press('Escape');
      await expect.poll(() => drawer.isVisible()).toBe(false);

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-xlsx"]').click()]);
      // axe judges the page at rest: not under the pointer or focus of the export just clicked.
      await page.mouse.move(0, 0);
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const bytes = await readFile((await download.path())!);
      expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
      // The link carries the console's language (a download sends no Accept-Language of the console's).
      expect(await page.locator('[data-testid="export-xlsx"]').getAttribute('href')).toContain('lang=zh-CN');
      expect(download.suggestedFilename()).toMatch(/^部门考核表-.+\.xlsx$/);

      if (can(role, 'appraisal.override')) {
        const target = busiest;
        await page.locator(`[data-testid="override-${target.unit}"]`).click();
        const form = page.locator('[data-testid="override-form"]');
        await form.waitFor();
        await form.locator('[data-testid="override-value"] input').fill('88.8');
        await form.locator('[data-testid="override-value"] input').press('Tab');
        // No reason, no override: the form says so in the officer's language.
        await form.locator('[data-testid="override-submit"]').click();
        await form.getByText('请填写调整理由').first().waitFor();
        await form.locator('textarea').fill('评价含误点击,经核实调整');
        const overridePost = (request: { method(): string; url(): string }) => request.method() === 'POST' && /\/scorecards\/department\/[^/]+\/overrides$/.test(request.url());
        const [firstOverride] = await Promise.all([page.waitForRequest(overridePost), form.locator('[data-testid="override-submit"]').click()]);
        const firstKey = (await firstOverride.allHeaders())['idempotency-key']!;
        expect(firstKey).toBeTruthy();
        // (Another account may have overridden this line already, in its own pass of this test.)
        await expect.poll(() => cell(target.unit, 'good_rate').locator('.override-value').allInnerTexts(), { timeout: 20_000 }).toEqual(['88.8%']);
        expect(await cell(target.unit, 'good_rate').locator('.value').innerText()).toBe(percent(target.goodRate));
        const after = await apiJson<Scorecard>(page, `/scorecards/department/${period}`);
        const overridden = after.rows.find((row) => row.unit === target.unit)!.overrides.good_rate!;
        expect(overridden.value).toBeCloseTo(0.888, 6);
        expect(overridden.computed).toBe(target.goodRate.value);
        expect(overridden.reason).toBe('评价含误点击,经核实调整');
        // A different override sent under the first one's Idempotency-Key (as a client that reused a
        // key would): refused, and the form says the earlier submission took effect. Sent again, with
        // the new key the form then takes, it is applied.
        await expect.poll(() => page.locator('.el-message').count(), { timeout: 20_000 }).toBe(0);
        await page.locator(`[data-testid="override-${target.unit}"]`).click();
        await form.waitFor();
        await form.locator('[data-testid="override-value"] input').fill('77.7');
        await form.locator('[data-testid="override-value"] input').press('Tab');
        await form.locator('textarea').fill('复核后再次调整');
        await page.route(/\/scorecards\/department\/[^/]+\/overrides$/, (route) => route.continue({ headers: { ...route.request().headers(), 'idempotency-key': firstKey } }), { times: 1 });
        const [reused] = await Promise.all([page.waitForResponse((response) => overridePost(response.request())), form.locator('[data-testid="override-submit"]').click()]);
        expect(reused.status()).toBe(422);
        await form.getByText('此前一次内容不同的提交已经生效').waitFor();
        expect(await cell(target.unit, 'good_rate').locator('.override-value').innerText()).toBe('88.8%');
        const [again] = await Promise.all([page.waitForResponse((response) => overridePost(response.request())), form.locator('[data-testid="override-submit"]').click()]);
        expect(again.status()).toBe(200);
        expect((await again.request().allHeaders())['idempotency-key']).not.toBe(firstKey);
        await expect.poll(() => cell(target.unit, 'good_rate').locator('.override-value').innerText(), { timeout: 20_000 }).toBe('77.7%');
        // The success notice fades out before axe looks at the page.
        await expect.poll(() => page.locator('.el-message').count(), { timeout: 20_000 }).toBe(0);
        await page.mouse.move(0, 0);
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      } else {
        expect(await page.locator('[data-testid^="override-"]').count()).toBe(0);
      }
      await expectAccessible(page, `${role}-scorecards`);
    };

    it('has demo data behind the pages', async () => {
      const summary = await ratingSummary(stack.db, { from: shanghaiDay(-29), to: shanghaiDay() });
      expect(summary.rated).toBeGreaterThan(20);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from app.warnings`.execute(
        stack.db,
      );
      expect(rows[0]!.n).toBeGreaterThan(0);
    });

    /** The accounts whose warning page was opened and checked (an empty inbox has none to open). */
    const warningPagesChecked: string[] = [];
    for (const account of demoAccounts) {
      it(`${account.role} (${account.username}) sees the right numbers on every page it may open, accessibly`, async () => {
        const page = await signIn(account.username);
        const name = (pageName: string) =>
          `${account.role}${account.role === 'department_handler' ? `-${account.department}` : ''}-${pageName}`;
        try {
          if (dashboardRoles.includes(account.role)) {
            await page.goto(`${stack.origin}/console/dashboard`);
            await settled(page);
            await checkDashboard(page, account.role === 'department_handler' ? account.department : null);
            await expectAccessible(page, name('dashboard'));
          }

          await page.goto(`${stack.origin}/console/warnings`);
          await settled(page);
          let warningId = await checkInbox(page, account);
          await expectAccessible(page, name('warnings'));

          if (account.role === 'rated_staff') warningId = await warningAbout(account.username);
          if (warningId) {
            await page.goto(`${stack.origin}/console/warnings/${encodeURIComponent(warningId)}`);
            await settled(page);
            await page.getByText(warningId).first().waitFor();
            await expectAccessible(page, name('warning'));
            warningPagesChecked.push(account.username);
          } else {
            console.warn(`[skip] ${account.username}: no warning in its scope today, so its warning page was not opened`);
          }

          if (account.role === 'administrator') {
            await page.goto(`${stack.origin}/console/sms`);
            await settled(page);
            const { rows } = await sql<{ n: number }>`select count(*)::int as n from app.sms_outbox`.execute(
              stack.db,
            );
            expect(rows[0]!.n).toBeGreaterThan(0);
            await page.locator('table').getByText(/\*{4}/).first().waitFor();
            await expectAccessible(page, name('sms'));
          }

          if (can(account.role, 'appraisal.read')) {
            await checkScorecards(page, account.role);
          } else {
            await page.goto(`${stack.origin}/console/scorecards`);
            await page.waitForURL(/\/console\/forbidden$/);
          }

          if (configRoles.includes(account.role)) {
            for (const config of configPages) {
              await page.goto(`${stack.origin}/console/config/${config}`);
              await settled(page);
              // Served by the API now: never the "not wired yet, shipped defaults" notice.
              expect(await page.getByText(/接口尚未接入|接口未接入/).count()).toBe(0);
              await expectAccessible(page, name(`config-${config}`));
            }
          } else {
            await page.goto(`${stack.origin}/console/config/routing`);
            await page.waitForURL(/\/console\/forbidden$/);
          }
        } finally {
          await page.context().close();
        }
      });
    }

    it('opened a warning page for every district-wide reader (the demo has warnings)', () => {
      expect(warningPagesChecked).toEqual(expect.arrayContaining(['admin', 'wglead', 'auditor']));
    });
  },
);
