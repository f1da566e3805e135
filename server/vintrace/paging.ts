// v6 list paging: `first` (start index) and `max` (page size). Some tenants report a count (totalResult or
// totalResultCount), some do not, and an endpoint may silently use a smaller page than asked (a cap, sometimes
// reported in maxResult). So we stop when the count is reached, or on an empty page, or on a page shorter than
// the page size in effect. Without a count, a first page shorter than asked is ambiguous (the end, or a cap), so
// its length becomes the page size and one more page is asked for.
import "server-only";
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
  let pageSize = max;
  let pageSizeKnown = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage(first, max);
    if (!result.ok) {
      yield result;
      return;
    }
    const { rows, total, maxResult } = result.value;
    yield { ok: true, value: rows };
    first += rows.length;
    if (rows.length === 0) return;
    if (total !== null) {
      if (first >= total) return;
      continue;
    }
    if (maxResult && maxResult > 0) {
      pageSize = Math.min(max, maxResult);
      pageSizeKnown = true;
    }
    if (rows.length >= pageSize) pageSizeKnown = true;
    else if (pageSizeKnown) return;
    else {
      pageSize = rows.length;
      pageSizeKnown = true;
    }
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
