import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeOpenAI, type FakeOpenAIServer, type FakeOpenAIStep } from '@botkeel/core/testing';
import { startTelegramSimulator, type TelegramSimulator } from '@botkeel/adapter-telegram/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The store packages' own throwaway servers: a redis-server and an initdb/pg_ctl cluster (run as `postgres`).
import {
  startOwnRedisServer,
  type OwnRedisServer,
} from '../../../packages/store-redis/test/helpers/redis-server.js';
import {
  clusterBinaries,
  createThrowawayCluster,
  type ThrowawayCluster,
} from '../../../packages/store-postgres/test/support/throwaway-cluster.js';
import { spawnBot, type BotProcess } from './helpers/bot-process.js';
import { shopScript, type ShopScript } from './helpers/shop-scripts.js';
import { countOrders, readChatStates } from './helpers/shop-state.js';
import { sleep, until } from './helpers/until.js';
import { createWebhookTraffic, type Redelivery } from './helpers/webhook-traffic.js';

const run = promisify(execFile);
const secret = 'webhook_secret_0123456789';
const managersChatId = '-1001234567890';
const namespace = 'cluster_shop';
const chatsPerWave = 30;

// 20% of the model calls fail, spread evenly (37 and 100 are coprime): 500s, 429s with retry-after,
// connection resets, malformed bodies, and hangs (the router's hedge or attempt timeout takes over).
const modelStep = (index: number): FakeOpenAIStep => {
  const roll = (index * 37 + 11) % 100;
  if (roll < 7) return { status: 500 };
  if (roll < 11) return { status: 429, retryAfterMs: 1_000 };
  if (roll < 14) return { reset: true };
  if (roll < 16) return { malformed: true };
  if (roll < 20) return { hang: true };
  return { reply: `Порада №${index}: худі Класик або джинси Оверсайз.`, delayMs: (roll % 5) * 100 };
};
const isFault = (index: number) => (index * 37 + 11) % 100 < 20;

let redisDirectory: string | undefined;
let redis: OwnRedisServer | undefined;
let postgres: ThrowawayCluster | undefined;
let simulator: TelegramSimulator | undefined;
let openai: FakeOpenAIServer | undefined;
let pool: pg.Pool | undefined;
const bots: BotProcess[] = [];
let nextUpdateId = 1;
let nextMessageId = 1;

function textUpdate(chatId: number, text: string): Record<string, unknown> {
  const id = nextUpdateId++;
  return {
    update_id: id,
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1_000),
      text,
      chat: { id: chatId, type: 'private', first_name: `Customer ${chatId}` },
      from: { id: chatId, is_bot: false, first_name: `Customer ${chatId}`, language_code: 'uk' },
    },
  };
}

// About 30% of the updates are delivered twice, to two instances: 2 in 10 at the same moment, 1 in 10 after the first 200.
const redeliveryOf = (updateId: number): Redelivery =>
  updateId % 10 < 2 ? 'concurrent' : updateId % 10 === 2 ? 'after-ack' : 'none';

const world = () => {
  if (simulator === undefined || openai === undefined || pool === undefined || redis === undefined)
    throw new Error('the servers did not start');
  if (postgres === undefined) throw new Error('the Postgres cluster did not start');
  return { simulator, openai, pool, redis, postgres };
};

const managerMessagesAbout = (chatId: number) =>
  world()
    .simulator.messages(managersChatId)
    .filter((message) => new RegExp(`#chat${chatId}\\b`).test(message.text)).length;

/**
 * Restarts Redis the way a service manager does: SHUTDOWN (clients are dropped, the append-only
 * file — fsynced on every write — is flushed), then the same server on the same port and folder.
 */
async function restartRedis(server: OwnRedisServer): Promise<{ keysBefore: number; keysAfter: number }> {
  const cli = (...args: string[]) =>
    run('redis-cli', ['-p', String(server.port), ...args], { timeout: 10_000 }).then(({ stdout }) =>
      stdout.trim(),
    );
  const keysBefore = Number(await cli('dbsize'));
  await cli('shutdown').catch(() => undefined);
  await server.kill(); // the process has exited: this only forgets it
  await server.start();
  return { keysBefore, keysAfter: Number(await cli('dbsize')) };
}

async function readyz(bot: BotProcess): Promise<number> {
  try {
    return (await fetch(`${bot.url}/readyz`, { signal: AbortSignal.timeout(3_000) })).status;
  } catch {
    return 0;
  }
}

async function updatesByStatus(): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const bot of bots.filter((candidate) => candidate.isRunning)) {
    const text = await (await fetch(`${bot.url}/metrics`)).text();
    for (const match of text.matchAll(/^botkeel_updates_total\{[^}]*status="(\w+)"[^}]*\} (\d+)/gm)) {
      const status = match[1] as string;
      totals[status] = (totals[status] ?? 0) + Number(match[2]);
    }
  }
  return totals;
}

// Issue 9, production mode end to end: 3 instances of src/main.ts behind a round-robin "Telegram",
// each update redelivered to another instance now and then, 20% model faults; wave 1 healthy, wave 2
// under a SIGKILL of one instance, a Redis restart and a Postgres restart. Checked per chat: replies
// (count and last text), manager messages, the funnel state and what it saw (from the checkpoint),
// and rows in shop_orders. BOTKEEL_CLUSTER_LOGS=<folder> keeps the instances' logs.
describe.skipIf(clusterBinaries === undefined)(
  'production mode, 3 instances, faults (own redis-server and Postgres cluster; skipped without initdb/pg_ctl)',
  () => {
    let traffic: ReturnType<typeof createWebhookTraffic>;
    const chats = new Map<number, ShopScript>();
    const durations = new Map<number, number>();
    const startedAt = Date.now();

    /** One customer's conversation: each message once it is accepted, then wait for the bot's answer. */
    const converse = async (chatId: number, script: ShopScript, stepTimeoutMs: number) => {
      const { simulator: telegram } = world();
      let replies = 0;
      let managerMessages = 0;
      for (const step of script.steps) {
        const update = textUpdate(chatId, step.text);
        await traffic.deliver(update, redeliveryOf(update['update_id'] as number));
        replies += step.replies;
        managerMessages += step.managerMessages;
        const isAnswered = await until(
          () =>
            telegram.messages(String(chatId)).length >= replies &&
            managerMessagesAbout(chatId) >= managerMessages,
          stepTimeoutMs,
          100,
        );
        if (!isAnswered) {
          throw new Error(
            `chat ${chatId} got no answer to "${step.text}" within ${stepTimeoutMs} ms: ${JSON.stringify(
              telegram.messages(String(chatId)).map((message) => message.text),
            )}`,
          );
        }
      }
    };

    /** Runs one wave of `chatsPerWave` conversations, starting them 150 ms apart. */
    const wave = (firstChatId: number, stepTimeoutMs: number) =>
      Promise.all(
        Array.from({ length: chatsPerWave }, async (_, index) => {
          const chatId = firstChatId + index;
          const script = shopScript(index);
          chats.set(chatId, script);
          await sleep(index * 150);
          const chatStartedAt = Date.now();
          await converse(chatId, script, stepTimeoutMs);
          durations.set(chatId, Date.now() - chatStartedAt);
        }),
      );

    /** Every conversation so far ended where its script says, with nothing lost and nothing twice. */
    const verify = async () => {
      const { simulator: telegram, pool: database } = world();
      // Late duplicates would arrive within a debounce window or a retry delay or two.
      await sleep(3_000);
      const states = await readChatStates(database, namespace);
      const orders = await countOrders(database, namespace);
      const problems: string[] = [];
      for (const [chatId, script] of chats) {
        const sent = telegram.messages(String(chatId)).map((message) => message.text);
        const expectedReplies = script.steps.reduce((sum, step) => sum + step.replies, 0);
        const expectedManagers = script.steps.reduce((sum, step) => sum + step.managerMessages, 0);
        const state = states.get(String(chatId));
        const expectedUserLines = script.steps
          .filter((step) => step.managerMessages === 0)
          .map((step) => step.text);
        if (sent.length !== expectedReplies)
          problems.push(`${chatId}: ${sent.length} replies, expected ${expectedReplies}`);
        if (!script.lastReply.test(sent.at(-1) ?? ''))
          problems.push(`${chatId}: last reply ${JSON.stringify(sent.at(-1))}`);
        if (managerMessagesAbout(chatId) !== expectedManagers)
          problems.push(
            `${chatId}: ${managerMessagesAbout(chatId)} manager messages, expected ${expectedManagers}`,
          );
        if (state?.state !== script.finalState)
          problems.push(`${chatId}: state ${state?.state}, expected ${script.finalState}`);
        if (JSON.stringify(state?.userLines) !== JSON.stringify(expectedUserLines))
          problems.push(`${chatId}: the funnel saw ${JSON.stringify(state?.userLines)}`);
        if ((orders.get(String(chatId)) ?? 0) !== script.orders)
          problems.push(`${chatId}: ${orders.get(String(chatId)) ?? 0} orders, expected ${script.orders}`);
        if ((script.orders === 1) !== (state?.orderId !== undefined))
          problems.push(`${chatId}: order id ${state?.orderId}`);
      }
      return { problems, states, orders };
    };

    const summary = async (label: string) => {
      const { simulator: telegram, openai: model } = world();
      const scripts = [...chats.values()];
      const customerSends = telegram
        .callsOf('sendMessage')
        .filter((call) => String(call.params['chat_id']) !== managersChatId);
      const expectedReplies = scripts.reduce(
        (sum, script) => sum + script.steps.reduce((inner, step) => inner + step.replies, 0),
        0,
      );
      const delivered = customerSends.filter((call) => call.status === 200).length;
      const orders = await countOrders(world().pool, namespace);
      console.log(
        [
          `--- production cluster: ${label} (${Math.round((Date.now() - startedAt) / 1_000)} s) ---`,
          `conversations            ${chats.size} (${scripts.filter((s) => s.kind === 'order').length} orders, ${scripts.filter((s) => s.kind === 'declined').length} declined, ${scripts.filter((s) => s.kind === 'escalated').length} escalated)`,
          `updates posted           ${traffic.counts.updates}`,
          `POSTs (all)              ${traffic.counts.posts} by status ${JSON.stringify(traffic.counts.statuses)}`,
          `deliberate redeliveries  ${traffic.counts.redeliveries}`,
          `retries after non-200    ${traffic.counts.retries}`,
          `bot updates (survivors)  ${JSON.stringify(await updatesByStatus())}`,
          `replies sent             ${delivered} (expected ${expectedReplies}; duplicates ${Math.max(0, delivered - expectedReplies)})`,
          `manager messages         ${telegram.messages(managersChatId).length}`,
          `orders in shop_orders    ${[...orders.values()].reduce((sum, count) => sum + count, 0)} (chats with >1: ${[...orders.values()].filter((count) => count > 1).length})`,
          `slowest conversations    ${[...durations]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([chatId, ms]) => `${chatId}: ${(ms / 1_000).toFixed(1)} s`)
            .join(', ')}`,
          `model requests           ${model.requests.length} (faults injected ${model.requests.filter((_, index) => isFault(index)).length}, aborted ${model.abortCount})`,
        ].join('\n'),
      );
    };

    beforeAll(async () => {
      redisDirectory = mkdtempSync(join(tmpdir(), 'botkeel-cluster-redis-'));
      // Every write is in the append-only file before Redis answers, so a restart (even a kill) keeps it.
      // Each server is kept as soon as it runs, so afterAll stops it even if another one fails to start.
      await Promise.all([
        startOwnRedisServer(['--appendonly', 'yes', '--appendfsync', 'always', '--dir', redisDirectory]).then(
          (server) => void (redis = server),
        ),
        createThrowawayCluster().then((cluster) => void (postgres = cluster)),
        startTelegramSimulator().then((server) => void (simulator = server)),
        startFakeOpenAI({ script: (_, index) => modelStep(index) }).then((server) => void (openai = server)),
      ]);
      const [telegram, model, redisServer, cluster] = [simulator, openai, redis, postgres];
      if (!telegram || !model || !redisServer || !cluster) throw new Error('a server did not start');
      pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
      pool.on('error', () => undefined);
      const environment = {
        BOT_MODE: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        INSTANCES: '3',
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_WEBHOOK_SECRET: secret,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        TELEGRAM_MANAGERS_CHAT_ID: managersChatId,
        OPENAI_API_KEY: 'sk-test-0123456789abcdefghij',
        OPENAI_BASE_URL: model.baseURL,
        REDIS_URL: `redis://127.0.0.1:${redisServer.port}`,
        DATABASE_URL: cluster.url,
        STORE_NAMESPACE: namespace,
      };
      // Each instance is tracked as soon as it runs, so afterAll kills it even if another one fails to start.
      await Promise.all(
        ['bot-a', 'bot-b', 'bot-c'].map(async (name) => void bots.push(await spawnBot(name, environment))),
      );
      bots.sort((a, b) => a.name.localeCompare(b.name));
      traffic = createWebhookTraffic({
        simulator: telegram,
        secret,
        targets: () => bots.map((bot) => bot.url),
      });
    }, 120_000);

    afterAll(async () => {
      await Promise.allSettled(bots.map((bot) => bot.stop('SIGKILL')));
      // BOTKEEL_CLUSTER_LOGS=<folder> keeps each instance's JSON log lines for a post-mortem.
      const logFolder = process.env['BOTKEEL_CLUSTER_LOGS'];
      if (logFolder !== undefined) {
        mkdirSync(logFolder, { recursive: true });
        for (const bot of bots) writeFileSync(join(logFolder, `${bot.name}.log`), bot.output());
      }
      await Promise.allSettled([simulator?.close(), openai?.close(), pool?.end()]);
      await Promise.allSettled([postgres?.destroy(), redis?.stop()]);
      if (redisDirectory !== undefined) rmSync(redisDirectory, { recursive: true, force: true });
    }, 60_000);

    it('answers every conversation once across instances, then survives a SIGKILL, a Redis and a Postgres restart', async () => {
      // Wave 1: three healthy instances, redeliveries, model faults.
      await wave(5_001, 45_000);
      const first = await verify();
      await summary('wave 1, all instances up');
      expect(first.problems).toEqual([]);

      // Wave 2: the same under load while, in turn, an instance is killed and Redis and Postgres restart.
      const { redis: redisServer, postgres: cluster } = world();
      // A record whose release or completion failed while Redis was down holds its key until its lease
      // ends: 120 s for the bot's turn and reply records, 270 s for a Telegram send (the client's
      // maxQueueWaitMs + requestTimeoutMs x attempts). Usually nothing is stranded and wave 2 takes ~50 s.
      const second = wave(6_001, 300_000);
      await sleep(4_000);
      await bots[2]?.stop('SIGKILL');
      await sleep(6_000);
      const redisKeys = await restartRedis(redisServer);
      // The append-only file brought the data back (a few keys may expire in between).
      expect(redisKeys.keysAfter).toBeGreaterThan(redisKeys.keysBefore * 0.9);
      await sleep(6_000);
      // pg_ctl restart -m fast: open connections are terminated, in-flight statements fail.
      await cluster.stop('fast');
      await cluster.start();
      await second;

      const survivors = bots.filter((bot) => bot.isRunning);
      expect(survivors.map((bot) => bot.name)).toEqual(['bot-a', 'bot-b']);
      const statuses = await Promise.all(
        survivors.map(async (bot) => {
          await until(async () => (await readyz(bot)) === 200, 30_000, 250);
          return readyz(bot);
        }),
      );
      const after = await verify();
      await summary(
        `wave 2, after SIGKILL of bot-c, Redis restart (${redisKeys.keysBefore} keys before, ${redisKeys.keysAfter} after), Postgres restart`,
      );
      expect(after.problems).toEqual([]);
      expect(statuses).toEqual([200, 200]);
      expect(first.orders.size).toBeGreaterThan(0);
    }, 420_000);
  },
);
