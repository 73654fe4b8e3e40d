/** How figures read on every page: in the browser's locale, with "—" for what was not measured. */

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : integer.format(n);
}

/** Large counts shortened (12.3K), for axes and tiles. */
export function formatCompact(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : compact.format(n);
}

/** Dollars with the precision small amounts need (a request can cost a thousandth of a cent). */
export function formatUsd(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const digits = Math.abs(n) >= 1 || n === 0 ? 2 : 6;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: digits }).format(n);
}

export function formatMs(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${integer.format(n)} ms`;
}

/** A share (0–1) as a percentage. */
export function formatShare(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : percent.format(n);
}

/** An amount in a currency's minor units (Stripe's integers) in that currency. */
export function formatMinor(amount: number, currency: string | null): string {
  if (!currency) return formatCount(amount);
  let money: Intl.NumberFormat;
  try {
    money = new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() });
  } catch {
    // A code the browser does not know: the figure in minor units with the code, rather than a broken page.
    return `${formatCount(amount)} ${currency}`;
  }
  return money.format(amount / 10 ** (money.resolvedOptions().maximumFractionDigits ?? 2));
}
