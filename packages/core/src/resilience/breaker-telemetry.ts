import { type Counter, type Gauge } from '@opentelemetry/api';
import { MetricNames } from '../telemetry/names.js';
import { botkeelMeter } from '../telemetry/instruments.js';
import { type CircuitState } from './circuit-state.js';

interface BreakerInstruments {
  state: Gauge;
  transitions: Counter;
}

let instruments: BreakerInstruments | undefined;

/** The instruments are shared by every breaker, so a breaker costs no memory for them. */
function shared(): BreakerInstruments {
  instruments ??= {
    state: botkeelMeter().createGauge(MetricNames.circuitState, {
      description: 'Circuit state by breaker: 0 closed, 1 half-open, 2 open',
    }),
    transitions: botkeelMeter().createCounter(MetricNames.circuitTransitions, {
      description: 'Circuit breaker transitions by breaker, from and to',
    }),
  };
  return instruments;
}

const stateValue: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Records the gauge `botkeel.circuit.state` for `breaker`. */
export function recordCircuitState(breaker: string, state: CircuitState): void {
  shared().state.record(stateValue[state], { breaker });
}

/** Records a transition: the counter and the gauge. */
export function recordCircuitTransition(breaker: string, from: CircuitState, to: CircuitState): void {
  const { state, transitions } = shared();
  transitions.add(1, { breaker, from, to });
  state.record(stateValue[to], { breaker });
}
