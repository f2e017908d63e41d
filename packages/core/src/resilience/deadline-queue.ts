import { type Clock, type TimerHandle } from '../clock/clock.js';

/** A scheduled expiry; pass it to {@link cancelDeadline} when the work finished first. */
export interface DeadlineEntry {
  readonly dueAtMs: number;
  /** Called once when the deadline passes (never after a cancel). */
  onExpire: (() => void) | undefined;
  previous: DeadlineEntry | undefined;
  next: DeadlineEntry | undefined;
  list: DeadlineList | undefined;
}

/**
 * All deadlines of one clock and one duration, in due order (they are scheduled as `now + ms`, so
 * appending keeps the order). One clock timer serves the whole list: it is set for the head and not
 * cleared when entries are cancelled; when it fires, it expires what is due and re-arms for the new
 * head. So a call costs one small object and two pointer updates, not a timer.
 */
class DeadlineList {
  head: DeadlineEntry | undefined;
  tail: DeadlineEntry | undefined;
  #timer: TimerHandle | undefined;
  readonly #clock: Clock;
  readonly #lists: Map<number, DeadlineList>;
  readonly #durationMs: number;

  constructor(clock: Clock, lists: Map<number, DeadlineList>, durationMs: number) {
    this.#clock = clock;
    this.#lists = lists;
    this.#durationMs = durationMs;
  }

  append(entry: DeadlineEntry): void {
    entry.list = this;
    entry.previous = this.tail;
    if (this.tail === undefined) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    if (this.#timer === undefined) this.#arm(entry.dueAtMs);
  }

  remove(entry: DeadlineEntry): void {
    if (entry.previous === undefined) this.head = entry.next;
    else entry.previous.next = entry.next;
    if (entry.next === undefined) this.tail = entry.previous;
    else entry.next.previous = entry.previous;
    entry.previous = undefined;
    entry.next = undefined;
    entry.list = undefined;
  }

  #arm(dueAtMs: number): void {
    this.#timer = this.#clock.setTimeout(() => this.#fire(), dueAtMs - this.#clock.now(), { unref: true });
  }

  #fire(): void {
    this.#timer = undefined;
    const nowMs = this.#clock.now();
    while (this.head !== undefined && this.head.dueAtMs <= nowMs) {
      const entry = this.head;
      this.remove(entry);
      const onExpire = entry.onExpire;
      entry.onExpire = undefined;
      onExpire?.();
    }
    if (this.head === undefined) {
      if (this.#lists.get(this.#durationMs) === this) this.#lists.delete(this.#durationMs);
    } else {
      this.#arm(this.head.dueAtMs);
    }
  }
}

const registries = new WeakMap<Clock, Map<number, DeadlineList>>();

/** Calls `onExpire` after `durationMs` on `clock`, unless cancelled first. */
export function scheduleDeadline(clock: Clock, durationMs: number, onExpire: () => void): DeadlineEntry {
  let lists = registries.get(clock);
  if (lists === undefined) {
    lists = new Map();
    registries.set(clock, lists);
  }
  let list = lists.get(durationMs);
  if (list === undefined) {
    list = new DeadlineList(clock, lists, durationMs);
    lists.set(durationMs, list);
  }
  const entry: DeadlineEntry = {
    dueAtMs: clock.now() + durationMs,
    onExpire,
    previous: undefined,
    next: undefined,
    list: undefined,
  };
  list.append(entry);
  return entry;
}

/** Cancels a deadline; a fired or cancelled one is ignored. */
export function cancelDeadline(entry: DeadlineEntry): void {
  entry.onExpire = undefined;
  entry.list?.remove(entry);
}
