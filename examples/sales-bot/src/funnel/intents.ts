// Word lists for the decisions the funnel takes by itself (the model never decides them).
// Lower-case stems; a message matches when any stem starts a word in it.
const yesWords = [
  'так',
  'да',
  'yes',
  'ok',
  'ок',
  'оформ',
  'беру',
  'згод',
  'соглас',
  'давай',
  'підходить',
  'подходит',
  'sure',
  'sounds good',
  "let's",
  'buy',
  'order it',
];
const noWords = ['ні', 'нет', 'no', 'не треба', 'не надо', 'відмов', 'отказ', 'cancel'];
const objectionWords = [
  'дорог',
  'expensive',
  'подума',
  'think about',
  'дешевш',
  'cheaper',
  'знижк',
  'скидк',
  'discount',
  'не впевн',
  'не уверен',
  'not sure',
];
const managerWords = [
  'менеджер',
  'оператор',
  'людин',
  'человек',
  'manager',
  'human',
  'operator',
  'real person',
];

function hasStem(text: string, stems: readonly string[]): boolean {
  const lower = ` ${text.toLowerCase().replace(/[^\p{L}\p{N}' ]+/gu, ' ')} `;
  return stems.some((stem) => lower.includes(` ${stem}`));
}

/** The customer agrees (to an offer or a question). */
export const isYes = (text: string): boolean =>
  hasStem(text, yesWords) && !hasStem(text, noWords.slice(0, 2));
/** The customer declines. */
export const isNo = (text: string): boolean => hasStem(text, noWords);
/** The customer hesitates about price or the decision. */
export const isObjection = (text: string): boolean => hasStem(text, objectionWords);
/** The customer asks for a person. */
export const wantsManager = (text: string): boolean => hasStem(text, managerWords);
