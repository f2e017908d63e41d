import { type AnyStateMachine } from 'xstate';
import { type ConversationReply, type TurnResult } from '../conversation/index.js';
import { type HandoffRequest } from './bot-message.js';
import { type BotBatch } from './bot-options.js';

/**
 * What the bot delivers of a turn: its replies, its escalation with what the managers see, or the
 * word that the chat is with a human. A redelivered batch gets the same one, replayed from the turn
 * record its checkpoint keeps.
 */
export interface TurnSummary {
  readonly state: string;
  readonly replies: readonly ConversationReply[];
  /** Set when this turn escalated. */
  readonly escalation: { readonly reason: string } | undefined;
  /** The chat was already with a human before this turn: forward, don't answer. */
  readonly wasHandedOff: boolean;
  /** What the managers get on escalation; empty when this turn did not escalate. */
  readonly recentMessages: HandoffRequest['recentMessages'];
}

type RecentMessages = HandoffRequest['recentMessages'];

function isTranscript(value: unknown): value is RecentMessages {
  return (
    Array.isArray(value) &&
    value.every(
      (entry: unknown) =>
        typeof entry === 'object' &&
        entry !== null &&
        ((entry as { from?: unknown }).from === 'user' || (entry as { from?: unknown }).from === 'bot') &&
        typeof (entry as { text?: unknown }).text === 'string',
    )
  );
}

/**
 * The default handoff summary: the machine context's `transcript` (an array of `{ from, text }`)
 * when it keeps one, else the batch's messages and this turn's replies. At most the last 20.
 */
export function defaultRecentMessages<TMachine extends AnyStateMachine>(
  result: TurnResult<TMachine>,
  batch: BotBatch | undefined,
): RecentMessages {
  const transcript: unknown = (result.context as { transcript?: unknown } | undefined)?.transcript;
  const messages: RecentMessages = isTranscript(transcript)
    ? transcript
    : [
        ...(batch?.messages ?? []).map((message) => ({ from: 'user' as const, text: message.text })),
        ...result.replies.map((reply) => ({ from: 'bot' as const, text: reply.text })),
      ];
  return messages.slice(-20);
}

/** The state value as one readable string: `'offer'`, `'checkout.payment'`, `'{"a":"x","b":"y"}'`. */
export function stateName(state: unknown): string {
  if (typeof state === 'string') return state;
  if (typeof state === 'object' && state !== null) {
    const entries = Object.entries(state);
    const [first] = entries;
    if (entries.length === 1 && first !== undefined) return `${first[0]}.${stateName(first[1])}`;
    return JSON.stringify(state);
  }
  return String(state);
}
