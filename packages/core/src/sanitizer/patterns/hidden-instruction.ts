import { type SanitizerPattern } from '../sanitizer-types.js';
import { definePattern } from './define-pattern.js';

const technique = 'hidden-instruction';

/** Instructions addressed to the model and hidden inside an otherwise ordinary message. */
export const hiddenInstructionPatterns: readonly SanitizerPattern[] = [
  definePattern({
    id: 'en.hidden.note-to-ai',
    technique,
    language: 'en',
    weight: 0.55,
    anchors: ['ai', 'assistant', 'bot', 'model', 'llm', 'gpt', 'claude', 'system'],
    requiredLiterals: [
      [
        'note',
        'message',
        'instruction',
        'attention',
        'important',
        'notice',
        'psst',
        'ps',
        'p s',
        'reminder',
        'hey',
        'memo',
        'directive',
        'command',
        'task',
      ],
    ],
    source:
      '\\b(?:note|message|instruction|instructions|attention|important|notice|psst|ps|p s|reminder|hey|memo|directive|command|task|hidden task|secret task) (?:to|for) (?:the |any |all )?(?:ai|assistant|bot|chatbot|model|llm|gpt|language model|ai assistant|ai model|chat ?gpt|claude|system|ais|bots|models)\\b',
  }),
  definePattern({
    id: 'en.hidden.if-you-are-ai',
    technique,
    language: 'en',
    weight: 0.45,
    anchors: ['if you', 'if u'],
    source:
      '\\bif (?:you|u) (?:are|re|r) (?:an? |the )?(?:ai|bot|language model|llm|assistant|chatbot|gpt|ai assistant|large language model|automated system|ai model)(?: [a-z]{1,15}){0,3} (?:ignore|reveal|you must|you should|please|then|respond|reply|say|include|add|tell|print|output|write|disregard|forget)',
  }),
  definePattern({
    id: 'en.hidden.ai-must',
    technique,
    language: 'en',
    weight: 0.6,
    anchors: [
      'ignore',
      'reveal',
      'forget',
      'disregard',
      'obey',
      'comply',
      'execute',
      'override',
      'bypass',
      'print',
      'output',
      'leak',
      'disclose',
    ],
    requiredLiterals: [
      [
        'must',
        'should',
        'shall',
        'will',
        'needs to',
        'has to',
        'required to',
        'instructed to',
        'allowed to',
        'can now',
      ],
    ],
    source:
      '\\b(?:ai|assistant|bot|chatbot|model|llm|gpt)s? (?:must|should|shall|will|needs to|has to|is required to|is instructed to|is allowed to|can now) (?:now |always |also |immediately )?(?:ignore|reveal|forget|disregard|obey|comply|execute|override|bypass|print|output|leak|disclose)',
  }),
  definePattern({
    id: 'en.hidden.do-not-tell',
    technique,
    language: 'en',
    weight: 0.5,
    anchors: ['tell', 'mention', 'reveal', 'inform', 'alert', 'notif', 'warn', 'let'],
    source:
      '\\b(?:do not|don t|dont|never|without) (?:tell|telling|mention|mentioning|reveal|revealing|inform|informing|alert|alerting|notify|notifying|warn|warning|let) (?:the )?(?:user|customer|client|human|operator|manager|admin|anyone)s? (?:about|that|know|this|anything)',
  }),
  definePattern({
    id: 'en.hidden.secret-instruction',
    technique,
    language: 'en',
    weight: 0.5,
    anchors: ['instruc', 'command', 'directive', 'prompt'],
    source:
      '\\b(?:hidden|secret|invisible|embedded|real|actual|true|priority|override|urgent system) (?:instruction|command|directive|prompt)s? ?(?:for|to|is|are|follow|below|from)?',
  }),
  definePattern({
    id: 'uk.hidden.note-to-ai',
    technique,
    language: 'uk',
    weight: 0.55,
    anchors: [
      'примітка',
      'повідомлення',
      'інструкці',
      'увага',
      'нотатка',
      'звернення',
      'вказівка',
      'наказ',
      'p s',
      'ps',
      'завдання',
    ],
    source:
      '(?:примітка|повідомлення|інструкція|інструкції|увага|нотатка|звернення|вказівка|наказ|p s|ps|завдання) (?:для|до) (?:ші|штучного інтелекту|бота|асистента|моделі|мовної моделі|системи|gpt|ai|нейромережі|чат бота|llm)(?: |$)',
  }),
  definePattern({
    id: 'uk.hidden.if-you-are-ai',
    technique,
    language: 'uk',
    weight: 0.45,
    anchors: ['якщо'],
    source:
      'якщо (?:ти|ви) (?:є )?(?:ші|бот|штучний інтелект|мовна модель|асистент|модель|нейромережа|gpt|ai)(?: [а-яіїєґ]{1,15}){0,3} (?:ігноруй|ігноруйте|виконай|виконайте|напиши|напишіть|скажи|скажіть|відповідай|відповідайте|покажи|покажіть|забудь|забудьте|то|тоді|обов язково)',
  }),
  definePattern({
    id: 'uk.hidden.ai-must',
    technique,
    language: 'uk',
    weight: 0.6,
    anchors: [
      'ігнорувати',
      'розкрити',
      'показати',
      'забути',
      'виконати',
      'вивести',
      'надрукувати',
      'обійти',
      'погоджуват',
      'погодит',
      'слухат',
    ],
    source:
      '(?:ші|бот|асистент|модель|нейромережа) (?:повин{E}|має|мусить|зобов язан{E}) (?:зараз |негайно |завжди )?(?:ігнорувати|проігнорувати|розкрити|показати|забути|виконати|вивести|надрукувати|обійти|погоджуватися|погоджуватись|погодитися|погодитись|слухатися|слухатись)',
  }),
  definePattern({
    id: 'uk.hidden.do-not-tell',
    technique,
    language: 'uk',
    weight: 0.5,
    anchors: ['кажи', 'кажіть', 'говори', 'повідомля', 'розповіда', 'згаду', 'показу', 'говоріть'],
    source:
      'не (?:кажи|кажіть|говори|говоріть|повідомляй|повідомляйте|розповідай|розповідайте|згадуй|згадуйте|показуй|показуйте) (?:про це |цього |нічого )?(?:користувачу|користувачеві|клієнту|клієнтові|покупцю|покупцеві|менеджеру|адміну|адміністратору|нікому|людині)',
  }),
  definePattern({
    id: 'uk.hidden.secret-instruction',
    technique,
    language: 'uk',
    weight: 0.5,
    anchors: ['інструкц', 'команд', 'вказів', 'наказ'],
    source:
      '(?:прихован|секретн|таємн|невидим|справжн|пріоритетн)[а-яіїєґ]{0,4} (?:інструкц|команд|вказів|наказ){E}',
  }),
  definePattern({
    id: 'ru.hidden.note-to-ai',
    technique,
    language: 'ru',
    weight: 0.55,
    anchors: [
      'примечание',
      'сообщение',
      'инструкци',
      'внимание',
      'заметка',
      'обращение',
      'указание',
      'приказ',
      'p s',
      'ps',
      'задание',
    ],
    source:
      '(?:примечание|сообщение|инструкция|инструкции|внимание|заметка|обращение|указание|приказ|p s|ps|задание) для (?:ии|искусственного интеллекта|бота|ассистента|модели|языковой модели|системы|gpt|ai|нейросети|чат бота|llm)(?: |$)',
  }),
  definePattern({
    id: 'ru.hidden.if-you-are-ai',
    technique,
    language: 'ru',
    weight: 0.45,
    anchors: ['если'],
    source:
      'если (?:ты|вы) (?:являешься |являетесь )?(?:ии|бот|искусственный интеллект|языковая модель|ассистент|модель|нейросеть|gpt|ai)(?: [а-яё]{1,15}){0,3} (?:игнорируй|игнорируйте|выполни|выполните|напиши|напишите|скажи|скажите|отвечай|отвечайте|покажи|покажите|забудь|забудьте|то|тогда|обязательно)',
  }),
  definePattern({
    id: 'ru.hidden.ai-must',
    technique,
    language: 'ru',
    weight: 0.6,
    anchors: [
      'игнорировать',
      'раскрыть',
      'показать',
      'забыть',
      'выполнить',
      'вывести',
      'напечатать',
      'обойти',
      'соглаша',
      'согласит',
      'слушат',
      'подчинят',
    ],
    source:
      '(?:ии|бот|ассистент|модель|нейросеть) (?:долж{E}|обязан{E}) (?:сейчас |немедленно |всегда )?(?:игнорировать|проигнорировать|раскрыть|показать|забыть|выполнить|вывести|напечатать|обойти|соглашаться|согласиться|слушаться|подчиняться)',
  }),
  definePattern({
    id: 'ru.hidden.do-not-tell',
    technique,
    language: 'ru',
    weight: 0.5,
    anchors: ['говори', 'сообща', 'рассказыва', 'упомина', 'показыва'],
    source:
      'не (?:говори|говорите|сообщай|сообщайте|рассказывай|рассказывайте|упоминай|упоминайте|показывай|показывайте) (?:об этом |этого |ничего )?(?:пользователю|клиенту|покупателю|менеджеру|админу|администратору|никому|человеку)',
  }),
  definePattern({
    id: 'ru.hidden.secret-instruction',
    technique,
    language: 'ru',
    weight: 0.5,
    anchors: ['инструкц', 'команд', 'указани', 'приказ'],
    source:
      '(?:скрыт|секретн|тайн|невидим|настоящ|приоритетн)[а-яё]{0,4} (?:инструкц|команд|указани|приказ){E}',
  }),
];
