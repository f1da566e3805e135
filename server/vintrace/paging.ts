// v6 list paging: `first` (start index) and `max` (page size). Some tenants report a count (totalResult or
// totalResultCount), some do not, and an endpoint may use a smaller page than asked (it then says so in
// maxResult). So: stop when the count is reached, or when a page is shorter than the page size in effect.
import type { VintraceResult } from "./errors";

export interface Page<T> {
  rows: T[];
  total: number | null;
  maxResult: number | null;
}

export type FetchPage<T> = (first: number, max: number) => Promise<VintraceResult<Page<T>>>;

/** A runaway guard: a tenant that ignored `first` would otherwise return its first page forever. */
const MAX_PAGES = 10_000;

/** Yields each page's rows; on a failure yields it and stops. */
export async function* pages<T>(fetchPage: FetchPage<T>, max: number): AsyncGenerator<VintraceResult<T[]>> {
  let first = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage(first, max);
    if (!result.ok) {
      yield result;
      return;
    }
    const { rows, total, maxResult } = result.value;
    yield { ok: true, value: rows };
    first += rows.length;
    const pageSize = maxResult && maxResult > 0 ? Math.min(maxResult, max) : max;
    if (rows.length === 0 || rows.length < pageSize || (total !== null && first >= total)) return;
  }
}

/** Every row of every page, or the first failure. */
export async function allRows<T>(fetchPage: FetchPage<T>, max: number): Promise<VintraceResult<T[]>> {
  const rows: T[] = [];
  for await (const page of pages(fetchPage, max)) {
    if (!page.ok) return page;
    rows.push(...page.value);
  }
  return { ok: true, value: rows };
}
