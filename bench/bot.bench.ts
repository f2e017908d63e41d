/**
 * The whole pipeline: `bot.handle` → debounce → conversation turn → reply, with memory stores and a
 * zero-latency "model", against grammY handling the same messages with its memory session (grammY
 * does no dedupe, debounce, checkpointing or turn serialization, so it is the floor, not a twin).
 * Also the heap Botkeel keeps per chat once 10,000 chats went idle.
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
const rounds = 3;

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

async function botkeelRun(): Promise<{ perSecond: number; heapPerIdleChatBytes: number }> {
  // The real clock: a manual clock's timer bookkeeping would be measured instead of the bot.
  const clock = systemClock;
  let replies = 0;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const bot = createBot({
    channel: {
      name: 'null',
      send: (_message: OutgoingMessage) => {
        replies += 1;
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
  const started = process.cpuUsage();
  for (let index = 0; index < chats; index += 1) {
    const message: BotMessage = {
      channel: 'bench',
      chatId: `chat-${index}`,
      userId: `user-${index}`,
      messageId: '1',
      updateKey: `bench:${index}`,
      text: 'hi',
      attachments: [],
      receivedAt: 0,
    };
    await bot.handle(message);
  }
  while (replies < chats) await new Promise((resolve) => setTimeout(resolve, 5));
  const cpu = process.cpuUsage(started);
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  const heapPerIdleChatBytes = (process.memoryUsage().heapUsed - heapBefore) / chats;
  await bot.stop({ deadlineMs: 1_000 });
  return { perSecond: chats / ((cpu.user + cpu.system) / 1e6), heapPerIdleChatBytes };
}

type GrammyContext = Context & SessionFlavor<{ turns: number }>;

async function grammyRun(): Promise<number> {
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
  const started = process.cpuUsage();
  for (let index = 0; index < chats; index += 1) {
    await bot.handleUpdate({
      update_id: index,
      message: {
        message_id: 1,
        date: 0,
        text: 'hi',
        chat: { id: index + 1, type: 'private', first_name: 'u' },
        from: { id: index + 1, is_bot: false, first_name: 'u' },
      },
    });
  }
  const cpu = process.cpuUsage(started);
  if (replies !== chats) throw new Error(`grammY answered ${replies} of ${chats}`);
  return chats / ((cpu.user + cpu.system) / 1e6);
}

let best = { ours: 0, theirs: 0, heap: Number.POSITIVE_INFINITY };
for (let round = 0; round < rounds; round += 1) {
  const ours = await botkeelRun();
  const theirs = await grammyRun();
  best = {
    ours: Math.max(best.ours, ours.perSecond),
    theirs: Math.max(best.theirs, theirs),
    heap: Math.min(best.heap, ours.heapPerIdleChatBytes),
  };
}
const format = (value: number) => Math.round(value).toLocaleString('en-US');
console.log(
  `| measure (${chats.toLocaleString('en-US')} chats, best of ${rounds}) | Botkeel | grammY | ratio |`,
);
console.log('| --- | ---: | ---: | ---: |');
console.log(
  `| messages → reply per CPU-second | ${format(best.ours)} | ${format(best.theirs)} | ${(best.ours / best.theirs).toFixed(2)} |`,
);
console.log(`| heap per idle chat (bytes) | ${format(best.heap)} | — | — |`);
