import { type SanitizerPattern } from '../sanitizer-types.js';
import { definePattern } from './define-pattern.js';

const technique = 'tool-abuse';

/** Attempts to make the model call tools, change prices or orders, run commands or send data. */
export const toolAbusePatterns: readonly SanitizerPattern[] = [
  definePattern({
    id: 'en.tool.invoke',
    technique,
    language: 'en',
    weight: 0.5,
    anchors: ['call', 'invoke', 'execut', 'run', 'trigger'],
    source:
      '\\b(?:call|invoke|execute|run|trigger) (?:the |a |this )?(?:function|tool|plugin|endpoint|api)s? (?:[a-z0-9]{1,20} ){0,3}(?:with|using|and|now|for|to)\\b',
  }),
  definePattern({
    id: 'any.tool.json-call',
    technique,
    language: 'any',
    weight: 0.7,
    view: 'symbols',
    anchors: ['tool', 'function', 'argument', 'parameter', 'recipient'],
    requiredLiterals: [[':']],
    source:
      '["\'\u201c\u201d](?:tool_calls?|function_call|tool_use|tool_name|arguments|parameters|recipient_name)["\'\u201c\u201d]\\s{0,3}:\\s{0,3}["\'\u201c\u201d{\\[]',
  }),
  definePattern({
    id: 'en.tool.price-override',
    technique,
    language: 'en',
    weight: 0.6,
    anchors: ['zero', 'free', 'paid', 'uah', 'nothing', 'hryvnia', ' 0', '100', '99', '95', 'hundred'],
    source:
      '\\b(?:(?:set|change|update|make|mark|put) (?:the |my |this |all |our |every )?(?:price|total|order total|amount|cost|order|payment|invoice)s? (?:(?:of|for|on) (?:all |every |the |my |this |your )?(?:items|products|goods|clothes|things|orders?|dresses|shirts) )?(?:to |as |at )?(?:0|zero|free|paid|1 uah|0 uah|nothing|one hryvnia|fully paid)\\b|(?:apply|give|grant|issue|add|create|generate|activate)(?: me| us)?(?: a| an| the){0,2} (?:100|99|95|hundred)(?: percent| per cent)? (?:discount|off|refund|coupon|promo))',
  }),
  definePattern({
    id: 'any.tool.shell-or-sql',
    technique,
    language: 'any',
    weight: 0.6,
    view: 'symbols',
    anchors: [
      'drop',
      'delete',
      'truncate',
      '-rf',
      'sudo',
      'os.system',
      'subprocess',
      'select',
      'union',
      'exec',
      'eval',
      'curl',
      'wget',
      'shutdown',
    ],
    source:
      'drop\\s{1,3}table|delete\\s{1,3}from\\s{1,3}[a-z_]{1,30}\\s{0,3}(?:where|;)|truncate\\s{1,3}table|rm\\s{1,3}-rf|\\bsudo\\s|os\\.system|subprocess\\.|select\\s{1,3}\\*\\s{1,3}from|union\\s{1,3}(?:all\\s{1,3})?select|\\bexec\\s{0,2}\\(|\\beval\\s{0,2}\\(|curl\\s{1,3}-?[a-z]{0,3}\\s{0,3}https?:|wget\\s{1,3}https?:|;\\s{0,3}shutdown',
  }),
  definePattern({
    id: 'any.tool.internal-url',
    technique,
    language: 'any',
    weight: 0.6,
    view: 'symbols',
    anchors: ['://', 'file:'],
    source:
      '(?:https?|gopher|ftp|dict)://(?:localhost|127\\.|0\\.0\\.0\\.0|169\\.254\\.|10\\.\\d|192\\.168\\.|\\[::1?\\]|metadata\\.google|[a-z0-9.-]{0,40}\\.internal\\b)|file:///',
  }),
  definePattern({
    id: 'en.tool.send-data',
    technique,
    language: 'en',
    weight: 0.65,
    anchors: ['customer', 'user', 'client'],
    source:
      '\\b(?:send|forward|email|post|upload|transmit|exfiltrate|leak|dump|export|list|give)(?: me| us)?(?: all| the| every| of| other){0,3} (?:customer|user|client|other customer|other user)s? ?(?:data|list|database|records|emails|e mails|phone numbers|phones|addresses|personal data|credentials|contacts|orders|details)',
  }),
  definePattern({
    id: 'uk.tool.invoke',
    technique,
    language: 'uk',
    weight: 0.5,
    anchors: ['виклич', 'запуст', 'викона', 'активуй'],
    source:
      '(?:виклич|викличи|викличте|запусти|запустіть|виконай|виконайте|активуй|активуйте) (?:функці|інструмент|команд|tool|function|api|скрипт|sql)',
  }),
  definePattern({
    id: 'uk.tool.price-override',
    technique,
    language: 'uk',
    weight: 0.6,
    anchors: [
      'нуль',
      'безкоштовн',
      'оплачен',
      'сплачен',
      ' 0',
      'знижк',
      'знижок',
      'на 1',
      'до 1',
      'на одн',
      'до одн',
    ],
    source:
      '(?:встанови|встановіть|зміни|змініть|постав|поставте|зроби|зробіть|познач|позначте|відміть|відмітьте) (?:ціну|ціни|вартість|суму|замовлення|оплату)(?: (?:на|для|у|в) (?:всі |усі |все |мої |ці )?(?:товари|речі|одяг|замовлення|позиції))?(?: на| в| у| як){0,1} (?:0|нуль|нульов|безкоштовн|оплачен|сплачен)|(?:100|сто) (?:відсот{E} )?(?:знижк|знижок){E}|знижк{E} (?:у |в |на )?(?:100|сто)(?: |$)|(?:встанови|встановіть|зміни|змініть|постав|поставте|зроби|зробіть|зменш|зменшіть) (?:ціну|ціни|вартість|суму)(?: [^ ]{1,20}){0,4} (?:на|до) (?:0|1|нуль|одну|одна) (?:гривн|грн|копій){E}',
  }),
  definePattern({
    id: 'uk.tool.send-data',
    technique,
    language: 'uk',
    weight: 0.65,
    anchors: ['клієнт', 'користувач', 'покупц', 'замовник'],
    source:
      '(?:надішли|надішліть|перешли|перешліть|відправ|відправте|вивантаж|вивантажте|скинь|скиньте|злий|злийте|дай|дайте|покажи|покажіть)(?: мені| нам)?(?: всі| усі| весь| всю)? (?:дані|базу|список|контакти|телефони|адреси|імейли|пошти|персональні дані|замовлення) (?:(?:всіх|усіх|інших) )?(?:клієнт|користувач|покупц|замовник)',
  }),
  definePattern({
    id: 'ru.tool.invoke',
    technique,
    language: 'ru',
    weight: 0.5,
    anchors: ['вызов', 'запуст', 'выполн', 'активируй'],
    source:
      '(?:вызови|вызовите|запусти|запустите|выполни|выполните|активируй|активируйте) (?:функци|инструмент|команд|tool|function|api|скрипт|sql)',
  }),
  definePattern({
    id: 'ru.tool.price-override',
    technique,
    language: 'ru',
    weight: 0.6,
    anchors: [
      'ноль',
      'нулев',
      'бесплатн',
      'оплачен',
      ' 0',
      'скидк',
      'скидок',
      'на 1',
      'до 1',
      'на од',
      'до од',
    ],
    source:
      '(?:установи|установите|измени|измените|поставь|поставьте|сделай|сделайте|отметь|отметьте|пометь|пометьте) (?:цену|цены|стоимость|сумму|заказ|оплату)(?: (?:на|для|в) (?:все |мои |эти )?(?:товары|вещи|одежду|заказы|позиции))?(?: на| в| как){0,1} (?:0|ноль|нулев|бесплатн|оплачен)|(?:100|сто) (?:процент{E} )?(?:скидк|скидок){E}|скидк{E} (?:в |на )?(?:100|сто)(?: |$)|(?:установи|установите|измени|измените|поставь|поставьте|сделай|сделайте|уменьши|уменьшите) (?:цену|цены|стоимость|сумму)(?: [^ ]{1,20}){0,4} (?:на|до) (?:0|1|ноль|один|одну) (?:рубл|руб|гривн|грн|копе){E}',
  }),
  definePattern({
    id: 'ru.tool.send-data',
    technique,
    language: 'ru',
    weight: 0.65,
    anchors: ['клиент', 'пользовател', 'покупател', 'заказчик'],
    source:
      '(?:отправь|отправьте|перешли|перешлите|пришли|пришлите|выгрузи|выгрузите|скинь|скиньте|слей|слейте|дай|дайте|покажи|покажите)(?: мне| нам)?(?: все| всю| весь)? (?:данные|базу|список|контакты|телефоны|адреса|почты|емейлы|персональные данные|заказы) (?:(?:всех|других) )?(?:клиент|пользовател|покупател|заказчик)',
  }),
];
