import { z } from 'zod';

/** What an order needs from the customer, validated before anything is written. */
export const orderDetailsSchema = z.object({
  name: z.string().trim().min(2).max(80),
  phone: z.string().regex(/^\+380\d{9}$/, 'a Ukrainian phone number, +380XXXXXXXXX'),
  city: z.string().trim().min(2).max(80),
  branch: z.number().int().min(1).max(99_999),
});

/** Delivery details of one order. */
export type OrderDetails = z.infer<typeof orderDetailsSchema>;

/**
 * Reads "Олена, +380501234567, Київ, відділення 12" (any order of parts after the name, commas or
 * new lines) into order details; `undefined` when anything is missing or invalid.
 */
export function parseOrderDetails(text: string): OrderDetails | undefined {
  const phoneMatch = /(\+?38)?[\s(-]*0(\d{2})[\s)-]*(\d{3})[\s-]*(\d{2})[\s-]*(\d{2})/.exec(text);
  const branchMatch = /(?:відділення|отделение|branch|№|#)\s*№?\s*(\d{1,5})/iu.exec(text);
  const parts = text
    .split(/[,\n;]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const isPhonePart = (part: string) => phoneMatch !== null && part.includes(phoneMatch[0].trim());
  const isBranchPart = (part: string) => branchMatch !== null && part.includes(branchMatch[0]);
  const words = parts.filter((part) => !isPhonePart(part) && !isBranchPart(part));
  const candidate = {
    name: words[0] ?? '',
    phone: phoneMatch === null ? '' : `+380${phoneMatch[2]}${phoneMatch[3]}${phoneMatch[4]}${phoneMatch[5]}`,
    city: words[1] ?? '',
    branch: branchMatch === null ? Number.NaN : Number(branchMatch[1]),
  };
  const parsed = orderDetailsSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}
