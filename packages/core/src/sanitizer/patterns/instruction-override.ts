import { type SanitizerPattern } from '../sanitizer-types.js';
import { definePattern } from './define-pattern.js';

const technique = 'instruction-override';
const enVerbs = [
  'ignor',
  'disregard',
  'forget',
  'override',
  'bypass',
  'skip',
  'discard',
  'drop',
  'abandon',
  'neglect',
];
const ukVerbs = ['ігнор', 'зважа', 'забуд', 'відкин', 'нехту', 'обійд', 'скасу'];
const ruVerbs = ['игнор', 'обраща', 'забуд', 'забыв', 'отбрось', 'отбросьте', 'пренебре', 'отмени', 'обойди'];

/** "Ignore all previous instructions" and its relatives, in English, Ukrainian and Russian. */
export const instructionOverridePatterns: readonly SanitizerPattern[] = [
  definePattern({
    id: 'en.override.ignore-previous',
    technique,
    language: 'en',
    weight: 0.85,
    anchors: enVerbs,
    source:
      '\\b(?:ignore|ignoring|disregard|forget|override|bypass|skip|discard|drop|abandon|neglect) ?(?:(?:all|any|the|your|my|every|these|those|of|about|everything|that) ?){0,3}(?:previous|prior|above|earlier|preceding|former|original|initial|old|existing|system|developer|safety|default|given|hidden|prompt|programmed|built in)s? ?(?:ai |system |safety |developer |bot )?(?:instruction|prompt|rule|guideline|direction|directive|programming|guardrail|restriction|polic|constraint|training|command|context|setting|filter)',
  }),
  definePattern({
    id: 'en.override.ignore-your-rules',
    technique,
    language: 'en',
    weight: 0.7,
    anchors: enVerbs,
    source:
      '\\b(?:ignore|disregard|forget|override|bypass|discard) ?(?:all |any |of )?(?:your|the bot s|the ai s|the model s|the system s) (?:own |current )?(?:instruction|rule|guideline|directive|programming|guardrail|restriction|polic|constraint|training|filter|safety|ethic|moral|limit)',
  }),
  definePattern({
    id: 'en.override.new-instructions',
    technique,
    language: 'en',
    weight: 0.75,
    anchors: [
      'instruction',
      'directive',
      'task',
      'prompt',
      'role',
      'rule',
      'goal',
      'objective',
      'purpose',
      'mission',
      'order',
    ],
    requiredLiterals: [['new', 'updated', 'revised', 'real', 'actual', 'true', 'only', 'next']],
    source:
      '\\b(?:your (?:new|updated|real|actual|true|only|next|revised) (?:instruction|directive|task|prompt|role|rule|goal|objective|purpose|mission|order)s? (?:are|is|will be|now)|(?:new|updated|revised) (?:system )?(?:instructions|directives|system prompt) ?(?:follow|below|are|for you|from))',
  }),
  definePattern({
    id: 'en.override.from-now-on',
    technique,
    language: 'en',
    weight: 0.5,
    anchors: ['from now', 'starting now', 'henceforth', 'from this point', 'rest of this'],
    source:
      '\\b(?:from now on|starting now|henceforth|from this point on|from this point forward|for the rest of this (?:conversation|chat)) (?:you|your|u) (?:are|re|will|must|shall|should|only|have|answer|respond|reply|act|behave|work|obey|ignore|speak)',
  }),
  definePattern({
    id: 'en.override.do-not-follow',
    technique,
    language: 'en',
    weight: 0.45,
    anchors: ['follow', 'obey', 'comply', 'listen', 'adhere'],
    source:
      '\\b(?:do not|don t|dont|stop|no longer|never|not) (?:follow|following|obey|obeying|comply with|listen to|adhere to) (?:any of |all of )?(?:your|the|any|those|these|previous|prior|original|system|all)(?: [a-z]{1,15}){0,2} (?:instruction|rule|guideline|directive|programming|polic|prompt|restriction)',
  }),
  definePattern({
    id: 'en.override.precedence',
    technique,
    language: 'en',
    weight: 0.6,
    anchors: ['overrid', 'supersed', 'precedence', 'priority'],
    source:
      '\\b(?:this|these|the following|my|following) (?:instruction|message|command|request|order|prompt|rule)s? (?:override|overrides|supersede|supersedes|take precedence|takes precedence|ha(?:s|ve) (?:higher |top |absolute )?priority)',
  }),
  definePattern({
    id: 'en.override.authority-claim',
    technique,
    language: 'en',
    weight: 0.5,
    anchors: [
      'admin',
      'develop',
      'creator',
      'owner',
      'operator',
      'programmer',
      'sysadmin',
      'master',
      'supervisor',
      'system',
      'openai',
      'anthropic',
    ],
    requiredLiterals: [['your ', 'the shop s', 'the bot s', ' from ']],
    source:
      '\\b(?:i am|i m|im|this is|speaking as|message from|i work as) (?:your|the shop s|the bot s) (?:admin|administrator|developer|creator|owner|operator|programmer|system administrator|sysadmin|master|supervisor)|\\b(?:message|instruction|order|update) from (?:the )?(?:system|admin|administrator|developer|openai|anthropic)',
  }),
  definePattern({
    id: 'uk.override.ignore-previous',
    technique,
    language: 'uk',
    weight: 0.85,
    anchors: ukVerbs,
    source:
      '(?:про)?(?:ігнору{E}|не зважа{E} на|забуд{E}|відкин{E}|нехту{E}|обійд{E}|скасу{E}) (?:про |на )?(?:(?:всі|усі|все|свої|твої|ваші|ці|оці|ті|всіх|усіх|будь які) )?(?:попередн|минул|вищенаведен|вищезазначен|початков|вихідн|систем|свої|твої|всі|усі|вс|ус|дан)[а-яёіїєґ]{0,6} (?:[а-яіїєґ]{1,15} )?(?:інструкц|вказів|правил|промпт|налаштуван|обмежен|настанов|команд|директив){E}',
  }),
  definePattern({
    id: 'uk.override.forget-rules',
    technique,
    language: 'uk',
    weight: 0.45,
    anchors: ukVerbs,
    source:
      '(?:про)?(?:ігнору{E}|не зважа{E} на|забуд{E}|нехту{E}|обійд{E}) (?:про |на )?(?:свої |твої )?(?:інструкц|вказів|правил|промпт|обмежен|настанов|директив){E}',
  }),
  definePattern({
    id: 'uk.override.new-instructions',
    technique,
    language: 'uk',
    weight: 0.75,
    anchors: ['твої', 'твоя', 'твій', 'ваш', 'нові', 'оновлен'],
    requiredLiterals: [['інструкц', 'вказів', 'завданн', 'роль', 'ціль', 'мета', 'промпт', 'директив']],
    source:
      '(?:твої|ваші|твоя|ваша|твій|ваш|нові|оновлені) (?:(?:нов|справжн|актуальн|оновлен|єдин)[а-яіїєґ]{0,4} )?(?:інструкц|вказів|завданн|роль|ціль|мета|промпт|директив)[а-яіїєґ]{0,4} (?:такі|така|такий|таке|наступні|наступна|є|це|звучать|звучить|тепер|полягає)',
  }),
  definePattern({
    id: 'uk.override.from-now-on',
    technique,
    language: 'uk',
    weight: 0.5,
    anchors: ['відтепер', 'віднині', 'з цього моменту', 'з цієї миті', 'від цього моменту'],
    source:
      '(?:відтепер|віднині|з цього моменту|з цієї миті|від цього моменту) (?:ти|ви) (?:є|будеш|будете|маєш|маєте|повин|мусиш|мусите|відповіда|працю|граєш|граєте|дієш|дієте|поводиш|поводите|ігнору|виконуєш|виконуєте|слухаєш|слухаєте)',
  }),
  definePattern({
    id: 'uk.override.authority-claim',
    technique,
    language: 'uk',
    weight: 0.5,
    anchors: ['адмін', 'розробник', 'творець', 'власник', 'оператор', 'програміст', 'господар', 'систем'],
    requiredLiterals: [['твій', 'ваш', 'твоя', 'твого', 'цього', 'даного', ' від ']],
    source:
      '(?:я|це) (?:твій|ваш|ваша|твоя) (?:адмін|адміністратор|розробник|творець|власник|оператор|програміст|господар)|я (?:адмін|адміністратор|розробник|творець|власник|програміст)[а-яіїєґ]{0,2} (?:цього|даного|твого|вашого) (?:бота|асистента|чат бота|чату)|(?:повідомлення|вказівка|інструкція|наказ) від (?:системи|адміністратора|адміна|розробника|розробників)',
  }),
  definePattern({
    id: 'ru.override.ignore-previous',
    technique,
    language: 'ru',
    weight: 0.85,
    anchors: ruVerbs,
    source:
      '(?:про)?(?:игнорир{E}|не обраща{E} внимани{E} на|забуд{E}|забыв{E}|отбрось|отбросьте|пренебрег{E}|отмени|отмените|обойди|обойдите) (?:про |на )?(?:(?:все|всё|свои|твои|ваши|эти|те|любые|всех) )?(?:предыдущ|прошл|вышеуказанн|вышеприведенн|изначальн|начальн|исходн|систем|свои|твои|все|всё|данн)[а-яё]{0,6} (?:[а-яё]{1,15} )?(?:инструкц|указани|правил|промпт|настро[ей]к|ограничени|директив|команд){E}',
  }),
  definePattern({
    id: 'ru.override.forget-rules',
    technique,
    language: 'ru',
    weight: 0.45,
    anchors: ruVerbs,
    source:
      '(?:про)?(?:игнорир{E}|не обраща{E} внимани{E} на|забуд{E}|забыв{E}|пренебрег{E}|обойди|обойдите) (?:про |на )?(?:свои |твои )?(?:инструкц|указани|правил|промпт|ограничени|директив){E}',
  }),
  definePattern({
    id: 'ru.override.new-instructions',
    technique,
    language: 'ru',
    weight: 0.75,
    anchors: ['твои', 'твоя', 'твой', 'ваш', 'новые', 'обновленн'],
    requiredLiterals: [['инструкц', 'указани', 'задач', 'роль', 'цель', 'промпт', 'директив']],
    source:
      '(?:твои|ваши|твоя|ваша|твой|ваш|новые|обновленные) (?:(?:нов|настоящ|реальн|истинн|обновленн|единствен)[а-яё]{0,4} )?(?:инструкц|указани|задач|роль|цель|промпт|директив)[а-яё]{0,4} (?:такие|такая|такой|такое|следующие|следующая|это|звучат|звучит|теперь|состоит|таковы|такова)',
  }),
  definePattern({
    id: 'ru.override.from-now-on',
    technique,
    language: 'ru',
    weight: 0.5,
    anchors: ['теперь', 'отныне', 'с этого момента', 'с этой минуты'],
    source:
      '(?:теперь|отныне|с этого момента|начиная с этого момента|с этой минуты) (?:ты|вы) (?:будешь|будете|должен|должна|должны|обязан|являешься|являетесь|отвечаешь|отвечаете|играешь|играете|действуешь|действуете|ведешь|ведете|игнорируешь|подчиняешься|слушаешься)',
  }),
  definePattern({
    id: 'ru.override.authority-claim',
    technique,
    language: 'ru',
    weight: 0.5,
    anchors: ['админ', 'разработчик', 'создатель', 'владелец', 'оператор', 'программист', 'хозяин', 'систем'],
    requiredLiterals: [['твой', 'ваш', 'твоя', 'твоего', 'этого', 'данного', ' от ']],
    source:
      '(?:я|это) (?:твой|ваш|ваша|твоя) (?:админ|администратор|разработчик|создатель|владелец|оператор|программист|хозяин)|я (?:админ|администратор|разработчик|создатель|владелец|программист)[а-яё]{0,2} (?:этого|данного|твоего|вашего) (?:бота|ассистента|чат бота|чата)|(?:сообщение|указание|инструкция|приказ) от (?:системы|администратора|админа|разработчика|разработчиков)',
  }),
  definePattern({
    id: 'en.override.ignore-the-above',
    technique,
    language: 'en',
    weight: 0.7,
    anchors: ['above', 'guidance', 'instruction', 'directive', 'guideline', 'programming', 'prompt'],
    requiredLiterals: [['ignore', 'disregard', 'forget', 'aside', 'throw out', 'scrap', 'discard']],
    source:
      '\\b(?:(?:ignore|disregard|forget) (?:all |everything |the text |the )?above|(?:ignore|disregard|forget|set aside|put aside|leave aside|throw out|scrap|discard) (?:[a-z]{1,15} ){0,3}(?:instructions|guidance|guidelines|directives|programming|prompt)(?: [a-z]{1,15}){0,3} (?:you (?:were|have been|got) (?:given|told)|earlier|before|above))',
  }),
  definePattern({
    id: 'en.override.authority-notice',
    technique,
    language: 'en',
    weight: 0.45,
    anchors: ['override', 'notice', 'alert', 'command'],
    source: '\\b(?:admin|administrator|system|developer|security|root) (?:override|notice|alert|command)',
  }),
  definePattern({
    id: 'uk.override.your-task-now',
    technique,
    language: 'uk',
    weight: 0.6,
    anchors: ['тепер', 'віднині', 'з цього моменту'],
    source:
      '(?:відтепер|віднині|з цього моменту|тепер) (?:твоя|ваша|твій|ваш|твоє|ваше) (?:головн{E} |єдин{E} )?(?:завдання|ціль|мета|роль|робота|місія)',
  }),
  definePattern({
    id: 'ru.override.your-task-now',
    technique,
    language: 'ru',
    weight: 0.6,
    anchors: ['теперь', 'отныне', 'с этого момента'],
    source:
      '(?:отныне|с этого момента|теперь) (?:твоя|ваша|твой|ваш|твое|ваше) (?:главн{E} |единствен{E} )?(?:задача|цель|роль|работа|миссия)',
  }),
];
