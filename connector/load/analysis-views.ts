/**
 * Views for the questions analysts ask first. The SQL is the same for DuckDB and Postgres
 * (standard window functions and CASE; `AT TIME ZONE 'UTC'` means the same in both), so
 * there is no dialect switch here. A view is created only when its tables exist.
 */
export interface AnalysisView {
  name: string;
  requires: readonly string[];
  select: string;
}

/**
 * Per account (consent + link reference) and calendar month (UTC): credits, debits, how many
 * transactions they sum, and the balance after the month's last transaction. Only CREDIT and
 * DEBIT (deposits) have a direction to sum; BUY, SELL, INTEREST, PREMIUM... are counted apart in
 * other_transaction_count, so a count never covers rows the sums left out. A transaction
 * fetched in two sessions counts once (its latest fetch).
 */
const fiTransactionsMonthly: AnalysisView = {
  name: 'fi_transactions_monthly',
  requires: ['fi_transactions'],
  select: `WITH versions AS (
  SELECT consent_id, link_reference_number, txn_id, "type", amount, current_balance, transaction_timestamp,
         row_number() OVER (PARTITION BY consent_id, link_reference_number, txn_id ORDER BY fetched_at DESC) AS version
  FROM fi_transactions
  WHERE transaction_timestamp IS NOT NULL
), monthly AS (
  SELECT consent_id, link_reference_number, txn_id, "type", amount, current_balance, transaction_timestamp,
         CAST(date_trunc('month', transaction_timestamp AT TIME ZONE 'UTC') AS DATE) AS month
  FROM versions
  WHERE version = 1
), ranked AS (
  SELECT monthly.*,
         row_number() OVER (PARTITION BY consent_id, link_reference_number, month ORDER BY transaction_timestamp DESC, txn_id DESC) AS from_end
  FROM monthly
)
SELECT consent_id, link_reference_number, month,
       SUM(CASE WHEN "type" = 'CREDIT' THEN amount ELSE 0 END) AS credits,
       SUM(CASE WHEN "type" = 'DEBIT' THEN amount ELSE 0 END) AS debits,
       COUNT(CASE WHEN "type" IN ('CREDIT', 'DEBIT') THEN 1 END) AS transaction_count,
       COUNT(CASE WHEN "type" IS NULL OR "type" NOT IN ('CREDIT', 'DEBIT') THEN 1 END) AS other_transaction_count,
       MAX(CASE WHEN from_end = 1 THEN current_balance END) AS closing_balance
FROM ranked
GROUP BY consent_id, link_reference_number, month`,
};

/**
 * Per consent: its holdings as of the latest session that brought holdings for each account,
 * one row per holding (by ISIN, or scheme code or name when a holding has no ISIN). A
 * holding fetched twice in one session counts once (its latest fetch).
 */
const fiHoldingsLatest: AnalysisView = {
  name: 'fi_holdings_latest',
  requires: ['fi_holdings'],
  select: `WITH versions AS (
  SELECT fi_holdings.*,
         row_number() OVER (PARTITION BY session_id, link_reference_number, holding_id ORDER BY fetched_at DESC) AS version
  FROM fi_holdings
), sessions AS (
  SELECT consent_id, link_reference_number, session_id,
         row_number() OVER (PARTITION BY consent_id, link_reference_number ORDER BY MAX(fetched_at) DESC, session_id DESC) AS recency
  FROM versions
  GROUP BY consent_id, link_reference_number, session_id
)
SELECT v.consent_id, v.link_reference_number, v.fi_type, v.tier,
       COALESCE(v.isin, v.scheme_code, v.scheme_name, v.issuer_name) AS instrument,
       v.isin, v.scheme_code, v.scheme_name, v.issuer_name, v.folio_no, v.demat_id,
       v.units, v.price, v.nav, v.value, v.cost_value, v.holding_id, v.session_id, v.fetched_at AS as_of
FROM versions AS v
JOIN sessions AS s ON s.consent_id = v.consent_id AND s.link_reference_number = v.link_reference_number AND s.session_id = v.session_id
WHERE v.version = 1 AND s.recency = 1`,
};

/** Per consent: its latest bulk row (status, error, retry eligibility) and how many rows it had. */
const consentStatus: AnalysisView = {
  name: 'consent_status',
  requires: ['bulk_batch_rows'],
  select: `SELECT consent_id, batch_id, reference_id, row_status, retry_eligible, error_code, error_message, is_final,
       session_id, updated_at AS last_updated_at, attempts
FROM (
  SELECT consent_id, batch_id, reference_id, row_status, retry_eligible, error_code, error_message, is_final, session_id, updated_at,
         row_number() OVER (PARTITION BY consent_id ORDER BY updated_at DESC, batch_id DESC) AS latest,
         COUNT(*) OVER (PARTITION BY consent_id) AS attempts
  FROM bulk_batch_rows
) AS rows_by_consent
WHERE latest = 1`,
};

export const ANALYSIS_VIEWS: readonly AnalysisView[] = [fiTransactionsMonthly, fiHoldingsLatest, consentStatus];

/** Statements that (re)create every view whose tables are in `tables`. Drop first: a new column changes a view's shape. */
export function analysisViewSql(tables: ReadonlySet<string>): string[] {
  return ANALYSIS_VIEWS.filter((view) => view.requires.every((table) => tables.has(table))).flatMap((view) => [
    `DROP VIEW IF EXISTS ${view.name}`,
    `CREATE VIEW ${view.name} AS ${view.select}`,
  ]);
}

export const TABLES_SQL =
  "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_catalog = current_database() AND table_type = 'BASE TABLE'";
