/** What {@link AbortSource.addAbortListener} calls: an object, so a listener needs no closure. */
export interface AbortListener {
  handleEvent(): void;
}

/**
 * A cause of abort that creates its `AbortSignal` only when someone asks for `signal`: `isAborted`
 * and `reason` are read, and listeners are added, without it. Creating an `AbortSignal` and listening
 * to it is a measurable part of a short turn, and most turns are never aborted. A debounced batch's
 * `FlushInfo` is one; `ChatLockRunOptions.abortSource` takes one.
 *
 * @example
 * ```ts
 * await chatLock.run(chatId, turn, { abortSource: info }); // info: a debouncer's FlushInfo
 * ```
 */
export interface AbortSource {
  /** True once aborted (the `signal`, if created, is aborted then too). */
  readonly isAborted: boolean;
  /** Why it aborted; `undefined` while not aborted. */
  readonly reason: unknown;
  /** The signal, created on first read; aborted with `reason` when the source aborts. */
  readonly signal: AbortSignal;
  /** Calls `listener.handleEvent()` once when the source aborts (never when it already has). */
  addAbortListener(listener: AbortListener): void;
  /** Stops calling `listener`. */
  removeAbortListener(listener: AbortListener): void;
}

/**
 * An {@link AbortSource} over an existing `signal`.
 *
 * @example
 * ```ts
 * const source = abortSourceOf(AbortSignal.timeout(5_000));
 * ```
 */
export function abortSourceOf(signal: AbortSignal): AbortSource {
  return new SignalSource(signal);
}

class SignalSource implements AbortSource {
  readonly signal: AbortSignal;

  constructor(signal: AbortSignal) {
    this.signal = signal;
  }

  get isAborted(): boolean {
    return this.signal.aborted;
  }

  get reason(): unknown {
    return this.signal.reason as unknown;
  }

  addAbortListener(listener: AbortListener): void {
    this.signal.addEventListener('abort', listener, { once: true });
  }

  removeAbortListener(listener: AbortListener): void {
    this.signal.removeEventListener('abort', listener);
  }
}
