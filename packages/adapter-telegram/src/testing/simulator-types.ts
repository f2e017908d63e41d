import { type Clock } from '@botkeel/core';

/** One request the simulator received. */
export interface SimulatorCall {
  /** The Bot API method, e.g. `'sendMessage'`. */
  readonly method: string;
  /** The parameters (JSON body and query string merged). */
  readonly params: Readonly<Record<string, unknown>>;
  /** When it arrived, on the simulator's clock. */
  readonly at: number;
  /** The HTTP status it was answered with (0 for a dropped connection). */
  readonly status: number;
}

/** A message the simulator accepted (sent, edited or a photo). */
export interface SimulatedMessage {
  readonly chatId: string;
  readonly messageId: number;
  readonly text: string;
  readonly entities?: readonly unknown[];
  readonly parseMode?: string;
  readonly messageThreadId?: number;
  readonly replyMarkup?: unknown;
  /** When it was accepted, on the simulator's clock. */
  readonly at: number;
}

/**
 * A fault to inject: which calls it hits and what they get. Rules are checked in the order they were
 * added; a rule applies `times` times (default 1, `Infinity` for always).
 */
export interface FaultRule {
  /** Only calls of this method (default: any). */
  method?: string;
  /** Only calls whose `chat_id` is this (default: any). */
  chatId?: string;
  /** How many calls it hits. Default 1. */
  times?: number;
  /** An error answer like Telegram's, or `'network'` to drop the connection without an answer. */
  answer:
    | { errorCode: number; description: string; retryAfterSeconds?: number; migrateToChatId?: number }
    | 'network';
}

/** A file `getFile` knows and the download URL serves. */
export interface SimulatedFile {
  readonly bytes: Uint8Array;
  readonly contentType: string;
}

/** Options of `startTelegramSimulator`. */
export interface TelegramSimulatorOptions {
  /** The token the simulator accepts (others get 401). Default `'123456:TEST_simulator_token_0123456789abcdef'`. */
  token?: string;
  /** Stamps calls and messages. Default `systemClock`. */
  clock?: Clock;
  /** Longest time `getUpdates` holds a request open when no update is queued, in real ms. Default 1,000. */
  maxLongPollMs?: number;
}

/** A running simulator. */
export interface TelegramSimulator {
  /** The API root to give the client (`apiRoot`). */
  readonly apiRoot: string;
  /** The token it accepts. */
  readonly token: string;
  /** Every request received, in order. */
  readonly calls: readonly SimulatorCall[];
  /** Messages accepted, in order (optionally of one chat). */
  messages(chatId?: string): SimulatedMessage[];
  /** Calls of one method. */
  callsOf(method: string): SimulatorCall[];
  /** Adds a fault rule. */
  inject(rule: FaultRule): void;
  /** Removes every fault rule. */
  clearFaults(): void;
  /** Makes every send to `chatId` answer 403 "Forbidden: bot was blocked by the user". */
  blockChat(chatId: string): void;
  /** Registers a file for `getFile` and downloads; answers its `file_path`. */
  addFile(fileId: string, file: SimulatedFile): string;
  /** Queues an update for `getUpdates` (its `update_id` is assigned when missing). */
  enqueueUpdate(update: Record<string, unknown>): number;
  /** Posts an update to a webhook with the secret header, like Telegram does; answers the status. */
  postUpdate(url: string, update: Record<string, unknown>, secretToken: string): Promise<number>;
  /** The webhook registered with `setWebhook`, if any. */
  webhook(): { url: string; secretToken?: string } | undefined;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}
