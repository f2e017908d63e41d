import { z } from 'zod';
import shippedCatalogue from './catalogue.json' with { type: 'json' };

/** A language the shop answers in. */
export type Language = 'uk' | 'ru' | 'en';

const sizeSchema = z.enum(['XS', 'S', 'M', 'L', 'XL', 'XXL']);
const productSchema = z.object({
  sku: z.string().regex(/^BK-\d{3}$/),
  kind: z.string().min(1),
  name: z.object({ uk: z.string(), ru: z.string(), en: z.string() }),
  priceUah: z.number().int().positive(),
  colours: z.array(z.string()).min(1),
  sizes: z.array(sizeSchema).min(1),
  stock: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())),
});
const catalogueSchema = z.object({ currency: z.literal('UAH'), products: z.array(productSchema).min(1) });

/** One product of the shop. */
export type Product = z.infer<typeof productSchema>;
/** A clothing size. */
export type Size = z.infer<typeof sizeSchema>;

// Words customers use for each kind of product, in the three languages (stems, lower case).
const kindWords: Record<string, readonly string[]> = {
  hoodie: ['худі', 'худи', 'hoodie', 'толстовк'],
  tshirt: ['футболк', 't-shirt', 'tshirt', 'tee'],
  jeans: ['джинс', 'jeans'],
  dress: ['сукн', 'плать', 'платт', 'dress'],
  jacket: ['куртк', 'jacket'],
  sweater: ['светр', 'свитер', 'sweater', 'кофт'],
  shirt: ['сорочк', 'рубашк', 'shirt'],
  skirt: ['спідниц', 'юбк', 'skirt'],
  coat: ['пальто', 'coat'],
  shorts: ['шорт', 'shorts'],
};

/** Colour names the shop understands, mapped to the catalogue's colour ids. */
export const colourWords: Record<string, readonly string[]> = {
  black: ['чорн', 'черн', 'black'],
  white: ['біл', 'бел', 'white'],
  navy: ['синій', 'темно-син', 'navy'],
  grey: ['сір', 'сер', 'grey', 'gray'],
  beige: ['беж', 'beige'],
  green: ['зелен', 'green'],
  red: ['червон', 'красн', 'red'],
  blue: ['блакит', 'голуб', 'blue'],
};

/** The shop's products, read and validated once. */
export interface Catalogue {
  readonly products: readonly Product[];
  /** Products whose kind or name the text mentions, best matches first (at most `limit`). */
  search(text: string, limit?: number): Product[];
  bySku(sku: string): Product | undefined;
  /** Units in stock of one variant (0 when the variant does not exist). */
  stockOf(sku: string, colour: string, size: string): number;
}

/** Validates a catalogue (by default the one shipped with the bot, `catalogue.json`) with zod. */
export function loadCatalogue(data: unknown = shippedCatalogue): Catalogue {
  const products = catalogueSchema.parse(data).products;
  const bySku = new Map(products.map((product) => [product.sku, product]));
  return {
    products,
    search(text, limit = 3) {
      const lower = text.toLowerCase();
      const scored = products
        .map((product) => {
          const kindHit = (kindWords[product.kind] ?? []).some((word) => lower.includes(word)) ? 2 : 0;
          const nameHit = Object.values(product.name).some((name) =>
            name
              .toLowerCase()
              .split(' ')
              .some((word) => word.length > 3 && lower.includes(word)),
          )
            ? 1
            : 0;
          return { product, score: kindHit + nameHit };
        })
        .filter((entry) => entry.score > 0)
        .sort((a, b) => b.score - a.score);
      return scored.slice(0, limit).map((entry) => entry.product);
    },
    bySku: (sku) => bySku.get(sku),
    stockOf: (sku, colour, size) => bySku.get(sku)?.stock[colour]?.[size] ?? 0,
  };
}

/** The first size (XS…XXL) mentioned in `text`, if any. */
export function findSize(text: string): Size | undefined {
  const match = /(?:^|[^a-zа-яіїєґ])(xxl|xl|xs|s|m|l)(?![a-zа-яіїєґ])/iu.exec(text);
  return match?.[1] === undefined ? undefined : (match[1].toUpperCase() as Size);
}

/** The first catalogue colour mentioned in `text`, if any. */
export function findColour(text: string): string | undefined {
  const lower = text.toLowerCase();
  return Object.entries(colourWords).find(([, words]) => words.some((word) => lower.includes(word)))?.[0];
}
