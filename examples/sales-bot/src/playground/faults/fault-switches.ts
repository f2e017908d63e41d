/** The faults a newcomer can switch on in the playground page. */
export const faultNames = ['primaryLlmFailing', 'slowProvider', 'redisDown', 'telegram429'] as const;

/** One of {@link faultNames}. */
export type FaultName = (typeof faultNames)[number];

/** What each switch does, as the page labels it. */
export const faultLabels: Readonly<Record<FaultName, string>> = {
  primaryLlmFailing: 'Primary LLM failing (5xx on every call)',
  slowProvider: 'Slow provider (primary answers after a long wait: the hedge starts)',
  redisDown: 'Redis down (the rate limiter chain’s primary store fails)',
  telegram429: 'Telegram 429 (first send of each reply answered "retry after")',
};

/** The playground's fault switches: read by the fault-injecting wrappers on every call. */
export interface FaultSwitches {
  isOn(name: FaultName): boolean;
  set(name: FaultName, isOn: boolean): void;
  /** Every switch and whether it is on. */
  snapshot(): Record<FaultName, boolean>;
}

/** Creates the switches, all off. */
export function createFaultSwitches(): FaultSwitches {
  const on = new Set<FaultName>();
  return {
    isOn: (name) => on.has(name),
    set(name, isOn) {
      if (isOn) on.add(name);
      else on.delete(name);
    },
    snapshot: () =>
      Object.fromEntries(faultNames.map((name) => [name, on.has(name)])) as Record<FaultName, boolean>,
  };
}

/** True when `value` names a fault switch. */
export function isFaultName(value: string): value is FaultName {
  return (faultNames as readonly string[]).includes(value);
}
