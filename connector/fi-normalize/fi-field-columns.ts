import { fieldIndex, type ColumnSpec } from './field-index.js';

/**
 * Which ReBIT attributes feed which column, per kind of element. The names come from ReBIT's
 * FI schemas (Sahamati account-aggregator-standards, schemas/<type>/): deposits say
 * `currentBalance` and `transactionTimestamp`, term and recurring deposits `balance` and
 * `transactionDateTime`, insurance, EPF, PPF, SIP and NPS `txnDate`, equities `rate` for the
 * price, INVIT/REIT `price` and `numUnitsTransacted`, NPS `schemeId`... Alias order decides
 * when an element carries two.
 */
const TRANSACTION_COLUMNS: readonly ColumnSpec[] = [
  { column: 'txn_id', kind: 'text', aliases: ['txnId', 'transactionId', 'txnID'] },
  { column: 'type', kind: 'text', aliases: ['type', 'txnType', 'transactionType'] },
  { column: 'mode', kind: 'text', aliases: ['mode', 'txnMode'] },
  { column: 'amount', kind: 'decimal', aliases: ['amount', 'txnAmount', 'transactionAmount', 'totalContribution'] },
  { column: 'current_balance', kind: 'decimal', aliases: ['currentBalance', 'balance', 'closingBalance'] },
  { column: 'transaction_timestamp', kind: 'datetime', aliases: ['transactionTimestamp', 'transactionDateTime', 'txnDate', 'transactionDate', 'txnTimestamp'] },
  { column: 'value_date', kind: 'date', aliases: ['valueDate'] },
  { column: 'narration', kind: 'text', aliases: ['narration'] },
  { column: 'reference', kind: 'text', aliases: ['reference', 'referenceNumber', 'txnReference'] },
  { column: 'isin', kind: 'text', aliases: ['isin'] },
  { column: 'scheme_code', kind: 'text', aliases: ['schemeCode', 'schemeId', 'amfiCode'] },
  { column: 'scheme_name', kind: 'text', aliases: ['schemeName', 'scheme', 'fundName'] },
  { column: 'units', kind: 'decimal', aliases: ['units', 'numUnitsTransacted', 'quantity'] },
  { column: 'price', kind: 'decimal', aliases: ['rate', 'price', 'tradePrice'] },
  { column: 'nav', kind: 'decimal', aliases: ['nav'] },
  { column: 'trade_value', kind: 'decimal', aliases: ['tradeValue'] },
  { column: 'folio_no', kind: 'text', aliases: ['folioNo'] },
];

const HOLDING_COLUMNS: readonly ColumnSpec[] = [
  { column: 'isin', kind: 'text', aliases: ['isin'] },
  { column: 'scheme_code', kind: 'text', aliases: ['schemeCode', 'schemeId', 'amfiCode'] },
  { column: 'scheme_name', kind: 'text', aliases: ['schemeName', 'scheme', 'name', 'fundName'] },
  { column: 'issuer_name', kind: 'text', aliases: ['issuerName', 'companyName', 'amc'] },
  { column: 'units', kind: 'decimal', aliases: ['units', 'totalUnits', 'totalNumberUnits', 'closingUnits', 'quantity'] },
  { column: 'price', kind: 'decimal', aliases: ['lastTradedPrice', 'lastClosingRate', 'lastTradedRate', 'rate', 'price'] },
  { column: 'nav', kind: 'decimal', aliases: ['nav'] },
  { column: 'value', kind: 'decimal', aliases: ['currentValue', 'value', 'totalValueOfScheme', 'marketValue'] },
  { column: 'cost_value', kind: 'decimal', aliases: ['investmentValue', 'costValue', 'cost', 'investmentCost'] },
  { column: 'face_value', kind: 'decimal', aliases: ['faceValue'] },
  { column: 'maturity_date', kind: 'date', aliases: ['maturityDate'] },
  { column: 'folio_no', kind: 'text', aliases: ['folioNo'] },
  { column: 'demat_id', kind: 'text', aliases: ['dematId', 'dematID'] },
];

/** The summary's common fields across types; the summary itself stays whole beside them. */
const SUMMARY_COLUMNS: readonly ColumnSpec[] = [
  { column: 'account_type', kind: 'text', aliases: ['type', 'accountType', 'policyType'] },
  { column: 'current_balance', kind: 'decimal', aliases: ['currentBalance', 'balance', 'totalBalance'] },
  { column: 'currency', kind: 'text', aliases: ['currency'] },
  { column: 'balance_date_time', kind: 'datetime', aliases: ['balanceDateTime'] },
  { column: 'branch', kind: 'text', aliases: ['branch'] },
  { column: 'ifsc_code', kind: 'text', aliases: ['ifscCode', 'ifsc'] },
  { column: 'opening_date', kind: 'date', aliases: ['openingDate'] },
  { column: 'account_status', kind: 'text', aliases: ['status'] },
  { column: 'current_value', kind: 'decimal', aliases: ['currentValue'] },
  { column: 'investment_value', kind: 'decimal', aliases: ['investmentValue', 'costValue'] },
  { column: 'principal_amount', kind: 'decimal', aliases: ['principalAmount', 'principleAmount'] },
  { column: 'interest_rate', kind: 'decimal', aliases: ['interestRate'] },
  { column: 'maturity_amount', kind: 'decimal', aliases: ['maturityAmount', 'maturityBenefit'] },
  { column: 'maturity_date', kind: 'date', aliases: ['maturityDate', 'policyMaturityDate'] },
  { column: 'sum_assured', kind: 'decimal', aliases: ['sumAssured'] },
  { column: 'premium_amount', kind: 'decimal', aliases: ['premiumAmount'] },
];

/**
 * Transaction and holding rows are their stream's records in the making: they start with the
 * record's key columns (the stream fills them in place, no copy on the hot path) and end with
 * `tier`, `extra` and the cursor. They leave out the columns without a value (see
 * RowLayout.omitNulls); the summary's columns keep them, spread into fi_accounts beside
 * the raw summary.
 */
const ROW_HEAD = ['session_id', 'consent_id', 'link_reference_number', 'fi_type'];
const ROW_TAIL = ['tier', 'extra', 'fetched_at'];
export const TRANSACTION_FIELDS = fieldIndex(TRANSACTION_COLUMNS, { head: ROW_HEAD, tail: ROW_TAIL, omitNulls: true });
export const HOLDING_FIELDS = fieldIndex(HOLDING_COLUMNS, { head: [...ROW_HEAD, 'holding_id'], tail: ROW_TAIL, omitNulls: true });
export const SUMMARY_FIELDS = fieldIndex(SUMMARY_COLUMNS);

/** The wrapper's account link and masked number, in every spelling providers use. */
export const LINK_KEYS = ['linkReferenceNumber', 'linkRefNumber', 'linkedAccRef', 'link_reference_number', 'link_ref_number', 'linked_acc_ref'] as const;
export const MASKED_KEYS = [
  'maskedAccountNumber', 'maskedAccNumber', 'maskedDematId', 'maskedDematID', 'maskedFolioNo', 'maskedPolicyNumber', 'maskedGstinNumber', 'maskedPranId',
  'masked_account_number', 'masked_acc_number', 'masked_demat_id', 'masked_folio_no', 'masked_policy_number', 'masked_gstin_number', 'masked_pran_id',
] as const;
