/** An optional `signal` next to a store call's own options. */
export interface SignalOption {
  /** Aborts the call with `ABORTED` (a statement already sent may still complete on the server). */
  signal?: AbortSignal;
}
