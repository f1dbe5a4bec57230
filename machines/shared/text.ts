import { z } from 'zod';

/**
 * Text that may be stored and shown: well-formed Unicode (no lone surrogates, which PostgreSQL's json refuses) and
 * no control characters but tab and line breaks (NUL cannot be stored in text at all). Anything else, RTL marks,
 * zero-width joiners and emoji included, is kept verbatim.
 */
/** A control character (Cc) other than tab, line feed or carriage return, or a surrogate that is not in a pair. */
const UNSAFE = /[^\P{Cc}\t\n\r]|\p{Cs}/u;

export const isStorableText = (value: string): boolean => !UNSAFE.test(value);

const STORABLE = { message: 'must be well-formed Unicode text without control characters' } as const;

/** A trimmed, non-empty, bounded string that can be stored as it is. */
export const text = (max: number) => z.string().trim().min(1).max(max).refine(isStorableText, STORABLE);

/** A bounded string (possibly empty) that can be stored as it is. */
export const anyText = (max: number) => z.string().max(max).refine(isStorableText, STORABLE);

/** The SKU of an inventory item: what the inventory API accepts, also in records that name one. */
export const SKU_PATTERN = /^[A-Za-z0-9._-]+$/;
export const skuSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(SKU_PATTERN, 'a SKU has only letters, digits, ".", "_" and "-"');
