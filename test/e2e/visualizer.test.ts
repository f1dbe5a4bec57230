import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validOrderInput } from '../support/fixtures.ts';
import { TEST_ADMIN_KEY } from '../support/testConfig.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';

/**
 * The visualizer in headless Chromium (Debian's, driven by playwright-core; installed with apt when missing): log in
 * with an API key, pick a live order by its id, see its state highlighted, move the order and see the highlight and
 * the journal follow, then travel back to version 1; a revoked key ends the session. Leaves a screenshot in
 * test-results/visualizer.png.
 */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = 'test-results/visualizer.png';
/** Without the background-networking flags, Chromium's connections are refused on our machines. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Every wait in the page has this deadline: generous for a first bundle on 2 cores, never a fixed sleep. */
const WAIT_MS = 20_000;

const run = promisify(execFile);

async function apt(args: string[]): Promise<void> {
  await run('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${CHROMIUM} is missing and this is not root: install it with "apt-get install -y chromium"`,
    );
  }
  try {
    await apt(['install', '-y', '--no-install-recommends', 'chromium']).catch(async () => {
      // A machine that never ran apt-get update has no package lists to install from.
      await apt(['update']);
      await apt(['install', '-y', '--no-install-recommends', 'chromium']);
    });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`could not install Chromium with "apt-get install -y chromium": ${detail}`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
}

let sut: TestSystem;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  await ensureChromium();
  sut = await startTestSystem(ORDER_ACTOR_ONLY);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await sut?.stop();
});

const diagram = () => page.getByTestId('diagram');
const SESSION_COOKIE = 'trackops_api_key';
const sessionCookie = async (context: BrowserContext) =>
  (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);

/** Fills the login form with `key` and submits it; resolves with the status of the POST's answer. */
async function submitLogin(on: Page, key: string): Promise<number> {
  const answer = on.waitForResponse(
    (response) => response.url().endsWith('/viz/session') && response.request().method() === 'POST',
  );
  await on.getByTestId('login-key').fill(key);
  await on.getByTestId('login-submit').click();
  return (await answer).status();
}

/** Chromium reports every 401 a page receives as a console error; those are expected here, nothing else is. */
const unexpected = (errors: readonly string[]) =>
  errors.filter((error) => !/status of 401 \(Unauthorized\)/.test(error));

describe('logging in to /viz', () => {
  it('without a cookie, /viz is the login form; a wrong key is 401 with a message and no cookie; a valid key opens the visualizer', async () => {
    const first = await page.goto(`${sut.trackops.url}/viz`);
    expect(first?.status()).toBe(200);
    await page.getByTestId('login-form').waitFor();
    expect(await page.locator('input[type="password"]').count()).toBe(1);
    expect(await page.locator('body[data-ready]').count()).toBe(0);

    expect(await submitLogin(page, 'tko_000000000000_not-the-key-not-the-key-not-the-key')).toBe(401);
    expect(await page.getByTestId('login-message').textContent()).toContain('That key was refused');
    expect(await sessionCookie(page.context())).toBeUndefined();

    expect(await submitLogin(page, TEST_ADMIN_KEY)).toBe(303);
    await page.locator('body[data-ready="true"]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/viz');
    expect(await sessionCookie(page.context())).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
    });
    expect(unexpected(pageErrors)).toEqual([]);
    pageErrors.length = 0;
  });
});
const activeStates = () => diagram().locator('g.state.active');
const timelineEntry = (version: number) =>
  page.locator(`[data-testid="timeline-entry"][data-version="${version}"]`);

describe('the visualizer at /viz', () => {
  it('when an order moves, then its highlighted state and journal follow; a journal entry shows that version', async () => {
    const order = await sut.client.orders.create.mutate(validOrderInput());

    await page.goto(`${sut.trackops.url}/viz`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByTestId('actor-type').selectOption('order');
    await page.getByTestId('actor-id').fill(order.id);
    await page.getByTestId('actor-id').press('Enter');

    await diagram().locator('g.state.active[data-state="order.PENDING"]').waitFor();
    expect(await activeStates().count()).toBe(1);
    expect(await page.getByTestId('actor-state').textContent()).toBe('PENDING');
    await timelineEntry(1).waitFor();
    expect(await page.getByTestId('context').textContent()).toContain(order.id);
    await page.locator('[data-testid="live-status"][data-live="live"]').waitFor();

    await sut.client.orders.updateStatus.mutate({ id: order.id, status: 'CONFIRMED' });

    await diagram().locator('g.state.active[data-state="order.CONFIRMED"]').waitFor();
    expect(await activeStates().count()).toBe(1);
    await timelineEntry(2).waitFor();
    expect(await timelineEntry(2).getAttribute('data-message-type')).toBe('order.confirm');
    expect(await timelineEntry(2).textContent()).toContain('PENDING → CONFIRMED');
    expect(await page.getByTestId('actor-version').textContent()).toBe('2');

    await timelineEntry(1).click();
    await page.getByTestId('time-travel').waitFor();
    expect(await page.getByTestId('time-travel-label').textContent()).toBe('viewing version 1');
    await diagram().locator('g.state.active[data-state="order.PENDING"]').waitFor();
    expect(await activeStates().count()).toBe(1);
    expect(await page.getByTestId('context-label').textContent()).toBe('at version 1');

    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.getByTestId('back-to-live').click();
    await page.getByTestId('time-travel').waitFor({ state: 'hidden' });
    await diagram().locator('g.state.active[data-state="order.CONFIRMED"]').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('a machine picked without an actor (by link or from the list) is drawn with nothing highlighted', async () => {
    await page.goto(`${sut.trackops.url}/viz#/machine/orderSaga`);
    await diagram().locator('svg[data-machine="orderSaga"]').waitFor();
    expect(await diagram().locator('g.state[data-state="orderSaga.reserving"]').count()).toBe(1);
    expect(await activeStates().count()).toBe(0);

    await page.locator('[data-testid="machine-item"][data-key="machine:payment"]').click();
    await diagram().locator('svg[data-machine="payment"]').waitFor();
    expect(await activeStates().count()).toBe(0);
    expect(page.url()).toContain('#/machine/payment');
    expect(pageErrors).toEqual([]);
  });
});

describe('a session whose key is revoked', () => {
  it('the page says the key was refused and links to the login form; logging out clears the cookie', async () => {
    const key = await sut.client.keys.create.mutate({ name: `viz ${crypto.randomUUID()}`, role: 'operator' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const other = await context.newPage();
      other.setDefaultTimeout(WAIT_MS);
      const errors: string[] = [];
      other.on('pageerror', (error) => errors.push(error.message));
      other.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await other.goto(`${sut.trackops.url}/viz#/machine/order`);
      expect(await submitLogin(other, key.key)).toBe(303);
      await other.locator('body[data-ready="true"]').waitFor();

      await sut.client.keys.revoke.mutate({ id: key.id });
      await other.getByTestId('refresh-lists').click();
      await other.getByTestId('session-ended').waitFor();
      expect(await other.getByTestId('session-ended').textContent()).toContain('refused');

      const relogin = other.waitForResponse((response) => new URL(response.url()).pathname === '/viz');
      await other.getByRole('link', { name: 'Log in again' }).click();
      expect((await relogin).status()).toBe(401);
      expect(await other.getByTestId('login-message').textContent()).toContain('Log in again');
      expect(await sessionCookie(context)).toBeUndefined();

      expect(await submitLogin(other, TEST_ADMIN_KEY)).toBe(303);
      await other.locator('body[data-ready="true"]').waitFor();
      await other.getByTestId('logout').click();
      await other.getByTestId('login-form').waitFor();
      expect(await other.getByTestId('login-message').textContent()).toBe('Logged out.');
      expect(await sessionCookie(context)).toBeUndefined();
      expect(unexpected(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
