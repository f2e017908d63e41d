import { type TelegramSimulator } from '@botkeel/adapter-telegram/testing';
import { sleep } from './until.js';

/** How an update is delivered (besides the first delivery, which always happens). */
export type Redelivery = 'none' | 'concurrent' | 'after-ack';

/** What the traffic did so far. */
export interface TrafficCounts {
  /** Distinct updates. */
  updates: number;
  /** Every POST, retries and redeliveries included. */
  posts: number;
  /** Deliberate second deliveries of an update to another instance. */
  redeliveries: number;
  /** POSTs repeated because the previous one was not answered 200 (like Telegram retrying). */
  retries: number;
  /** POSTs by the status they got (`0`: no answer, e.g. a killed instance). */
  statuses: Record<string, number>;
}

/** Options of {@link createWebhookTraffic}. */
export interface WebhookTrafficOptions {
  simulator: TelegramSimulator;
  secret: string;
  /** The instances' base URLs (read at every POST). */
  targets: () => readonly string[];
  /** Gives up on an update after this long without a 200. Default 150,000. */
  giveUpAfterMs?: number;
}

/**
 * Posts updates to several webhook instances the way Telegram does behind a load balancer: round
 * robin, and again (to the next instance) until one answers 200. On request, the same update is
 * delivered a second time to another instance, at the same moment or after the first 200.
 */
export function createWebhookTraffic(options: WebhookTrafficOptions) {
  const { simulator, secret, targets } = options;
  const giveUpAfterMs = options.giveUpAfterMs ?? 150_000;
  const counts: TrafficCounts = { updates: 0, posts: 0, redeliveries: 0, retries: 0, statuses: {} };
  let next = 0;

  const post = async (url: string, update: Record<string, unknown>): Promise<number> => {
    counts.posts += 1;
    let status: number;
    try {
      status = await simulator.postUpdate(`${url}/telegram`, update, secret);
    } catch {
      status = 0;
    }
    counts.statuses[String(status)] = (counts.statuses[String(status)] ?? 0) + 1;
    return status;
  };

  /** Posts until an instance answers 200, starting at instance `start`, moving on after each failure. */
  const untilAccepted = async (update: Record<string, unknown>, start: number): Promise<void> => {
    const deadline = Date.now() + giveUpAfterMs;
    for (let attempt = 0; ; attempt += 1) {
      const urls = targets();
      const url = urls[(start + attempt) % urls.length] as string;
      if (attempt > 0) counts.retries += 1;
      if ((await post(url, update)) === 200) return;
      if (Date.now() > deadline) throw new Error(`update ${String(update['update_id'])} was never accepted`);
      await sleep(200 + Math.floor(Math.random() * 200));
    }
  };

  return {
    counts,
    /** Delivers `update` until accepted (and redelivers it as asked). */
    async deliver(update: Record<string, unknown>, redelivery: Redelivery = 'none'): Promise<void> {
      counts.updates += 1;
      const start = next++;
      if (redelivery === 'none') return untilAccepted(update, start);
      counts.redeliveries += 1;
      if (redelivery === 'concurrent') {
        await Promise.all([untilAccepted(update, start), untilAccepted(update, start + 1)]);
        return;
      }
      await untilAccepted(update, start);
      await untilAccepted(update, start + 1);
    },
  };
}
