import AxeBuilder from '@axe-core/playwright';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples } from '../../core/blobs/testing/samples.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import { caseEvent, tokenFromSms } from '../../intake-edge/tests/fixtures.ts';
import type { Harness } from '../../intake-edge/tests/harness.ts';
import { createHarness } from '../../intake-edge/tests/harness.ts';
import { createTestPglite } from '../support/databases.ts';
import { needs, testEnv } from '../support/env.ts';

const artifacts = 'tests/artifacts/intake';

/**
 * Acceptance line 1 (and 3) of issue 3, in a real headless Chromium against the intake app served by
 * @hono/node-server on PGlite: the case system posts a completed case over HTTP → an invitation SMS
 * lands in the outbox → the browser rates 不满意 with a reason and a picture → EvaluationSubmitted
 * is in the store; repeating is refused; expired and tampered links get their pages and no event.
 * The same through the static QR. axe-core checks WCAG 2.1 AA; screenshots go to tests/artifacts/intake.
 */
describe.runIf(needs('intake end-to-end in Chromium', 'CHROMIUM_PATH'))('intake end-to-end (headless Chromium)', () => {
  let harness: Harness;
  let browser: Browser;
  let origin: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    const { pglite, db } = await createTestPglite();
    const store = createPgliteEventStore({ pglite, db });
    harness = await createHarness({ store, db });
    const server = serve({ fetch: harness.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: testEnv('CHROMIUM_PATH')!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    stop = async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await harness.close();
      await store.close();
      await pglite.close();
    };
  });
  afterAll(async () => {
    await stop?.();
  });

  /** The case system posts over HTTP, signed; the reactor sends the invitation; we read the outbox. */
  const completedCaseLink = async (): Promise<{ token: string; caseId: string }> => {
    const event = caseEvent();
    const body = JSON.stringify(event);
    const headers = await harness.signCaseEvents(body);
    const response = await fetch(`${origin}/api/v1/case-events`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    expect(response.status).toBe(200);
    await harness.react();
    const sms = (await harness.outbox()).filter((row) => row.purpose === 'invitation').at(-1)!;
    expect(sms.text.length).toBeLessThanOrEqual(70);
    return { token: tokenFromSms(sms.text), caseId: event.caseId };
  };

  /** A fresh context per page (axe needs one), speaking zh-CN like most citizens' phones. */
  const newPage = async (options: { viewport?: { width: number; height: number } } = {}): Promise<Page> => {
    const context = await browser.newContext({ locale: 'zh-CN', ...options });
    return context.newPage();
  };

  const evaluations = async () => (await harness.eventsOfType('EvaluationSubmitted')).map((e) => e.data as EvaluationSubmitted['data']);

  const expectAccessible = async (page: Page, name: string) => {
    await page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });
    const result = await new AxeBuilder({ page: page as never }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`), name).toEqual([]);
  };

  it('SMS link → 不满意 with a reason and a picture → EvaluationSubmitted; repeating is refused', async () => {
    const { token, caseId } = await completedCaseLink();
    const page = await newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${origin}/e/${token}`);
    await expectAccessible(page, 'questionnaire');
    // A second tab with the same questionnaire, to repeat the submission later.
    const second = await page.context().newPage();
    await second.goto(`${origin}/e/${token}`);
    await page.getByLabel('不满意', { exact: true }).first().check();
    await page.getByLabel('等候时间长').check();
    await page.setInputFiles('#attachments', { name: 'queue.png', mimeType: 'image/png', buffer: Buffer.from(samples.png(4096)) });
    await page.getByRole('button', { name: '提交评价' }).first().click();
    await page.getByText('感谢您的评价').waitFor();
    await expect(page.getByText('3 个工作日内').count()).resolves.toBe(1);
    await expectAccessible(page, 'thank-you-negative');

    const evaluation = (await evaluations()).find((e) => e.subject.caseNumber === caseId)!;
    expect(evaluation).toMatchObject({ overall: 2, channel: 'sms', reasons: ['R04'], negative: true, questionnaireVersion: 1 });
    expect(evaluation.attachments).toHaveLength(1);
    expect(evaluation.attachments[0]!.mediaType).toBe('image/png');

    const count = await harness.eventCount();
    await second.getByLabel('非常满意', { exact: true }).first().check();
    await second.getByRole('button', { name: '提交评价' }).first().click();
    await second.getByText('您已评价过本次服务').first().waitFor();
    await expectAccessible(second, 'already-used');
    await page.goBack();
    await page.getByText('您已评价过本次服务').first().waitFor();
    expect(await harness.eventCount()).toBe(count);
    await page.context().close();
  });

  it('elder mode and English are one tap away and accessible', async () => {
    const { token } = await completedCaseLink();
    const page = await newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${origin}/e/${token}`);
    await page.getByRole('link', { name: '长辈模式(大字)' }).click();
    await expect(page.locator('body.elder').count()).resolves.toBe(1);
    await expectAccessible(page, 'questionnaire-elder');
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByText('How was our service?').first().waitFor();
    await expectAccessible(page, 'questionnaire-en-elder');
    // Two taps for a top rating.
    await page.getByLabel('Very satisfied', { exact: true }).first().check();
    await page.getByRole('button', { name: 'Submit' }).first().click();
    await page.getByText('Thank you for your rating').waitFor();
    await page.context().close();
  });

  it('expired and tampered links get their pages and no event', async () => {
    const { token } = await completedCaseLink();
    const count = await harness.eventCount();
    const page = await newPage();
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    await page.goto(`${origin}/e/${token.slice(0, -1)}${last}`);
    await page.getByText('评价链接无效').first().waitFor();
    await expectAccessible(page, 'invalid');
    harness.clock.advanceHours(24 * 7 + 1);
    try {
      await page.goto(`${origin}/e/${token}`);
      await page.getByText('评价链接已过期').first().waitFor();
      await expectAccessible(page, 'expired');
    } finally {
      harness.clock.advanceHours(-(24 * 7 + 1));
    }
    expect(await harness.eventCount()).toBe(count);
    await page.context().close();
  });

  it('static QR: one tap on the matter, then 非常满意 and 提交', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${origin}/q/SMZJ/W07`);
    await expectAccessible(page, 'static-qr-matters');
    await page.getByRole('button', { name: '个体工商户登记' }).click();
    await page.getByLabel('非常满意', { exact: true }).first().check();
    await page.getByRole('button', { name: '提交评价' }).first().click();
    await page.getByText('感谢您的评价').waitFor();
    const evaluation = (await evaluations()).find((e) => e.channel === 'qr_static' && e.subject.matter.code === 'M-REG');
    expect(evaluation).toMatchObject({ overall: 5, subject: { hall: { code: 'SMZJ' }, window: { code: 'W07' }, caseNumber: null } });
    await page.context().close();
  });
});
