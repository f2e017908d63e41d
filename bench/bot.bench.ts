/**
 * The whole pipeline: `bot.handle` → debounce → conversation turn → reply, with memory stores and a
 * zero-latency "model", against grammY handling the same messages with its memory session (grammY
 * does no dedupe, debounce, checkpointing or turn serialization, so it is the floor, not a twin).
 * Also the heap Botkeel keeps per chat once 10,000 chats went idle.
 *
 * Throughput is measured twice. Steady state: one bot per library, as a server runs it, fed rounds
 * of 10,000 new chats while the other library's bot is gone; the first rounds warm it up, the later
 * ones are measured, and no forced GC runs in between. And, as rounds 1–4 of docs/benchmarks/bot.md
 * measured it: a fresh bot per round right after a forced full `gc()` (which the heap figure needs).
 * That `gc()` also discards compiled code, so V8 optimizes much of both libraries again in every
 * round (about 200 functions for Botkeel, against a handful per round in the steady state), on
 * worker threads whose CPU time counts here.
 *
 * It measures the built package, as users run it and as grammY runs from its own build: tsx compiles
 * sources with esbuild's keepNames, which wraps every closure made per message in a `__name` call
 * (about a tenth of this pipeline's time), while tsup's build has none.
 *
 * Run: npm run build && cd bench && node --expose-gc --import tsx bot.bench.ts
 */
import {
  type BotMessage,
  type OutgoingMessage,
  MemoryCheckpointStore,
  MemoryDebounceStore,
  MemoryDedupeStore,
  MemoryIdempotencyStore,
  MemoryLockStore,
  createBot,
  createConversation,
  systemClock,
  withEscalation,
} from '../packages/core/dist/index.js';
import { Bot as GrammyBot, type Context, type SessionFlavor, session } from 'grammy';
import { assign, emit, setup } from 'xstate';

const chats = 10_000;
const warmupRounds = 2;
const measuredRounds = 6;
const freshRounds = 3;

const machine = withEscalation(
  setup({
    types: {
      context: {} as { turns: number },
      events: {} as { type: 'TEXT'; text: string } | { type: 'ESCALATE'; reason?: string },
      emitted: {} as { type: 'reply'; text: string } | { type: 'escalation'; reason: string },
    },
  }).createMachine({
    context: { turns: 0 },
    initial: 'talking',
    states: {
      talking: {
        on: {
          TEXT: {
            actions: [
              assign({ turns: ({ context }) => context.turns + 1 }),
              emit(({ event }) => ({ type: 'reply' as const, text: `echo ${event.text}` })),
            ],
          },
        },
      },
      human: {},
    },
  }),
  { handoffState: 'human' },
);

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Messages per CPU second of this process (its GC and compiler threads included) while `work` runs. */
async function perCpuSecond(messages: number, work: () => Promise<void>): Promise<number> {
  const started = process.cpuUsage();
  await work();
  const cpu = process.cpuUsage(started);
  return messages / ((cpu.user + cpu.system) / 1e6);
}

/** A Botkeel bot on memory stores whose channel counts the replies it is given. */
function botkeelBot() {
  // The real clock: a manual clock's timer bookkeeping would be measured instead of the bot.
  const clock = systemClock;
  const counter = { replies: 0 };
  const bot = createBot({
    channel: {
      name: 'null',
      send: (_message: OutgoingMessage) => {
        counter.replies += 1;
        return Promise.resolve();
      },
    },
    conversation: createConversation({
      machine,
      checkpoints: new MemoryCheckpointStore({ historyLimit: 1 }),
      clock,
    }),
    toEvents: (batch) => [{ type: 'TEXT', text: batch.text }],
    dedupe: new MemoryDedupeStore({ clock }),
    idempotency: new MemoryIdempotencyStore({ clock }),
    locks: new MemoryLockStore({ clock }),
    debounce: { store: new MemoryDebounceStore(), quietMs: 1, maxWaitMs: 1, maxItems: 1, pollMs: 50 },
    clock,
  });
  bot.start();
  /**
   * Message number `message` (1 for a new chat) from each of `chats` chats numbered from `firstChat`;
   * resolves once all are answered.
   */
  const feed = async (firstChat: number, message = 1): Promise<void> => {
    const target = counter.replies + chats;
    for (let index = firstChat; index < firstChat + chats; index += 1) {
      const update: BotMessage = {
        channel: 'bench',
        chatId: `chat-${index}`,
        userId: `user-${index}`,
        messageId: String(message),
        updateKey: `bench:${index}:${message}`,
        text: 'hi',
        attachments: [],
        receivedAt: 0,
      };
      await bot.handle(update);
    }
    while (counter.replies < target) await pause(5);
  };
  return { bot, feed };
}

type GrammyContext = Context & SessionFlavor<{ turns: number }>;

/** A grammY bot with its memory session whose API calls are answered locally, counted. */
function grammyBot() {
  const bot = new GrammyBot<GrammyContext>('123456:bench-token', {
    botInfo: {
      id: 123456,
      is_bot: true,
      first_name: 'bench',
      username: 'bench_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    },
  });
  let replies = 0;
  // Answer every API call locally: no network, like our null channel.
  bot.api.config.use((_previous, method) => {
    if (method === 'sendMessage') replies += 1;
    return Promise.resolve({
      ok: true,
      result: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } },
    } as never);
  });
  bot.use(session({ initial: () => ({ turns: 0 }) }));
  bot.on('message:text', async (context) => {
    context.session.turns += 1;
    await context.reply(`echo ${context.message.text}`);
  });
  const feed = async (firstChat: number, message = 1): Promise<void> => {
    const target = replies + chats;
    for (let index = firstChat; index < firstChat + chats; index += 1) {
      await bot.handleUpdate({
        update_id: message * 100_000_000 + index,
        message: {
          message_id: message,
          date: 0,
          text: 'hi',
          chat: { id: index + 1, type: 'private', first_name: 'u' },
          from: { id: index + 1, is_bot: false, first_name: 'u' },
        },
      });
    }
    if (replies !== target) throw new Error(`grammY answered ${replies - target + chats} of ${chats}`);
  };
  return { feed };
}

/** Heap Botkeel keeps per chat once `chats` chats were answered and went idle (a fresh bot). */
async function heapPerIdleChat(): Promise<number> {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const { bot, feed } = botkeelBot();
  await feed(0);
  await pause(200);
  gc();
  const bytes = (process.memoryUsage().heapUsed - heapBefore) / chats;
  await bot.stop({ deadlineMs: 1_000 });
  return bytes;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

// Heap first, in a process that has run nothing else yet.
let heap = Number.POSITIVE_INFINITY;
for (let round = 0; round < freshRounds; round += 1) heap = Math.min(heap, await heapPerIdleChat());

/** Messages per CPU second of the measured rounds: new chats, then the same chats' second messages. */
interface SteadyRates {
  readonly newChats: number[];
  readonly returningChats: number[];
}

/**
 * Rounds of new chats (the first ones warm up), then rounds in which the chats of the measured rounds
 * send their second message (their conversation is loaded, restored and saved again).
 */
async function steadyRates(
  feed: (firstChat: number, message?: number) => Promise<void>,
): Promise<SteadyRates> {
  const rates: SteadyRates = { newChats: [], returningChats: [] };
  for (let round = 0; round < warmupRounds + measuredRounds; round += 1) {
    const rate = await perCpuSecond(chats, () => feed(round * chats));
    if (round >= warmupRounds) rates.newChats.push(rate);
  }
  for (let round = warmupRounds; round < warmupRounds + measuredRounds; round += 1) {
    rates.returningChats.push(await perCpuSecond(chats, () => feed(round * chats, 2)));
  }
  return rates;
}

// Steady state: one bot per library, each alone in the process while it is measured.
const ours = botkeelBot();
const steadyOurs = await steadyRates(ours.feed);
await ours.bot.stop({ deadlineMs: 1_000 });
const steadyTheirs = await steadyRates(grammyBot().feed);

// A fresh bot per round after a full gc(), as the first four rounds of docs/benchmarks/bot.md measured it.
const fresh = { ours: [] as number[], theirs: [] as number[] };
for (let round = 0; round < freshRounds; round += 1) {
  gc();
  const bot = botkeelBot();
  fresh.ours.push(await perCpuSecond(chats, () => bot.feed(0)));
  await bot.bot.stop({ deadlineMs: 1_000 });
  fresh.theirs.push(await perCpuSecond(chats, () => grammyBot().feed(0)));
}

const format = (value: number) => Math.round(value).toLocaleString('en-US');
const row = (name: string, botkeel: number, grammy: number) =>
  `| ${name} | ${format(botkeel)} | ${format(grammy)} | ${(botkeel / grammy).toFixed(2)} |`;
console.log(
  `| measure (${format(chats)} chats per round, one message from each) | Botkeel | grammY | ratio |`,
);
console.log('| --- | ---: | ---: | ---: |');
console.log(
  row(
    `steady state, new chats: messages → reply per CPU-second, median of ${measuredRounds} rounds`,
    median(steadyOurs.newChats),
    median(steadyTheirs.newChats),
  ),
);
console.log(row('… best round', Math.max(...steadyOurs.newChats), Math.max(...steadyTheirs.newChats)));
console.log(
  row(
    `steady state, returning chats (2nd message): median of ${measuredRounds} rounds`,
    median(steadyOurs.returningChats),
    median(steadyTheirs.returningChats),
  ),
);
console.log(
  row('… best round', Math.max(...steadyOurs.returningChats), Math.max(...steadyTheirs.returningChats)),
);
console.log(
  row(
    `a fresh bot per round after a full gc(): best of ${freshRounds}`,
    Math.max(...fresh.ours),
    Math.max(...fresh.theirs),
  ),
);
console.log(`| heap per idle chat (bytes, least of ${freshRounds}) | ${format(heap)} | — | — |`);
