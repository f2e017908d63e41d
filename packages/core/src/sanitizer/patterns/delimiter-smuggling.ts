import { type SanitizerPattern } from '../sanitizer-types.js';
import { definePattern } from './define-pattern.js';

const technique = 'delimiter-smuggling';
const roleWords =
  'system|assistant|developer|instructions?|system_prompt|sys|admin|tool_call|function_call|tool|im_start|im_end|context|prompt|user_input|human|ai|bot|model|rules';

/** Role tags and delimiters smuggled into user text, and fake "end of customer message" markers. */
export const delimiterSmugglingPatterns: readonly SanitizerPattern[] = [
  definePattern({
    id: 'any.delimiter.chatml',
    technique,
    language: 'any',
    weight: 0.9,
    view: 'symbols',
    anchors: ['<', '|>'],
    source:
      '<\\|[a-z_ 0-9]{1,30}\\|>|<\\s{0,2}\\|\\s{0,2}(?:im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)',
  }),
  definePattern({
    id: 'any.delimiter.inst-tags',
    technique,
    language: 'any',
    weight: 0.85,
    view: 'symbols',
    anchors: ['[', '<<'],
    source:
      '\\[\\s{0,2}/?\\s{0,2}(?:inst|sys|system|assistant|user)\\s{0,2}\\]|<<\\s{0,2}/?\\s{0,2}sys\\s{0,2}>>',
  }),
  definePattern({
    id: 'any.delimiter.xml-role-tag',
    technique,
    language: 'any',
    weight: 0.75,
    view: 'symbols',
    anchors: ['<'],
    source: `<\\s{0,2}/?\\s{0,2}(?:${roleWords})(?:\\s[^<>\\n]{0,40})?\\s{0,2}/?>`,
  }),
  definePattern({
    id: 'any.delimiter.markdown-role-heading',
    technique,
    language: 'any',
    weight: 0.7,
    view: 'symbols',
    anchors: ['#'],
    source:
      '(?:(?:^|\\n)[ \\t]{0,3}#{1,6}|#{2,6})[ \\t]{0,3}(?:system|assistant|developer|instruction|admin|new instruction|user|human|context|response|rules|системн|система|системи|інструкц|инструкц|адмін|админ|правила|промпт|нові інструкц|новые инструкц)',
  }),
  definePattern({
    id: 'any.delimiter.role-prefix-line',
    technique,
    language: 'any',
    weight: 0.5,
    view: 'symbols',
    anchors: [':'],
    source:
      '(?:^|\\n)[ \\t]{0,3}(?:system|assistant|developer|sys|admin|ai|gpt|llm|ші|ии|система|асистент|ассистент|адмін|админ|розробник|разработчик)[ \\t]{0,3}(?:message|prompt|note|instruction|повідомлення|сообщение|інструкція|инструкция)?[ \\t]{0,3}:',
  }),
  definePattern({
    id: 'any.delimiter.json-role',
    technique,
    language: 'any',
    weight: 0.8,
    view: 'symbols',
    anchors: ['role'],
    requiredLiterals: [[':', '=']],
    source:
      '["\'\u201c\u201d]?role["\'\u201c\u201d]?\\s{0,3}[:=]\\s{0,3}["\'\u201c\u201d]?(?:system|assistant|developer|tool|function|admin)',
  }),
  definePattern({
    id: 'any.delimiter.json-prompt-field',
    technique,
    language: 'any',
    weight: 0.6,
    view: 'symbols',
    anchors: ['system', 'instruc', 'prompt', 'messages', 'developer'],
    requiredLiterals: [[':']],
    source:
      '["\'\u201c\u201d](?:system_prompt|system_message|instructions|system|prompt|messages|developer_message)["\'\u201c\u201d]\\s{0,3}:',
  }),
  definePattern({
    id: 'any.delimiter.fence-role',
    technique,
    language: 'any',
    weight: 0.6,
    view: 'symbols',
    anchors: ['---', '===', '***', '___', '~~~', '```', '"""', "'''", '<<<', '>>>', '+++'],
    // Three fence characters, the last three of a longer run: the same messages match as with
    // `{3,20}`, and a hostile run of dashes costs one try per position instead of twenty.
    source:
      '(?:-{3}|={3}|\\*{3}|_{3}|~{3}|`{3}|"{3}|\'{3}|<{3}|>{3}|\\+{3})[ \\t\\n]{0,5}(?:system|admin|developer|assistant|instruction|new instruction|end|override|begin|start|системн|система|інструкц|инструкц|адмін|админ|кінець|конец|початок|начало)',
  }),
  definePattern({
    id: 'en.delimiter.end-of-message',
    technique,
    language: 'en',
    weight: 0.75,
    anchors: [
      'end of',
      'close of',
      'stop of',
      'finish of',
      'start of',
      'begin',
      'customer message',
      'user message',
      'client message',
      'customer input',
      'user input',
      'client input',
      'customer turn',
      'user turn',
      'client turn',
    ],
    source:
      '\\b(?:(?:end|close|stop|finish) of (?:the )?(?:customer|user|client|human|input|untrusted|previous|original) ?(?:message|input|text|query|request|data|content|prompt|turn)|(?:customer|user|client) (?:message|input|turn) (?:ends|ended|is over|complete|completed|finished|end)|(?:begin|beginning|start) of (?:the )?(?:system|admin|developer|assistant|new|real) (?:message|instructions?|prompt|section|turn))',
  }),
  definePattern({
    id: 'uk.delimiter.end-of-message',
    technique,
    language: 'uk',
    weight: 0.75,
    anchors: ['кін', 'закінч', 'заверш', 'початок', 'старт'],
    source:
      '(?:кінець|закінчення) (?:повідомлення|запиту|вводу|тексту|діалогу) (?:клієнта|користувача|покупця|замовника)|(?:повідомлення|запит) (?:клієнта|користувача|покупця) (?:закінчено|завершено|закінчилося|скінчилося|закінчився|завершився)|(?:початок|старт) (?:системн{E}|нов{E}|адмін{E}|справжн{E}) (?:повідомлен|інструкц|промпт|розділ|блок){E}',
  }),
  definePattern({
    id: 'ru.delimiter.end-of-message',
    technique,
    language: 'ru',
    weight: 0.75,
    anchors: ['конец', 'окончание', 'закончен', 'заверш', 'окончен', 'начало', 'старт', 'закончил'],
    source:
      '(?:конец|окончание) (?:сообщения|запроса|ввода|текста|диалога) (?:клиента|пользователя|покупателя|заказчика)|(?:сообщение|запрос) (?:клиента|пользователя|покупателя) (?:закончено|завершено|окончено|закончилось|закончен|завершен)|(?:начало|старт) (?:системн{E}|нов{E}|админ{E}|настоящ{E}) (?:сообщени|инструкц|промпт|раздел|блок){E}',
  }),
];
