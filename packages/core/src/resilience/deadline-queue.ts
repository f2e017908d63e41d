import { type Clock, type TimerHandle } from '../clock/clock.js';

/** What a deadline calls when it passes. */
export interface Expirable {
  expire(): void;
}

/** A scheduled expiry; pass it to {@link cancelDeadline} when the work finished first. */
export interface DeadlineEntry {
  readonly dueAtMs: number;
  /** Called once when the deadline passes (never after a cancel). */
  target: Expirable | undefined;
  /** Deadlines of one list due at the same moment share a group (and so an AbortSignal). */
  readonly group: DeadlineGroup;
  previous: DeadlineEntry | undefined;
  next: DeadlineEntry | undefined;
  list: DeadlineList | undefined;
}

/** The deadlines of one duration that fall due at the same millisecond. */
export class DeadlineGroup {
  #controller: AbortController | undefined;
  constructor(readonly dueAtMs: number) {}

  /** One AbortSignal for every call of the group, created on first use. */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  /** Aborts the group's signal (when one was handed out). */
  abort(reason: Error): void {
    this.#controller?.abort(reason);
  }
}

/**
 * All deadlines of one clock and one duration, in due order (they are scheduled as `now + ms`, so
 * appending keeps the order). One clock timer serves the whole list: it is set for the head and not
 * cleared when entries are cancelled; when it fires, it expires what is due and re-arms for the new
 * head. So a call costs one small object and a few pointer updates, not a timer.
 */
class DeadlineList {
  head: DeadlineEntry | undefined;
  tail: DeadlineEntry | undefined;
  /** False once the list left the registry (it emptied when its timer fired). */
  isLive = true;
  #lastGroup: DeadlineGroup | undefined;
  #timer: TimerHandle | undefined;
  readonly #clock: Clock;
  readonly #lists: Map<number, DeadlineList>;
  readonly #durationMs: number;

  constructor(clock: Clock, lists: Map<number, DeadlineList>, durationMs: number) {
    this.#clock = clock;
    this.#lists = lists;
    this.#durationMs = durationMs;
  }

  add(target: Expirable): DeadlineEntry {
    const dueAtMs = this.#clock.now() + this.#durationMs;
    let group = this.#lastGroup;
    if (group === undefined || group.dueAtMs !== dueAtMs) {
      group = new DeadlineGroup(dueAtMs);
      this.#lastGroup = group;
    }
    const entry: DeadlineEntry = { dueAtMs, target, group, previous: this.tail, next: undefined, list: this };
    if (this.tail === undefined) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    if (this.#timer === undefined) this.#arm(dueAtMs);
    return entry;
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
      const target = entry.target;
      entry.target = undefined;
      target?.expire();
    }
    if (this.head === undefined) {
      this.#lastGroup = undefined;
      this.isLive = false;
      if (this.#lists.get(this.#durationMs) === this) this.#lists.delete(this.#durationMs);
    } else {
      this.#arm(this.head.dueAtMs);
    }
  }
}

const registries = new WeakMap<Clock, Map<number, DeadlineList>>();
/** The list used last: most callers use one clock and one duration, so this skips two lookups. */
let lastUsed: { clock: Clock; durationMs: number; list: DeadlineList } | undefined;

/** Calls `target.expire()` after `durationMs` on `clock`, unless cancelled first. */
export function scheduleDeadline(clock: Clock, durationMs: number, target: Expirable): DeadlineEntry {
  const recent = lastUsed;
  if (
    recent !== undefined &&
    recent.clock === clock &&
    recent.durationMs === durationMs &&
    recent.list.isLive
  ) {
    return recent.list.add(target);
  }
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
  lastUsed = { clock, durationMs, list };
  return list.add(target);
}

/** Cancels a deadline; a fired or cancelled one is ignored. */
export function cancelDeadline(entry: DeadlineEntry): void {
  entry.target = undefined;
  entry.list?.remove(entry);
}
