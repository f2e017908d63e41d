import { type AnyStateMachine } from 'xstate';
import { type Clock } from '../clock/clock.js';
import { type TurnResult } from '../conversation/index.js';
import { type FlushInfo } from '../debounce/index.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { IdempotencyLeases } from '../idempotency/idempotency-leases.js';
import { type IdempotencyStore } from '../idempotency/idempotency-store.js';
import { type ResultSerializer, runOnce, type RunOnceSettings } from '../idempotency/run-once.js';
import { type Logger } from '../logger/logger.js';
import { type ChatLock, type ChatTurnContext } from '../queue/index.js';
import { SpanNames } from '../telemetry/names.js';
import { noAttributes, withSpan } from '../telemetry/instruments.js';
import { type BotMessage, type OutgoingMessage } from './bot-message.js';
import { type BotBatch, type CreateBotOptions } from './bot-options.js';
import { defaultRecentMessages, stateName, type TurnSummary } from './turn-summary.js';

/** What the turn runner needs besides the bot's options. */
export interface TurnRunnerContext<TMachine extends AnyStateMachine> extends CreateBotOptions<TMachine> {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly idempotency: IdempotencyStore;
  readonly chatLock: ChatLock;
}

// An LLM failure usually reaches the bot wrapped: the invoked actor's error is the cause of the machine's.
function isLlmExhausted(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (BotkeelError.hasCode(current, 'LLM_EXHAUSTED')) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

function isButtons(value: unknown): value is OutgoingMessage['buttons'] {
  return (
    Array.isArray(value) &&
    value.every(
      (button: unknown) =>
        typeof (button as { text?: unknown }).text === 'string' &&
        typeof (button as { data?: unknown }).data === 'string',
    )
  );
}

/** What the records and side effects of one task under the chat lock share. */
interface TaskScope {
  /** The task's hold: aborted on a lost lease or the caller's abort; its signal is created on first read. */
  readonly turn: ChatTurnContext;
  readonly leases: IdempotencyLeases | undefined;
  /** What the task's sends, handoff and forward get: one object per task (see {@link signalOptionsOf}). */
  readonly signalOptions: { readonly signal: AbortSignal };
}

/**
 * Options whose `signal` is the task's, created only if the channel or handoff reads it. An own
 * enumerable getter, so a callee that spreads its options (`{ ...options }`) still passes it on.
 */
function signalOptionsOf(turn: ChatTurnContext): { readonly signal: AbortSignal } {
  return {
    get signal(): AbortSignal {
      return turn.signal;
    },
  };
}

/** A done side effect: stored as `idempotent()` stores `true`, whatever the effect returned. */
const effectDone: ResultSerializer<void> = {
  serialize: () => '{"value":true}',
  deserialize: () => undefined,
};

/**
 * Runs debounced batches as conversation turns — serialized per chat, each batch's turn, replies and
 * handoff performed once even when the batch is delivered again after a crash — plus escalation and
 * release outside of a batch.
 */
export function createTurnRunner<TMachine extends AnyStateMachine>(context: TurnRunnerContext<TMachine>) {
  const { conversation, channel, handoff, idempotency, chatLock, clock, logger } = context;
  const ttlMs = context.idempotencyTtlMs ?? 86_400_000;
  // A store that can extend records gets the chat lock's lease, extended with it while the effect
  // runs: an instance that dies mid-send then holds its record one lease longer, not 120 s.
  // Otherwise a lease above any send, so a slow send is never started twice.
  const canExtend = idempotency.extend !== undefined;
  const effectLeaseMs = canExtend ? chatLock.leaseMs : 120_000;
  const pollIntervalMs = 100;
  // Every record below is written under the chat lock, whose signal aborts when its lease is lost:
  // no per-record lease timer or AbortController (see runOnce). Stored as `idempotent()` stores
  // `true`, so instances of older and newer versions read each other's records.
  const effectSettings: RunOnceSettings<void> = {
    ttlMs,
    leaseMs: effectLeaseMs,
    pollIntervalMs,
    clock,
    serializer: effectDone,
  };
  /** A task under the chat lock, its signal and the records it holds (none when the store cannot extend them). */
  const scopeOf = (turn: ChatTurnContext): TaskScope => {
    const signalOptions = signalOptionsOf(turn);
    if (!canExtend) return { turn, leases: undefined, signalOptions };
    const leases = new IdempotencyLeases(idempotency);
    turn.onRenew(() => leases.extendAll({ leaseMs: effectLeaseMs }));
    return { turn, leases, signalOptions };
  };
  // Every side effect of a batch (a reply, the handoff, a forward) runs once per key, replays included.
  const effectOnce = (key: string, effect: () => Promise<void>, scope: TaskScope) =>
    runOnce(idempotency, key, effect, effectSettings, scope.turn, scope.leases);
  const sendOnce = (message: OutgoingMessage & { idempotencyKey: string }, scope: TaskScope) =>
    effectOnce(
      message.idempotencyKey,
      () => withSpan(SpanNames.channelSend, noAttributes, () => channel.send(message, scope.signalOptions)),
      scope,
    );

  const summarize = (
    result: TurnResult<TMachine>,
    batch: BotBatch | undefined,
    wasHandedOff: boolean,
  ): TurnSummary => ({
    state: stateName(result.state),
    replies: result.replies,
    escalation: result.escalation,
    wasHandedOff,
    // What a human sees on escalation: only an escalating turn hands it to the managers.
    recentMessages:
      result.escalation === undefined ? [] : (context.summarize ?? defaultRecentMessages)(result, batch),
  });

  const runTurn = async (batch: BotBatch, abortSource: ChatTurnContext): Promise<TurnSummary> => {
    const events = context.toEvents(batch);
    const turnOptions = { abortSource, turnId: batch.batchId };
    let result: TurnResult<TMachine>;
    try {
      result = await conversation.turn(batch.chatId, events, turnOptions);
      if (result.status === 'done' && !result.isHandedOff && result.replies.length === 0) {
        // The last conversation ended (e.g. an order was placed): this batch starts a new one.
        await conversation.reset(batch.chatId, { abortSource });
        result = await conversation.turn(batch.chatId, events, turnOptions);
      }
    } catch (error) {
      if (!(isLlmExhausted(error) && (context.escalateOnLlmExhausted ?? true))) throw error;
      logger.warn({ err: error }, 'LLM exhausted: escalating to a human');
      // Under the batch's turn id: a redelivered batch replays this escalation from the checkpoint.
      result = await conversation.escalate(batch.chatId, 'llm-exhausted', turnOptions);
    }
    const wasHandedOff = result.isHandedOff && result.escalation === undefined;
    return summarize(result, batch, wasHandedOff);
  };

  const deliver = async (chatId: string, key: string, summary: TurnSummary, scope: TaskScope) => {
    for (const [index, reply] of summary.replies.entries()) {
      await sendOnce(
        {
          chatId,
          text: reply.text,
          idempotencyKey: `${key}:reply:${index}`,
          ...(isButtons(reply['buttons']) ? { buttons: reply['buttons'] } : {}),
        },
        scope,
      );
    }
    if (summary.escalation !== undefined && handoff !== undefined) {
      const escalation = summary.escalation;
      await effectOnce(
        `${key}:handoff`,
        () =>
          withSpan(SpanNames.handoff, { 'botkeel.reason': escalation.reason }, () =>
            handoff.notify(
              {
                chatId,
                reason: escalation.reason,
                state: summary.state,
                recentMessages: summary.recentMessages,
              },
              scope.signalOptions,
            ),
          ),
        scope,
      );
    }
  };

  const runBatch = (chatId: string, messages: BotMessage[], info: FlushInfo): Promise<void> =>
    chatLock.run(
      chatId,
      async (turn) => {
        const scope = scopeOf(turn);
        const joined = messages.map((message) => message.text).join('\n');
        const sanitized = context.sanitizer?.sanitize(joined);
        const batch: BotBatch = {
          chatId,
          batchId: info.batchId,
          messages,
          text: sanitized?.text ?? joined,
          sanitized,
        };
        const last = messages[messages.length - 1];
        if (sanitized?.isBlocked === true && last !== undefined) {
          const text = context.texts?.blocked?.(last);
          if (text !== undefined)
            await sendOnce({ chatId, text, idempotencyKey: `batch:${info.batchId}:blocked` }, scope);
          return;
        }
        // The checkpoint remembers the batch's turn (saved with it, under the batch id): a
        // redelivered batch replays its outputs instead of running the machine again.
        const summary = await runTurn(batch, scope.turn);
        if (summary.wasHandedOff) {
          if (handoff?.forward !== undefined) {
            const forward = handoff.forward.bind(handoff);
            await effectOnce(
              `batch:${info.batchId}:forward`,
              () => forward(chatId, messages, scope.signalOptions),
              scope,
            );
          } else logger.info({ messages: messages.length }, 'chat is with a human; messages not forwarded');
          return;
        }
        await deliver(chatId, `batch:${info.batchId}`, summary, scope);
      },
      { abortSource: info },
    );

  const escalate = (chatId: string, reason: string, signal: AbortSignal | undefined): Promise<void> =>
    chatLock.run(
      chatId,
      async (turn) => {
        const result = await conversation.escalate(chatId, reason, { abortSource: turn });
        if (result.escalation === undefined) return; // already with a human
        const key = `escalation:${chatId}:${result.version}`;
        await deliver(chatId, key, summarize(result, undefined, false), scopeOf(turn));
      },
      signal === undefined ? {} : { signal },
    );

  const release = (chatId: string, signal: AbortSignal | undefined): Promise<void> =>
    chatLock.run(
      chatId,
      async (turn) => {
        await conversation.reset(chatId, { signal: turn.signal });
      },
      signal === undefined ? {} : { signal },
    );

  return { runBatch, escalate, release };
}
