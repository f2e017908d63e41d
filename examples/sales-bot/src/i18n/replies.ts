import { type Language } from '../catalogue/catalogue.js';

/** Every fixed sentence the bot says, in the three languages it speaks. */
export const replies = {
  greeting: {
    uk: 'Вітаю! Я помічник магазину одягу. Що шукаєте — худі, джинси, сукню? Можна надіслати фото.',
    ru: 'Здравствуйте! Я помощник магазина одежды. Что ищете — худи, джинсы, платье? Можно прислать фото.',
    en: 'Hi! I am the clothing shop assistant. What are you looking for — a hoodie, jeans, a dress? You can send a photo.',
  },
  askSize: {
    uk: 'Який розмір вам потрібен? Є XS–XXL.',
    ru: 'Какой размер вам нужен? Есть XS–XXL.',
    en: 'Which size do you need? We have XS–XXL.',
  },
  askColour: {
    uk: 'Який колір вам до вподоби?',
    ru: 'Какой цвет вам нравится?',
    en: 'Which colour would you like?',
  },
  notFound: {
    uk: 'На жаль, такого товару не знайшов. Опишіть, будь ласка, що саме шукаєте.',
    ru: 'К сожалению, такого товара не нашёл. Опишите, пожалуйста, что именно ищете.',
    en: 'Sorry, I could not find that. Please tell me a bit more about what you are looking for.',
  },
  outOfStock: {
    uk: 'Цього варіанту зараз немає в наявності. Можу запропонувати інший колір або розмір.',
    ru: 'Этого варианта сейчас нет в наличии. Могу предложить другой цвет или размер.',
    en: 'That variant is out of stock right now. I can offer another colour or size.',
  },
  askOrderDetails: {
    uk: 'Чудово! Для замовлення напишіть: ім’я, телефон (+380…), місто та відділення Нової пошти.',
    ru: 'Отлично! Для заказа напишите: имя, телефон (+380…), город и отделение Новой почты.',
    en: 'Great! To order, send your name, phone (+380…), city and Nova Poshta branch.',
  },
  invalidOrderDetails: {
    uk: 'Не вдалося розпізнати дані. Приклад: Олена, +380501234567, Київ, відділення 12.',
    ru: 'Не удалось распознать данные. Пример: Елена, +380501234567, Киев, отделение 12.',
    en: 'I could not read that. Example: Olena, +380501234567, Kyiv, branch 12.',
  },
  orderConfirmed: {
    uk: 'Замовлення оформлено! Менеджер зв’яжеться з вами для оплати. Дякуємо!',
    ru: 'Заказ оформлен! Менеджер свяжется с вами для оплаты. Спасибо!',
    en: 'Your order is placed! A manager will contact you about payment. Thank you!',
  },
  priceObjection: {
    uk: 'Розумію. Ця річ з якісної тканини, а доставка Новою поштою — за наш рахунок від 2000 грн. Оформлюємо?',
    ru: 'Понимаю. Эта вещь из качественной ткани, а доставка Новой почтой — за наш счёт от 2000 грн. Оформляем?',
    en: 'I understand. It is made of quality fabric, and delivery is free from 2000 UAH. Shall we place the order?',
  },
  somethingElse: {
    uk: 'Добре! Підберемо щось інше? Розкажіть, що шукаєте.',
    ru: 'Хорошо! Подберём что-то другое? Расскажите, что ищете.',
    en: 'All right! Shall we find something else? Tell me what you are looking for.',
  },
  goodbye: {
    uk: 'Добре, дякую за інтерес! Пишіть, якщо щось сподобається.',
    ru: 'Хорошо, спасибо за интерес! Пишите, если что-то понравится.',
    en: 'All right, thank you for your interest! Write any time.',
  },
  escalated: {
    uk: 'Передаю розмову менеджеру — він відповість тут найближчим часом.',
    ru: 'Передаю разговор менеджеру — он ответит здесь в ближайшее время.',
    en: 'I am handing you over to a manager, who will answer here shortly.',
  },
  rateLimited: {
    uk: 'Ви пишете дуже швидко — зачекайте, будь ласка, хвилинку.',
    ru: 'Вы пишете очень быстро — подождите, пожалуйста, минутку.',
    en: 'You are writing very fast — please wait a moment.',
  },
  blocked: {
    uk: 'Я можу допомогти лише з вибором і замовленням одягу.',
    ru: 'Я могу помочь только с выбором и заказом одежды.',
    en: 'I can only help with choosing and ordering clothes.',
  },
  unavailable: {
    uk: 'Вибачте, зараз я не можу відповісти. Спробуйте за хвилину або напишіть «менеджер».',
    ru: 'Извините, сейчас я не могу ответить. Попробуйте через минуту или напишите «менеджер».',
    en: 'Sorry, I cannot answer right now. Try again in a minute or type “manager”.',
  },
} as const satisfies Record<string, Record<Language, string>>;

/** The name of one fixed sentence. */
export type ReplyName = keyof typeof replies;

/** One fixed sentence in `language`. */
export function reply(name: ReplyName, language: Language): string {
  return replies[name][language];
}
