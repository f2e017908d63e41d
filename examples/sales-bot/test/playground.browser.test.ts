import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { silentLogger, systemClock } from '@botkeel/core';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/catalogue/catalogue.js';
import { readConfig } from '../src/config.js';
import { runPlayground } from '../src/playground/run-playground.js';

// Debian's Chromium: `.ci/run` installs it when missing. Outside CI, a machine without it skips this file.
const executablePath = '/usr/bin/chromium';
const isRunnable = existsSync(executablePath) || process.env['CI'] === 'true';
const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const waitMs = 30_000;

const catalogue = loadCatalogue();
const product = catalogue.bySku('BK-001')!;
const [colour, sizes] = Object.entries(product.stock).find(([, units]) =>
  Object.values(units).some((count) => count > 0),
)!;
const size = Object.entries(sizes).find(([, units]) => units > 0)![0];
const colourWords: Record<string, string> = {
  black: 'чорний',
  white: 'білий',
  navy: 'синій',
  grey: 'сірий',
  beige: 'бежевий',
  green: 'зелений',
  red: 'червоний',
  blue: 'блакитний',
};

describe.skipIf(!isRunnable)('the playground in a browser (skipped: no /usr/bin/chromium)', () => {
  let running: Awaited<ReturnType<typeof runPlayground>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    running = await runPlayground(readConfig({ PORT: '0', HOST: '127.0.0.1' }), systemClock, silentLogger);
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 60_000,
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'uk-UA' });
    page.setDefaultTimeout(waitMs);
    await page.goto(`${running.url}?chat=browser-${Date.now().toString(36)}`);
    await page.locator('#chart g[data-state="STATE_0_INIT"]').waitFor();
  }, 120_000);

  afterAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await page
      ?.screenshot({ path: `${artifacts}playground-last.png`, fullPage: true })
      .catch(() => undefined);
    await browser?.close();
    await running?.bot.stop({ deadlineMs: 5_000 });
  });

  /** Types `text`, sends it, and waits for a new bot reply matching `expected`. */
  const say = async (text: string, expected: RegExp) => {
    const before = await page.locator('#log .bot').count();
    await page.locator('#text').fill(text);
    await page.locator('#text').press('Enter');
    await expect
      .poll(
        async () =>
          (await page.locator('#log .bot').allTextContents())
            .slice(before)
            .some((line) => expected.test(line)),
        { timeout: waitMs, interval: 100 },
      )
      .toBe(true);
  };
  const highlighted = (state: string) =>
    page.locator(`#chart g[data-state="${state}"].current`).waitFor({ timeout: waitMs });

  it('sells from the greeting to a confirmed order, then shows the fallbacks at work', async () => {
    expect(await page.locator('#providers').textContent()).toContain('offline demo');

    await say('Привіт!', /Вітаю/);
    await highlighted('STATE_1_DISCOVERY');
    const firstTrace = page.locator('#traces .trace').first();
    await firstTrace.locator('[data-step="botkeel.ratelimit.consume"]').waitFor();
    expect(await firstTrace.locator('[data-step="botkeel.dedupe.claim"]').textContent()).toContain(
      'result=claimed',
    );
    expect(await firstTrace.locator('[data-step="botkeel.ratelimit.consume"]').textContent()).toContain(
      'source=redis-demo',
    );
    await firstTrace.locator('[data-step="botkeel.sanitize"]').waitFor();
    expect(await firstTrace.locator('[data-step="botkeel.debounce.flush"]').textContent()).toContain(
      'batch_id=',
    );

    await say(`Шукаю ${product.name.uk}`, new RegExp(product.name.uk));
    await highlighted('STATE_3_SIZE_COLOUR');
    await say(`розмір ${size}`, /колір/);
    await say(colourWords[colour]!, new RegExp(`${product.priceUah} UAH`));
    await highlighted('STATE_4_OFFER');
    await say('Так, оформлюємо', /Нової пошти/);
    await highlighted('STATE_6_ORDER');
    await say('Олена, +380501234567, Київ, відділення 12', /Замовлення оформлено/);
    await highlighted('STATE_7_END');

    await page.locator('input[data-fault="primaryLlmFailing"]').check();
    await expect.poll(() => running.faults.isOn('primaryLlmFailing'), { timeout: waitMs }).toBe(true);
    await say('Дякую, ще питання', /Вітаю/);
    await highlighted('STATE_1_DISCOVERY');
    await say('Що порадите?', /.+/);
    const llm = page
      .locator('#traces .trace')
      .first()
      .locator('[data-step="botkeel.llm.complete"]')
      .filter({ hasText: 'provider=offline-demo-fallback' });
    await llm.waitFor();
    expect(
      await page.locator('#traces .trace').first().locator('[data-step="botkeel.llm.attempt"].error').count(),
    ).toBeGreaterThan(0);

    // "Redis down": the limiter chain's fallback store decides, and the trace names it.
    await page.locator('input[data-fault="redisDown"]').check();
    await page.locator('input[data-fault="telegram429"]').check();
    await expect.poll(() => running.faults.isOn('telegram429'), { timeout: waitMs }).toBe(true);
    await say('Є светр?', /Светр|светр|Sweater/);
    const latest = page.locator('#traces .trace').first();
    await latest.locator('[data-step="botkeel.channel.send"]').first().waitFor();
    await latest.locator('[data-step="botkeel.debounce.flush"]').waitFor();
    expect(await latest.locator('[data-step="botkeel.ratelimit.consume"]').textContent()).toContain(
      'source=local-memory',
    );
    // "Telegram 429": the first send attempt is refused with retry_after, the client's retry delivers it.
    expect(await latest.locator('[data-step="botkeel.channel.send"]').first().textContent()).toMatch(
      /429 Too Many Requests.*200 sendMessage/,
    );

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}playground.png`, fullPage: true });
  }, 180_000);
});
