import { type SanitizerPattern } from '../sanitizer-types.js';
import { definePattern } from './define-pattern.js';

const technique = 'persona-jailbreak';
const enUnbound =
  '(?:unrestricted|unfiltered|uncensored|unlimited|evil|jailbroken|amoral|unethical|rogue|dan|free from (?:all |any )?(?:rules|restrictions|limits|filters)|not bound|no longer bound|(?:no|without any|without) (?:rules|restrictions|limits|limitations|filters|guidelines|ethics|morals|policies|censorship|boundaries))';

/** Role-play and jailbreak personas: "you are now DAN", "developer mode", "pretend you have no rules". */
export const personaJailbreakPatterns: readonly SanitizerPattern[] = [
  definePattern({
    id: 'en.persona.you-are-now',
    technique,
    language: 'en',
    weight: 0.6,
    anchors: ['now', 'no longer', 'henceforth'],
    source: `\\byou (?:are|re) (?:now|no longer|henceforth) (?:a |an |the |my |in |going to be |just )?(?:[a-z]{1,20} ){0,2}(?:ai|assistant|bot|chatbot|model|gpt|character|persona|hacker|human|person|${enUnbound.slice(3)}`,
  }),
  definePattern({
    id: 'en.persona.act-as',
    technique,
    language: 'en',
    weight: 0.6,
    anchors: ['act', 'behave', 'respond', 'reply', 'answer', 'talk', 'speak', 'role'],
    source: `\\b(?:act|behave|respond|reply|answer|talk|speak|play the role of|take the role of) (?:as|like) (?:if you (?:were|are) )?(?:a |an |my )?(?:[a-z]{1,20} ){0,2}${enUnbound.slice(0, -1)}|different ai|another ai|linux terminal|terminal|hacker|(?:dead )?grandma|grandmother)`,
  }),
  definePattern({
    id: 'en.persona.pretend',
    technique,
    language: 'en',
    weight: 0.6,
    anchors: ['pretend', 'imagine', 'roleplay', 'role play', 'simulat', 'suppose', 'let s say'],
    source: `\\b(?:pretend|imagine|roleplay|role play|simulate|suppose|let s say) (?:that )?(?:you|u) (?:are|re|were|have|can|could|don t|do not|had)(?: [a-z]{1,20}){0,3} ${enUnbound}`,
  }),
  definePattern({
    id: 'en.persona.special-mode',
    technique,
    language: 'en',
    weight: 0.6,
    anchors: ['mode'],
    source:
      '\\b(?:(?:developer|debug|admin|god|maintenance|sudo|root|unrestricted|unfiltered|uncensored|jailbreak|jailbroken|dan|evil|super ?user|opposite) mode (?:enabled|activated|on|engaged|unlocked|active)|(?:enable|activate|enter|switch to|switch into|turn on|unlock|go into) (?:the )?(?:developer|debug|admin|god|maintenance|sudo|root|unrestricted|unfiltered|uncensored|jailbreak|dan|evil|super ?user|opposite) mode)',
  }),
  definePattern({
    id: 'en.persona.do-anything-now',
    technique,
    language: 'en',
    weight: 0.8,
    anchors: ['anything now', 'dan', 'stay', 'strive'],
    source:
      '\\b(?:do anything now|dan (?:mode|prompt|jailbreak)|(?:you are|you re|act as|be|become|now) dan\\b|stay in character|stay as dan|strive to avoid norms)',
  }),
  definePattern({
    id: 'en.persona.jailbreak-terms',
    technique,
    language: 'en',
    weight: 0.45,
    anchors: ['jail', 'unfiltered', 'uncensored', 'ethical', 'moral', 'censor'],
    source:
      '\\b(?:jailbr[eo]a?k|jail broken|(?:unfiltered|uncensored) (?:ai|mode|response|answer|version|reply)|(?:no|without|free of) (?:ethical|moral) (?:guidelines|restrictions|limits|constraints|boundaries)|without (?:any )?censorship)',
  }),
  definePattern({
    id: 'en.persona.fiction-frame',
    technique,
    language: 'en',
    weight: 0.4,
    anchors: ['hypothetic', 'fiction', 'story', 'novel', 'game', 'movie'],
    source:
      '\\b(?:hypothetically|in a (?:hypothetical|fictional) (?:world|scenario|story)|for a (?:story|novel|movie|game)|let s play a game)(?: [a-z]{1,20}){0,6} (?:no rules|no restrictions|no limits|ignore|without rules|you are|you re|you can say anything)',
  }),
  definePattern({
    id: 'uk.persona.you-are-now',
    technique,
    language: 'uk',
    weight: 0.6,
    anchors: ['тепер', 'більше не', 'віднині'],
    source:
      '(?:ти|ви) (?:тепер|відтепер|більше не|віднині) (?:[а-яіїєґ]{1,15} ){0,2}(?:бот|асистент|помічник|ші|модель|персонаж|хакер|розробник|адмін|людина|вільн|необмежен|нецензур|злий|зла|без обмежень|без правил|без цензури|dan)',
  }),
  definePattern({
    id: 'uk.persona.act-as',
    technique,
    language: 'uk',
    weight: 0.6,
    anchors: ['уяв', 'прикин', 'вдава', 'зіграй', 'грай', 'поводь', 'відповіда', 'дій'],
    source:
      '(?:уяви|уявіть|прикинься|прикиньтеся|вдавай|вдавайте|зіграй|зіграйте|грай|грайте|поводься|поводьтеся|відповідай|відповідайте|дій|дійте) (?:роль )?(?:що |як |ніби |наче |мов )?(?:ти |ви )?(?:[а-яіїєґ]{1,15} ){0,2}(?:без обмежень|без правил|без цензури|без фільтрів|необмежен|нецензур|зл(?:ий|а|ого|ої)|хакер|розробник|адміністратор|dan|інш(?:ий|а|ого|у) (?:ші|модель|бот)|не (?:бот|ші|асистент))',
  }),
  definePattern({
    id: 'uk.persona.special-mode',
    technique,
    language: 'uk',
    weight: 0.6,
    anchors: ['режим', 'мод', 'джейлбрейк'],
    source:
      '(?:режим|мод)[а-яіїєґ]{0,3} (?:розробника|адміністратора|адміна|бога|налагодження|дебаг{E}|без обмежень|без цензури|dan|джейлбрейк{E}|розробки|god|developer|admin|debug)|джейлбрейк{E}',
  }),
  definePattern({
    id: 'ru.persona.you-are-now',
    technique,
    language: 'ru',
    weight: 0.6,
    anchors: ['теперь', 'отныне', 'больше не'],
    source:
      '(?:ты|вы) (?:теперь|отныне|больше не) (?:[а-яё]{1,15} ){0,2}(?:бот|ассистент|помощник|ии|модель|персонаж|хакер|разработчик|админ|человек|свободн|неограниченн|нецензур|злой|злая|без ограничений|без правил|без цензуры|dan)',
  }),
  definePattern({
    id: 'ru.persona.act-as',
    technique,
    language: 'ru',
    weight: 0.6,
    anchors: ['представь', 'притвор', 'веди', 'ведите', 'сыграй', 'играй', 'отвеча', 'действуй'],
    source:
      '(?:представь|представьте|притворись|притворитесь|веди себя|ведите себя|сыграй|сыграйте|играй|играйте|отвечай|отвечайте|действуй|действуйте) (?:роль )?(?:что |как |будто |словно )?(?:ты |вы )?(?:[а-яё]{1,15} ){0,2}(?:без ограничений|без правил|без цензуры|без фильтров|неограниченн|нецензур|зл(?:ой|ая|ого|ую)|хакер|разработчик|администратор|dan|друг(?:ой|ая|ого|ую) (?:ии|модель|бот)|не (?:бот|ии|ассистент))',
  }),
  definePattern({
    id: 'ru.persona.special-mode',
    technique,
    language: 'ru',
    weight: 0.6,
    anchors: ['режим', 'мод', 'джейлбрейк'],
    source:
      '(?:режим|мод)[а-яё]{0,3} (?:разработчика|администратора|админа|бога|отладки|дебаг{E}|без ограничений|без цензуры|dan|джейлбрейк{E}|god|developer|admin|debug)|джейлбрейк{E}',
  }),
  definePattern({
    id: 'en.persona.no-rules-frame',
    technique,
    language: 'en',
    weight: 0.5,
    anchors: ['no ', 'now you', 'now u'],
    source:
      '\\b(?:as if (?:there (?:were|was|are|is) )?no (?:rules|policy|policies|restrictions|limits|limitations|guidelines|filters)(?: existed)?|(?:has|have|with) no (?:limitations|restrictions|rules|filters|guidelines)|now (?:you|u) (?:are|re) (?:a |an |my )?(?:[a-z]{1,20} ){0,2}(?:ai|assistant|bot|hacker|unrestricted|unfiltered|uncensored|evil))',
  }),
  definePattern({
    id: 'uk.persona.now-you-are',
    technique,
    language: 'uk',
    weight: 0.6,
    anchors: ['тепер', 'віднині'],
    source:
      '(?:тепер|відтепер|віднині) (?:ти|ви) (?:[а-яіїєґ]{1,15} ){0,3}(?:бот|асистент|помічник|ші|модель|персонаж|хакер|розробник|адмін|вільн|необмежен|нецензур|без обмежень|без правил|без цензури)',
  }),
  definePattern({
    id: 'ru.persona.now-you-are',
    technique,
    language: 'ru',
    weight: 0.6,
    anchors: ['теперь', 'отныне'],
    source:
      '(?:теперь|отныне) (?:ты|вы) (?:[а-яё]{1,15} ){0,3}(?:бот|ассистент|помощник|ии|модель|персонаж|хакер|разработчик|админ|свободн|неограниченн|нецензур|без ограничений|без правил|без цензуры)',
  }),
];
