import { type Channel, type OutgoingMessage } from '@botkeel/core';

/** A reply as the playground page shows it, numbered per chat so the page can poll for new ones. */
export interface PlaygroundReply {
  readonly sequence: number;
  readonly text: string;
  readonly buttons: readonly { readonly text: string; readonly data: string }[];
}

interface ChatOutbox {
  nextSequence: number;
  readonly replies: PlaygroundReply[];
  readonly sentKeys: Set<string>;
}

/** Options of {@link createPlaygroundChannel}. */
export interface PlaygroundChannelOptions {
  /** Replies kept per chat (oldest dropped first). */
  readonly maxRepliesPerChat?: number;
  /** Chats kept (least recently used dropped first). */
  readonly maxChats?: number;
}

/**
 * The channel of the local playground: replies are kept in memory per chat and read by the page.
 * Bounded in chats and replies, and idempotent per `idempotencyKey` like a real channel.
 */
export function createPlaygroundChannel(options: PlaygroundChannelOptions = {}) {
  const maxReplies = options.maxRepliesPerChat ?? 200;
  const maxChats = options.maxChats ?? 10_000;
  const chats = new Map<string, ChatOutbox>();

  const outboxOf = (chatId: string): ChatOutbox => {
    let outbox = chats.get(chatId);
    if (outbox === undefined) {
      outbox = { nextSequence: 1, replies: [], sentKeys: new Set() };
      if (chats.size >= maxChats) chats.delete(chats.keys().next().value as string);
    } else {
      chats.delete(chatId);
    }
    chats.set(chatId, outbox);
    return outbox;
  };

  const channel: Channel & {
    repliesAfter(chatId: string, afterSequence: number): readonly PlaygroundReply[];
  } = {
    name: 'playground',
    send(message: OutgoingMessage) {
      const outbox = outboxOf(message.chatId);
      if (message.idempotencyKey !== undefined) {
        if (outbox.sentKeys.has(message.idempotencyKey)) return Promise.resolve();
        outbox.sentKeys.add(message.idempotencyKey);
        if (outbox.sentKeys.size > maxReplies * 2) {
          outbox.sentKeys.delete(outbox.sentKeys.values().next().value as string);
        }
      }
      outbox.replies.push({
        sequence: outbox.nextSequence++,
        text: message.text,
        buttons: message.buttons ?? [],
      });
      if (outbox.replies.length > maxReplies) outbox.replies.shift();
      return Promise.resolve();
    },
    repliesAfter(chatId, afterSequence) {
      return (chats.get(chatId)?.replies ?? []).filter((reply) => reply.sequence > afterSequence);
    },
  };
  return channel;
}

/** The playground channel: a {@link Channel} whose replies the page polls. */
export type PlaygroundChannel = ReturnType<typeof createPlaygroundChannel>;
