import { z } from 'zod';

export const MAX_PAGE_SIZE = 500;

/** page from 1, pageSize default 50, above 500 clamped (PRODUCT.md §5). */
export const pagingSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).default(50).transform((n) => Math.min(n, MAX_PAGE_SIZE)),
});

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const offsetOf = (p: { page: number; pageSize: number }) => (p.page - 1) * p.pageSize;
