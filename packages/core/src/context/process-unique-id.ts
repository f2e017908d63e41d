import { randomBytes } from 'node:crypto';

/** 20 random hex digits drawn once per process: what makes the ids below unique across processes. */
const processPrefix = randomBytes(10).toString('hex');
let counter = 0;

/**
 * A 32-hex-digit id unique across processes without a random draw per call: the per-process random
 * prefix (80 bits) followed by a 48-bit counter. Cheap enough for the hot path (trace ids, lease
 * tokens, batch ids), and still unguessable across processes since the prefix is random.
 */
export function processUniqueId(): string {
  counter += 1;
  return processPrefix + counter.toString(16).padStart(12, '0');
}
