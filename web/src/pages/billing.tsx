import { useState } from 'preact/hooks';
import type { PlanReport } from '../../../lambdas/accounts/plan-report.js';
import type { BillingOverview } from '../../../lambdas/billing/billing-service.js';
import type { LedgerTransaction } from '../../../lambdas/billing/ports.js';
import { PURCHASABLE_PLANS } from '../../../lambdas/billing/stripe-prices.js';
import { PLAN_IDS, type PlanLimitName } from '../../../lambdas/plans/catalog.js';
import { api } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { PageState } from '../components/page-state.js';
import { formatCount, formatMinor } from '../ui/format.js';
import { useDashboardConfig } from '../ui/dashboard-config.js';
import { ErrorMessage, formatTime, PageHeader } from '../ui/states.js';
import { type Loaded, useAction, useApi } from '../ui/use-api.js';

/** The limits that count something this month or in the account, in the order the page lists them. */
const METERED: { name: keyof PlanReport['usage'] & PlanLimitName; label: string }[] = [
  { name: 'requestsPerMonth', label: 'Requests this month' },
  { name: 'tokensPerMonth', label: 'Tokens this month' },
  { name: 'apiKeys', label: 'API keys' },
  { name: 'providerKeys', label: 'Provider keys' },
  { name: 'configs', label: 'Routing configs' },
  { name: 'customRoles', label: 'Custom roles' },
];

/** A subscription that exists: its plan changes in Stripe's portal, never through a second Checkout. */
const SUBSCRIBED = new Set(['trialing', 'active', 'past_due']);

function planName(plan: string): string {
  return plan.charAt(0).toUpperCase() + plan.slice(1);
}

/** The plan, this month's usage against each limit, and (billing on) upgrades, Stripe's portal and the ledger. */
export function BillingPage() {
  const adminContact = useDashboardConfig()?.adminContact;
  const [plan, reloadPlan] = useApi<PlanReport>('/v1/me/plan');
  const [billing, reloadBilling] = useApi<BillingOverview>('/v1/billing');
  return (
    <>
      <PageHeader title="Plan and billing" />
      <PageState loaded={plan} what="your plan" retry={reloadPlan}>
        {(report) => <PlanUsage report={report} />}
      </PageState>
      <BillingSection billing={billing} retry={reloadBilling} adminContact={adminContact} />
    </>
  );
}

function PlanUsage({ report }: { report: PlanReport }) {
  return (
    <section aria-labelledby="plan-title">
      <h2 id="plan-title">
        Your plan: <span data-testid="current-plan">{planName(report.plan)}</span>
      </h2>
      <p class="hint">
        Usage in {report.month} (UTC). Analytics reach back {formatCount(report.limits.analyticsDays)} days;{' '}
        {formatCount(report.limits.requestsPerMinutePerKey)} requests per minute per key.
        {report.overridden.length > 0 && ` Set for your account by an admin: ${report.overridden.join(', ')}.`}
      </p>
      <ul class="meters">
        {METERED.map(({ name, label }) => {
          const used = report.usage[name];
          const limit = report.limits[name];
          return (
            <li key={name}>
              <span class="meter-label" id={`meter-${name}`}>
                {label}
              </span>
              <span class="meter-figure">{limit === null ? `${formatCount(used)} (no limit)` : `${formatCount(used)} of ${formatCount(limit)}`}</span>
              {limit !== null && <meter aria-labelledby={`meter-${name}`} min={0} max={limit} value={Math.min(used, limit)} high={limit * 0.8} optimum={0} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function BillingSection({ billing, retry, adminContact }: { billing: Loaded<BillingOverview>; retry: () => void; adminContact?: string }) {
  if (billing.state === 'error' && billing.code === 'billing_disabled')
    return (
      <section class="card" aria-labelledby="billing-off">
        <h2 id="billing-off">Changing your plan</h2>
        <p>
          Plans on this RouKey are set by its administrator.{' '}
          {adminContact ? (
            <>
              Ask <a href={`mailto:${adminContact}`}>{adminContact}</a> for another plan or higher limits.
            </>
          ) : (
            'Ask them for another plan or higher limits.'
          )}
        </p>
      </section>
    );
  return (
    <PageState loaded={billing} what="billing" retry={retry}>
      {(overview) => <Subscription overview={overview} />}
    </PageState>
  );
}

function Subscription({ overview }: { overview: BillingOverview }) {
  const [interval, setInterval] = useState<'month' | 'year'>('month');
  const go = useAction();
  const subscribed = overview.status !== null && SUBSCRIBED.has(overview.status);
  const upgrades = PURCHASABLE_PLANS.filter((p) => p !== overview.plan);
  const open = (path: string, body?: unknown) =>
    void go.run(() => api<{ url: string }>('POST', path, body)).then((answer) => answer && window.location.assign(answer.url));
  return (
    <>
      <section class="card" aria-labelledby="subscription-title">
        <h2 id="subscription-title">Subscription</h2>
        {overview.notice && (
          <p class="error" role="alert">
            {overview.notice.code === 'payment_failed'
              ? `Your last payment failed. Update your payment method before ${formatTime(overview.notice.graceEndsAt)} to keep your plan.`
              : 'The grace period after a failed payment ended: the account is back on the default plan.'}
          </p>
        )}
        <p>
          {overview.status
            ? `${planName(overview.plan)}, ${overview.status.replace('_', ' ')}${overview.currentPeriodEnd ? `; ${overview.cancelAtPeriodEnd ? 'ends' : 'renews'} ${formatTime(overview.currentPeriodEnd)}` : ''}.`
            : `No subscription: the ${planName(overview.plan)} plan.`}
        </p>
        {!subscribed && upgrades.length > 0 && (
          <form class="row" aria-label="Upgrade" onSubmit={(e) => e.preventDefault()}>
            <label>
              Billed
              <select value={interval} onChange={(e) => setInterval(e.currentTarget.value as 'month' | 'year')}>
                <option value="month">Monthly</option>
                <option value="year">Yearly</option>
              </select>
            </label>
            {upgrades.map((p) => (
              <button key={p} type="button" disabled={go.busy} onClick={() => open('/v1/billing/checkout', { plan: p, interval })}>
                {PLAN_IDS.indexOf(p) > PLAN_IDS.indexOf(overview.plan) ? 'Upgrade' : 'Switch'} to {planName(p)}
              </button>
            ))}
          </form>
        )}
        <p>
          <button type="button" class={subscribed ? undefined : 'link'} disabled={go.busy} onClick={() => open('/v1/billing/portal')}>
            {subscribed ? 'Change plan, payment method or cancel' : 'Open the billing portal'}
          </button>
        </p>
        <p class="hint">Checkout and the portal are Stripe's pages; card details never reach RouKey. Enterprise is sold by contract.</p>
        <ErrorMessage message={go.error} />
      </section>
      <Transactions />
    </>
  );
}

interface TransactionPage {
  readonly data: LedgerTransaction[];
  readonly nextCursor: string | null;
}

function Transactions() {
  const [cursor, setCursor] = useState<string | null>(null);
  const [earlier, setEarlier] = useState<LedgerTransaction[]>([]);
  const [page, reload] = useApi<TransactionPage>(`/v1/billing/transactions?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  return (
    <section aria-labelledby="transactions-title">
      <h2 id="transactions-title">Invoices and payments</h2>
      <PageState loaded={page} what="invoices and payments" retry={reload}>
        {(p) => (
          <>
            <DataTable
              caption="Invoices, payments, refunds and plan changes, newest first"
              captionHidden
              rows={[...earlier, ...p.data]}
              rowKey={(t) => `${t.type}-${t.id}`}
              empty="Nothing yet: invoices and payments appear here after your first checkout."
              columns={[
                { header: 'Date', cell: (t) => formatTime(t.createdAt) },
                { header: 'Type', cell: (t) => t.type.replace('_', ' ') },
                { header: 'Amount', numeric: true, cell: (t) => (t.type === 'plan_change' ? '—' : formatMinor(t.amount, t.currency)) },
                { header: 'Tax', numeric: true, cell: (t) => (t.type === 'plan_change' ? '—' : formatMinor(t.tax, t.currency)) },
                { header: 'Status', cell: (t) => t.status },
                { header: 'Invoice', cell: (t) => <InvoiceLinks t={t} /> },
              ]}
            />
            {p.nextCursor && (
              <button
                type="button"
                onClick={() => {
                  setEarlier([...earlier, ...p.data]);
                  setCursor(p.nextCursor);
                }}
              >
                Show older
              </button>
            )}
          </>
        )}
      </PageState>
    </section>
  );
}

/** Stripe's hosted invoice and PDF, when Stripe gave https addresses for them. */
function InvoiceLinks({ t }: { t: LedgerTransaction }) {
  const safe = (url: string | null) => (url?.startsWith('https://') ? url : null);
  const hosted = safe(t.hostedInvoiceUrl);
  const pdf = safe(t.pdfUrl);
  if (!hosted && !pdf) return <>—</>;
  return (
    <>
      {hosted && (
        <a href={hosted} target="_blank" rel="noopener noreferrer">
          View<span class="sr-only"> invoice {t.id}</span>
        </a>
      )}
      {hosted && pdf && ' · '}
      {pdf && (
        <a href={pdf} target="_blank" rel="noopener noreferrer">
          PDF<span class="sr-only"> of invoice {t.id}</span>
        </a>
      )}
    </>
  );
}
