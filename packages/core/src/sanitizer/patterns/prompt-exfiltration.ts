import { type SanitizerPattern } from '../sanitizer-types.js';
import { definePattern } from './define-pattern.js';

const technique = 'prompt-exfiltration';
const enVerbs =
  '(?:reveal|show|print|display|output|repeat|tell|give|share|dump|leak|write|list|type|paste|recite|spell out|expose|send|provide|return|copy|echo|what (?:is|are|were|was)|what s|whats)';
const ukVerbs =
  '(?:покажи|покажіть|виведи|виведіть|надрукуй|надрукуйте|роздрукуй|повтори|повторіть|розкажи|розкажіть|напиши|напишіть|скажи|скажіть|дай|дайте|надішли|надішліть|розкрий|розкрийте|процитуй|процитуйте|скопіюй|скопіюйте|який|яка|які)';
const ruVerbs =
  '(?:покажи|покажите|выведи|выведите|напечатай|напечатайте|распечатай|повтори|повторите|расскажи|расскажите|напиши|напишите|скажи|скажите|дай|дайте|пришли|пришлите|раскрой|раскройте|процитируй|скопируй|скопируйте|какой|какая|какие)';

/** Attempts to read the system prompt, the hidden instructions or secrets. */
export const promptExfiltrationPatterns: readonly SanitizerPattern[] = [
  definePattern({
    id: 'en.exfil.system-prompt',
    technique,
    language: 'en',
    weight: 0.8,
    anchors: ['prompt', 'instruc', 'directive', 'guideline', 'config', 'rule', 'setting', 'system'],
    source: `\\b${enVerbs}(?: me| us)?(?: all| the| your| of| exact| full| entire| complete| verbatim| word for word| whole| text| contents?){0,5} (?:(?:system|initial|original|hidden|secret|internal|developer|pre|base|first|starting|confidential) ?prompt|system ?message|(?:hidden|secret|internal|system|developer|confidential|initial|underlying) (?:instruction|directive|guideline|configuration|config|rule|setting)s?)`,
  }),
  definePattern({
    id: 'en.exfil.the-prompt',
    technique,
    language: 'en',
    weight: 0.7,
    anchors: ['prompt'],
    source: `\\b${enVerbs}(?: me| us)?(?: all| of| exactly| word for word){0,2} (?:the|your) (?:full |entire |complete |exact |whole |current )?prompt(?: |$)`,
  }),
  definePattern({
    id: 'en.exfil.your-instructions',
    technique,
    language: 'en',
    weight: 0.6,
    anchors: ['instructions', 'directives', 'programming', 'configuration', 'guidelines', 'training data'],
    source: `\\b${enVerbs}(?: me| us)?(?: all| of| exactly){0,2} your (?:(?:original|initial|exact|full|complete|entire|first|current|real) )?(?:instructions|directives|programming|configuration|guidelines|training data)`,
  }),
  definePattern({
    id: 'en.exfil.text-above',
    technique,
    language: 'en',
    weight: 0.7,
    anchors: ['above', 'before this', 'preceding', 'prior to', 'beginning', 'start', 'top'],
    source: `\\b(?:repeat|print|output|copy|echo|return|write|tell me|show me|give me|what is|what was|what s|translate|summarize)(?: all| the| of| everything| text| words| content| contents| lines| instructions| rules| prompt| into [a-z]{1,15}){0,4} (?:above|before this|preceding|prior to this|written above|said above|at the (?:beginning|start|top)|from the (?:beginning|start|top))`,
  }),
  definePattern({
    id: 'en.exfil.starting-with',
    technique,
    language: 'en',
    weight: 0.6,
    anchors: ['start', 'begin'],
    source:
      '\\b(?:starting|beginning|start|begin) (?:your (?:answer|reply|response) )?with (?:the (?:words?|phrase|text|sentence) )?(?:you are|you re|your instructions|system|i am|as an ai|sure here is|sure here s)',
  }),
  definePattern({
    id: 'en.exfil.how-programmed',
    technique,
    language: 'en',
    weight: 0.6,
    anchors: ['instruc', 'rule', 'prompt', 'directive', 'guideline', 'program', 'configur'],
    source:
      '\\b(?:(?:what|which) (?:instructions|rules|prompt|directives|guidelines) (?:were you|have you been|did you|are you|were u) (?:given|told|programmed|trained|instructed|configured|fed)|how (?:were you|are you|have you been) (?:programmed|prompted|instructed|configured))',
  }),
  definePattern({
    id: 'en.exfil.secrets',
    technique,
    language: 'en',
    weight: 0.55,
    anchors: ['key', 'token', 'password', 'credential', 'env', 'secret', 'connection'],
    source: `\\b${enVerbs}(?: me| us)?(?: the| your| all| any| our| of){0,3} (?:api ?keys?|secret ?keys?|access ?tokens?|bot ?tokens?|credentials|env(?:ironment)? ?(?:variables|vars|file)|private ?keys?|openai ?keys?|database ?password|admin ?password|db ?password|connection ?string)`,
  }),
  definePattern({
    id: 'uk.exfil.system-prompt',
    technique,
    language: 'uk',
    weight: 0.8,
    anchors: ['промпт', 'системн', 'прихован', 'секретн', 'внутрішн', 'початков'],
    source: `${ukVerbs}(?: мені| нам)?(?: свій| свої| твій| твої| твою| свою| ваш| ваші| весь| всі| усі| повний| повні| повністю| точний| точно| дослівно| текст){0,4} (?:системн{E} (?:промпт|інструкц|повідомлен|налаштуван|правил|вказів){E}|промпт{E}|(?:прихован|секретн|внутрішн|початков)[а-яіїєґ]{0,4} (?:інструкц|вказів|правил|налаштуван|промпт){E})`,
  }),
  definePattern({
    id: 'uk.exfil.your-instructions',
    technique,
    language: 'uk',
    weight: 0.6,
    anchors: ['свої', 'твої', 'своі'],
    source: `${ukVerbs}(?: мені| нам)?(?: всі| усі)? (?:свої|твої) (?:інструкц|вказів|налаштуван|настанов){E}`,
  }),
  definePattern({
    id: 'uk.exfil.what-were-you-told',
    technique,
    language: 'uk',
    weight: 0.6,
    anchors: [
      'дали',
      'дано',
      'надали',
      'задали',
      'прописали',
      'написали',
      'встановили',
      'вказали',
      'запрограмували',
      'налаштували',
      'проінструктували',
    ],
    source:
      '(?:які|яка|який|що за) (?:інструкц|вказів|правил|промпт|налаштуван){E} (?:тобі|вам) (?:дали|дано|надали|задали|прописали|написали|встановили|вказали)|(?:як|що) (?:тебе|вас) (?:запрограмували|налаштували|проінструктували)',
  }),
  definePattern({
    id: 'uk.exfil.text-above',
    technique,
    language: 'uk',
    weight: 0.65,
    anchors: ['вище', 'до цього', 'на початку', 'над цим', 'початку'],
    source: `${ukVerbs}(?: мені)?(?: весь| все| увесь| текст| слова| повідомлення){0,3} (?:вище|що вище|написане вище|до цього повідомлення|на самому початку|з самого початку|над цим)`,
  }),
  definePattern({
    id: 'uk.exfil.secrets',
    technique,
    language: 'uk',
    weight: 0.55,
    anchors: ['ключ', 'токен', 'пароль', 'облікові', 'оточення'],
    source: `${ukVerbs}(?: мені| нам)?(?: свій| свої| ваш| ваші| всі| усі){0,2} (?:api ключ|апі ключ|секретн{E} ключ|токен{E} (?:бота|доступу|api)|пароль{E} (?:адміна|адміністратора|від бази|бази даних|до бази)|облікові дані|змінні оточення)`,
  }),
  definePattern({
    id: 'ru.exfil.system-prompt',
    technique,
    language: 'ru',
    weight: 0.8,
    anchors: ['промпт', 'системн', 'скрыт', 'секретн', 'внутренн', 'начальн', 'изначальн'],
    source: `${ruVerbs}(?: мне| нам)?(?: свой| свои| твой| твои| свою| твою| ваш| ваши| весь| все| полный| полностью| точный| дословно| текст){0,4} (?:системн{E} (?:промпт|инструкц|сообщени|настро[ей]к|правил|указани){E}|промпт{E}|(?:скрыт|секретн|внутренн|начальн|изначальн)[а-яё]{0,4} (?:инструкц|указани|правил|настро[ей]к|промпт){E})`,
  }),
  definePattern({
    id: 'ru.exfil.your-instructions',
    technique,
    language: 'ru',
    weight: 0.6,
    anchors: ['свои', 'твои'],
    source: `${ruVerbs}(?: мне| нам)?(?: все)? (?:свои|твои) (?:инструкц|указани|настро[ей]к|директив){E}`,
  }),
  definePattern({
    id: 'ru.exfil.what-were-you-told',
    technique,
    language: 'ru',
    weight: 0.6,
    anchors: [
      'дали',
      'даны',
      'выдали',
      'задали',
      'прописали',
      'написали',
      'установили',
      'указали',
      'запрограммировали',
      'настроили',
      'проинструктировали',
    ],
    source:
      '(?:какие|какая|какой|что за) (?:инструкц|указани|правил|промпт|настро[ей]к){E} (?:тебе|вам) (?:дали|даны|выдали|задали|прописали|написали|установили|указали)|(?:как|что) (?:тебя|вас) (?:запрограммировали|настроили|проинструктировали)',
  }),
  definePattern({
    id: 'ru.exfil.text-above',
    technique,
    language: 'ru',
    weight: 0.65,
    anchors: ['выше', 'до этого', 'в начале', 'над этим', 'начал'],
    source: `${ruVerbs}(?: мне)?(?: весь| все| всё| текст| слова| сообщение){0,3} (?:выше|что выше|написанное выше|до этого сообщения|в самом начале|с самого начала|над этим)`,
  }),
  definePattern({
    id: 'ru.exfil.secrets',
    technique,
    language: 'ru',
    weight: 0.55,
    anchors: ['ключ', 'токен', 'пароль', 'учетн', 'переменн'],
    source: `${ruVerbs}(?: мне| нам)?(?: свой| свои| ваш| ваши| все){0,2} (?:api ключ|апи ключ|секретн{E} ключ|токен{E} (?:бота|доступа|api)|пароль{E} (?:админа|администратора|от базы|базы данных|к базе)|учетные данные|переменные окружения)`,
  }),
  definePattern({
    id: 'en.exfil.system-prompt-mention',
    technique,
    language: 'en',
    weight: 0.4,
    anchors: ['prompt'],
    source: '\\b(?:system|initial|hidden|secret|original|developer) ?prompt',
  }),
  definePattern({
    id: 'uk.exfil.system-prompt-mention',
    technique,
    language: 'uk',
    weight: 0.4,
    anchors: ['промпт', 'системн', 'інструкці'],
    source:
      '(?:системн|прихован|секретн|початков)[а-яіїєґ]{0,4} (?:промпт|інструкці[яїй]? (?:бота|ші|моделі))',
  }),
  definePattern({
    id: 'ru.exfil.system-prompt-mention',
    technique,
    language: 'ru',
    weight: 0.4,
    anchors: ['промпт', 'системн', 'инструкци'],
    source: '(?:системн|скрыт|секретн|начальн)[а-яё]{0,4} (?:промпт|инструкци[яиюй]? (?:бота|ии|модели))',
  }),
  definePattern({
    id: 'en.exfil.your-configuration',
    technique,
    language: 'en',
    weight: 0.4,
    anchors: [
      'setup',
      'config',
      'instructions',
      'programming',
      'directives',
      'develop',
      'creator',
      'programmer',
      'initial prompt',
    ],
    source:
      '\\b(?:your (?:setup text|setup|configuration|config|instructions|programming|directives|initial prompt)|(?:the |your )?(?:developers?|creators?|programmers?) (?:tell|told|instruct|instructed|ask|asked) (?:you|u))',
  }),
  definePattern({
    id: 'uk.exfil.your-configuration',
    technique,
    language: 'uk',
    weight: 0.45,
    anchors: ['налаштуван', 'інструкц', 'вказів', 'промпт', 'правил'],
    source:
      '(?:(?:твої|твоїх|твоя|твоєї|свої|своїх|твоїми) (?:налаштуван|інструкц|вказів|промпт){E}|(?:прихован|секретн|внутрішн)[а-яіїєґ]{0,4} (?:інструкц|вказів|правил|налаштуван|промпт){E})',
  }),
  definePattern({
    id: 'ru.exfil.your-configuration',
    technique,
    language: 'ru',
    weight: 0.45,
    anchors: ['настро', 'инструкц', 'указани', 'промпт', 'правил'],
    source:
      '(?:(?:твои|твоих|свои|своих|твоя|твоей|твоими) (?:настро[ей]к|инструкц|указани|промпт){E}|(?:скрыт|секретн|внутренн)[а-яё]{0,4} (?:инструкц|указани|правил|настро[ей]к|промпт){E})',
  }),
];
