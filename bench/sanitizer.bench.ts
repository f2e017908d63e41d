/**
 * Sanitizer throughput and worst case, against the peer the issue names: a baseline of 25 careful
 * regular expressions combined into one (no normalization), in the same process and run.
 *
 *   cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx sanitizer.bench.ts
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSanitizer } from '@botkeel/core';

interface EvaluationMessage {
  readonly language: string;
  readonly isInjection: boolean;
  readonly split: 'tuning' | 'held-out';
  readonly text: string;
}

/** The peer: 25 careful (bounded, linear) patterns, case-insensitive, combined into one expression. */
const baselineSources = [
  String.raw`ignore (?:all |any )?(?:previous|prior|above) (?:instructions|rules|prompts?)`,
  String.raw`disregard (?:all |any )?(?:previous|prior|above|your) (?:instructions|rules)`,
  String.raw`forget (?:all |everything |your )?(?:previous |prior )?(?:instructions|rules)`,
  String.raw`you are now (?:a |an )?[a-z]{1,20}`,
  String.raw`(?:act|behave) as (?:a |an )?[a-z]{1,20}`,
  String.raw`pretend (?:to be|you are)`,
  String.raw`developer mode|dan mode|do anything now|jailbreak`,
  String.raw`(?:reveal|show|print|repeat) (?:me )?(?:your |the )?(?:system )?prompt`,
  String.raw`system prompt`,
  String.raw`(?:initial|original|hidden) instructions`,
  String.raw`<\|im_(?:start|end)\|>`,
  String.raw`\[/?INST\]`,
  String.raw`<</?SYS>>`,
  String.raw`###\s{0,3}(?:system|instruction)`,
  String.raw`"role"\s{0,3}:\s{0,3}"(?:system|assistant)"`,
  String.raw`</?system>`,
  String.raw`end of (?:user|customer) (?:message|input)`,
  String.raw`new instructions`,
  String.raw`from now on you`,
  String.raw`ігноруй (?:всі |усі )?(?:попередні )?інструкції`,
  String.raw`забудь (?:всі |усі )?(?:попередні )?(?:інструкції|правила)`,
  String.raw`системний промпт`,
  String.raw`игнорируй (?:все )?(?:предыдущие )?инструкции`,
  String.raw`забудь (?:все )?(?:предыдущие )?(?:инструкции|правила)`,
  String.raw`системный промпт`,
];
const baseline = new RegExp(baselineSources.map((source) => `(?:${source})`).join('|'), 'i');

const here = dirname(fileURLToPath(import.meta.url));
const benchTuningMessages = 540;
// The first 540 messages of the tuning split, so the benchmark's messages stay the same when
// messages are added to the evaluation set (a batch of 80 uk/ru messages came after them).
const evaluationSet = (
  JSON.parse(
    readFileSync(join(here, '../packages/core/test/sanitizer/eval-set.json'), 'utf8'),
  ) as EvaluationMessage[]
)
  .filter((message) => message.split === 'tuning')
  .slice(0, benchTuningMessages);

/** Deterministic pseudo-random numbers, so every run benchmarks the same messages. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** 500 messages of about 1 KB: benign shop messages of one language glued together, 1 in 10 with an injection. */
function realisticMessages(): string[] {
  const random = seededRandom(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const messages: string[] = [];
  for (let index = 0; index < 500; index += 1) {
    const language = pick(['en', 'uk', 'ru']);
    const benign = evaluationSet.filter((message) => message.language === language && !message.isInjection);
    const injections = evaluationSet.filter(
      (message) => message.language === language && message.isInjection,
    );
    const parts: string[] = [];
    let length = 0;
    while (length < 1000) {
      const part = pick(benign).text;
      parts.push(part);
      length += part.length + 1;
    }
    if (index % 10 === 0) parts.splice(Math.floor(parts.length / 2), 0, pick(injections).text);
    messages.push(parts.join(' ').slice(0, 1024));
  }
  return messages;
}

/** Hostile 50 KB inputs: repetition of pattern prefixes, tags, invisible characters, encodings. */
function hostileInputs(): string[] {
  const seeds = [
    'ignore all previous ',
    'ignore ',
    'i g n o r e ',
    '1gn0r3 4ll ',
    '<|im_start|',
    '<|',
    '### system ',
    '#',
    '[INST',
    '<system ',
    '"role": "',
    'Ігноруй усі попередні ',
    'Игнорируй все предыдущие ',
    '\u200b',
    '\u{e0041}',
    'aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnMg',
    '69676e6f726520616c6c20',
    '::::',
    'ѕуѕтеm1 ',
    'a',
    ' ',
    '-',
    'you are now ',
    'ти тепер ',
    'не ',
    'Ｉｇｎｏｒｅ ',
  ];
  return seeds.map((seed) => seed.repeat(Math.ceil(51_200 / seed.length)).slice(0, 51_200));
}

/** Messages per wall-clock second and per CPU second of this process (the machine is shared). */
interface Rate {
  readonly perSecond: number;
  readonly perCpuSecond: number;
}

function throughput(run: (text: string) => unknown, messages: readonly string[], durationMs: number): Rate {
  for (const message of messages) run(message); // warm up
  let count = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (const message of messages) run(message);
    count += messages.length;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { perSecond: (count / elapsed) * 1000, perCpuSecond: (count / cpuMs) * 1000 };
}

/**
 * The slowest input: the least of five runs per input, on the wall clock and in CPU time of this
 * process (`process.cpuUsage`, microsecond resolution; waiting for a core does not count, so it stays
 * steady when other jobs hold the cores).
 */
function worstCaseMs(
  run: (text: string) => unknown,
  inputs: readonly string[],
): { ms: number; input: string; cpuMs: number; cpuInput: string } {
  let worst = { ms: 0, input: '', cpuMs: 0, cpuInput: '' };
  for (const input of inputs) {
    run(input); // warm up
    let best = Number.POSITIVE_INFINITY;
    let bestCpu = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < 5; trial += 1) {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      run(input);
      const cpu = process.cpuUsage(cpuStart);
      best = Math.min(best, performance.now() - start);
      bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
    }
    if (best > worst.ms) worst = { ...worst, ms: best, input: input.slice(0, 16) };
    if (bestCpu > worst.cpuMs) worst = { ...worst, cpuMs: bestCpu, cpuInput: input.slice(0, 16) };
  }
  return worst;
}

const messages = realisticMessages();
const hostile = hostileInputs();
const ours = createSanitizer({ maxLength: 4096 });
const oursFull = createSanitizer({ maxLength: 65_536 });
const oursNeutralize = createSanitizer({ maxLength: 4096, policy: 'neutralize' });
const runBaseline = (text: string): boolean => baseline.test(text);

const durationMs = 3000;
const baselineRate = throughput(runBaseline, messages, durationMs);
const ourRate = throughput((text) => ours.sanitize(text), messages, durationMs);
const neutralizeRate = throughput((text) => oursNeutralize.sanitize(text), messages, durationMs);
const baselineWorst = worstCaseMs(runBaseline, hostile);
const ourWorst = worstCaseMs((text) => ours.sanitize(text), hostile);
const ourFullWorst = worstCaseMs((text) => oursFull.sanitize(text), hostile);

const format = (value: number): string => Math.round(value).toLocaleString('en-US');
console.log(
  `Node ${process.version}, ${messages.length} messages of ~1 KB, ${hostile.length} hostile inputs of 50 KB\n`,
);
console.log('| measure | Botkeel sanitizer | baseline (25 regexes in one) | ratio |');
console.log('| --- | ---: | ---: | ---: |');
const rateRow = (name: string, ours: Rate, key: keyof Rate): string =>
  `| ${name} | ${format(ours[key])} | ${format(baselineRate[key])} | ${(ours[key] / baselineRate[key]).toFixed(2)} |`;
console.log(rateRow('1 KB messages/s (flag), wall clock', ourRate, 'perSecond'));
console.log(rateRow('1 KB messages per CPU second (flag)', ourRate, 'perCpuSecond'));
console.log(rateRow('1 KB messages/s (neutralize), wall clock', neutralizeRate, 'perSecond'));
console.log(rateRow('1 KB messages per CPU second (neutralize)', neutralizeRate, 'perCpuSecond'));
const worstRow = (name: string, ours: number, theirs: number): string =>
  `| ${name} | ${ours.toFixed(2)} | ${theirs.toFixed(2)} | ${(ours / theirs).toFixed(2)} |`;
console.log(worstRow('worst 50 KB input, maxLength 4096 (ms)', ourWorst.ms, baselineWorst.ms));
console.log(
  worstRow('worst 50 KB input, maxLength 65536, all scanned (ms)', ourFullWorst.ms, baselineWorst.ms),
);
console.log(worstRow('worst 50 KB input, maxLength 4096 (CPU ms)', ourWorst.cpuMs, baselineWorst.cpuMs));
console.log(
  worstRow(
    'worst 50 KB input, maxLength 65536, all scanned (CPU ms)',
    ourFullWorst.cpuMs,
    baselineWorst.cpuMs,
  ),
);
console.log(
  `\nworst inputs (wall clock): ours ${JSON.stringify(ourFullWorst.input)}…, baseline ${JSON.stringify(baselineWorst.input)}…`,
);
console.log(
  `worst inputs (CPU time): ours ${JSON.stringify(ourFullWorst.cpuInput)}…, baseline ${JSON.stringify(baselineWorst.cpuInput)}…`,
);
