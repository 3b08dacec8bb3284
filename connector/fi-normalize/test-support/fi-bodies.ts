import type { Row } from '../fi-account-normalizer.js';

/**
 * Hand-written FI bodies after ReBIT's schemas (Sahamati account-aggregator-standards,
 * schemas/<type>/), in FinPro's capitalised shape; `respell` derives the other spellings the
 * contract lists from each, so every type is read in every spelling.
 */
export const holder = { name: 'Asha Rao', dob: '1990-01-01', mobile: '9999999999', pan: 'ABCDE1234F', ckycCompliance: 'true' };
export const wrap = (fiType: string, body: Row): Row => ({ linkReferenceNumber: `L-${fiType}`, maskedAccountNumber: 'XXXX1234', fiType, fipId: 'FIP', bank: 'Bank', Profile: { Holders: { type: 'SINGLE', Holder: [holder] } }, ...body });
const txns = (list: Row[]) => ({ startDate: '2025-01-01', endDate: '2026-01-01', Transaction: list });

export interface FiBodyCase {
  fiType: string;
  body: Row;
  transactions: number;
  holdings: number;
  /** Column values the first transaction / holding / summary must have. */
  txn?: Row;
  holding?: Row;
  summary?: Row;
}

export const FI_BODY_CASES: FiBodyCase[] = [
  {
    fiType: 'DEPOSIT',
    body: {
      Summary: { currentBalance: '2.025018787E7', currency: 'INR', exchgeRate: '', balanceDateTime: '2026-01-01T10:00:00+05:30', type: 'SAVINGS', branch: 'MG Road', facility: '', ifscCode: 'BANK0001', micrCode: '', openingDate: '2018-01-01', currentODLimit: '0', drawingLimit: '0', status: 'ACTIVE', Pending: [{ amount: '5' }] },
      Transactions: txns([
        { txnId: 'T1', type: 'CREDIT', mode: 'UPI', amount: '100.00', currentBalance: '1134.56', transactionTimestamp: '2025-06-01T09:00:00+0000', valueDate: '2025-06-01', narration: 'salary', reference: 'R1' },
        { txnId: 'T2', type: 'DEBIT', mode: 'ATM', amount: 50, currentBalance: '1084.56', transactionTimestamp: '2025-06-02T09:00:00', valueDate: '2025-06-02', narration: '', reference: '' },
      ]),
    },
    transactions: 2,
    holdings: 0,
    txn: { txn_id: 'T1', type: 'CREDIT', mode: 'UPI', amount: '100.00', current_balance: '1134.56', transaction_timestamp: '2025-06-01T09:00:00.000Z', value_date: '2025-06-01', narration: 'salary', reference: 'R1', extra: null },
    summary: { current_balance: '20250187.87', currency: 'INR', balance_date_time: '2026-01-01T04:30:00.000Z', account_type: 'SAVINGS', ifsc_code: 'BANK0001', opening_date: '2018-01-01', account_status: 'ACTIVE' },
  },
  {
    fiType: 'TERM_DEPOSIT',
    body: {
      Summary: { openingDate: '2024-01-01', accountType: 'FIXED', branch: 'B', ifsc: 'BANK0002', maturityAmount: '110000', description: '', interestPayout: 'ON_MATURITY', interestRate: '7.25', maturityDate: '2027-01-01', principalAmount: '100000', tenureDays: '', tenureMonths: '0', tenureYears: '3', currentValue: '104000' },
      Transactions: txns([{ txnId: 'TD1', amount: '100000', narration: 'opening', type: 'OPENING', mode: 'FT', balance: '100000', transactionDateTime: '2024-01-01T00:00:00+05:30', valueDate: '2024-01-01', reference: '' }]),
    },
    transactions: 1,
    holdings: 0,
    txn: { txn_id: 'TD1', amount: '100000', current_balance: '100000', transaction_timestamp: '2023-12-31T18:30:00.000Z', type: 'OPENING' },
    summary: { account_type: 'FIXED', ifsc_code: 'BANK0002', maturity_amount: '110000', interest_rate: '7.25', maturity_date: '2027-01-01', principal_amount: '100000', current_value: '104000', current_balance: null },
  },
  {
    fiType: 'RECURRING_DEPOSIT',
    body: {
      Summary: { accountType: 'RECURRING', ifsc: 'BANK0003', maturityAmount: '65000', maturityDate: '2027-06-01', interestRate: '6.5', principalAmount: '60000', recurringAmount: '5000', currentValue: '20400' },
      Transactions: txns([
        { txnId: 'RD1', amount: '5000', type: 'INSTALLMENT', mode: 'FT', balance: '5000', transactionDateTime: '2025-07-01T10:00:00Z', valueDate: '2025-07-01' },
        { txnId: 'RD2', amount: '5000', type: 'INSTALLMENT', mode: 'FT', balance: '10000', transactionDateTime: '2025-08-01T10:00:00Z', valueDate: '2025-08-01' },
      ]),
    },
    transactions: 2,
    holdings: 0,
    txn: { txn_id: 'RD1', amount: '5000', current_balance: '5000', transaction_timestamp: '2025-07-01T10:00:00.000Z' },
    summary: { maturity_amount: '65000', principal_amount: '60000' },
  },
  {
    fiType: 'EQUITIES',
    body: {
      Summary: { investmentValue: '150000', currentValue: '175000.50', Investment: { Holdings: { type: 'DEMAT', Holding: [
        { issuerName: 'Infosys', isin: 'INE009A01021', units: '100', rate: '1500', investmentDateTime: '2024-01-01T00:00:00Z', lastTradedPrice: '1750.005', description: '' },
        { issuerName: 'TCS', isin: 'INE467B01029', units: '10', rate: '3000', lastTradedPrice: '4000' },
      ] } } },
      Transactions: txns([{ txnId: 'EQ1', orderId: 'O1', isin: 'INE009A01021', companyName: 'Infosys', symbol: 'INFY', exchange: 'NSE', narration: 'buy', transactionDateTime: '2025-03-01T10:00:00+05:30', equityCategory: 'EQUITY', rate: '1500.5', tradeValue: '150050', type: 'BUY', units: '100', totalCharge: '20' }]),
    },
    transactions: 1,
    holdings: 2,
    txn: { txn_id: 'EQ1', isin: 'INE009A01021', price: '1500.5', trade_value: '150050', units: '100', type: 'BUY', extra: { orderId: 'O1', companyName: 'Infosys', symbol: 'INFY', exchange: 'NSE', equityCategory: 'EQUITY', totalCharge: '20' } },
    holding: { holding_id: 'INE009A01021', isin: 'INE009A01021', issuer_name: 'Infosys', units: '100', price: '1750.005', extra: { rate: '1500', investmentDateTime: '2024-01-01T00:00:00Z', description: '' } },
    summary: { current_value: '175000.50', investment_value: '150000' },
  },
  {
    fiType: 'MUTUAL_FUNDS',
    body: {
      Summary: { investmentValue: '50000', currentValue: '61000', Investment: { Holdings: { Holding: { amc: 'AMC', registrar: 'CAMS', schemeCode: 'S1', isin: 'INF000001', amfiCode: '120503', folioNo: 'F123', mode: 'DEMAT', units: '1234.567', closingUnits: '1234.567', nav: '49.4123', lienUnits: '' } } } },
      Transactions: txns([{ txnId: 'MF1', amc: 'AMC', schemeCode: 'S1', isin: 'INF000001', amount: '10000', closingUnits: '200.5', nav: '49.87', navDate: '2025-05-01', type: 'BUY', orderDate: '2025-04-30', executionDate: '2025-05-01', mode: 'DEMAT', narration: 'SIP' }]),
    },
    transactions: 1,
    holdings: 1,
    txn: { txn_id: 'MF1', scheme_code: 'S1', amount: '10000', nav: '49.87', units: null, transaction_timestamp: null },
    holding: { holding_id: 'INF000001:F123', folio_no: 'F123', units: '1234.567', nav: '49.4123', scheme_code: 'S1', issuer_name: 'AMC' },
  },
  {
    fiType: 'ETF',
    body: {
      Summary: { investmentValue: '1000', currentValue: '1100', Investment: { Holdings: { Holding: [{ folioNo: '', dematId: 'D1', schemeName: 'Nifty BeES', units: '10', isin: 'INF204KB14I2', nav: '110', lastNavDate: '2026-01-01' }] } } },
      Transactions: txns([{ txnId: 'ETF1', isin: 'INF204KB14I2', transactionDateTime: '2025-01-01T00:00:00Z', units: '10', amount: '1000', schemeName: 'Nifty BeES', nav: '100', type: 'BUY' }]),
    },
    transactions: 1,
    holdings: 1,
    holding: { holding_id: 'INF204KB14I2:D1', demat_id: 'D1', scheme_name: 'Nifty BeES', folio_no: null },
  },
  {
    fiType: 'SIP',
    body: {
      Summary: { folioNo: 'F9', investmentValue: '12000', currentValue: '13000', Holdings: { Holding: [{ amc: 'AMC', scheme: 'Bluechip', isin: 'INF000002', folioNo: 'F9', units: '120', nav: '108.33', value: '13000', amount: '1000', frequency: 'MONTHLY' }] }, Investments: { type: 'SIP', Investment: [{ type: 'SIP', startDate: '2025-01-01' }] } },
      Transactions: txns([{ txnId: 'SIP1', txnDate: '2025-02-05', scheme: 'Bluechip', isin: 'INF000002', folioNo: 'F9', type: 'PURCHASE', units: '10', nav: '100', amount: '1000' }]),
    },
    transactions: 1,
    holdings: 1,
    txn: { transaction_timestamp: '2025-02-05T00:00:00.000Z', scheme_name: 'Bluechip', folio_no: 'F9' },
    holding: { value: '13000', scheme_name: 'Bluechip', extra: { amount: '1000', frequency: 'MONTHLY' } },
  },
  ...(['AIF', 'CIS', 'INVIT', 'REIT', 'IDR'] as const).map((fiType): FiBodyCase => ({
    fiType,
    body: {
      Summary: { investmentValue: '10', currentValue: '12', Investment: { Holdings: { Holding: [{ isin: `IN${fiType}`, issuerName: 'Issuer', totalNumberUnits: '5', lastClosingRate: '2.4' }] } } },
      Transactions: txns([{ txnId: `${fiType}1`, transactionDateTime: '2025-01-01T00:00:00Z', isin: `IN${fiType}`, price: '2', numUnitsTransacted: '5', tradeValue: '10' }]),
    },
    transactions: 1,
    holdings: 1,
    txn: { price: '2', units: '5', trade_value: '10' },
    holding: { units: '5', price: '2.4', isin: `IN${fiType}` },
  })),
  ...(['BONDS', 'DEBENTURES', 'GOVT_SECURITIES', 'CP', 'CD'] as const).map((fiType): FiBodyCase => ({
    fiType,
    body: {
      Summary: { investmentValue: '100000', currentValue: '101000', Holdings: { type: 'DEMAT', Holding: [{ scheme: 'GS 2030', faceValue: '100', isin: `IN${fiType}`, units: '1000', couponRate: '7.1', maturityDate: '2030-01-01', principleAmount: '100000', lastTradedRate: '101' }] } },
      Transactions: txns([{ txnId: `${fiType}1`, isin: `IN${fiType}`, narration: 'buy', transactionDateTime: '2025-01-01T10:00:00+05:30', rate: '100', type: 'BUY', currency: 'INR', units: '1000', tradeValue: '100000' }]),
    },
    transactions: 1,
    holdings: 1,
    holding: { face_value: '100', maturity_date: '2030-01-01', price: '101', units: '1000', extra: { couponRate: '7.1', principleAmount: '100000' } },
  })),
  {
    fiType: 'NPS',
    body: {
      Summary: {
        currentValue: '250000', openingDate: '2015-01-01', status: 'ACTIVE',
        SchemeChoices: { SchemeChoice: [{ schemeId: 'SM1', allocationPercent: '50' }] },
        Holdings: {
          Tier1Holdings: { investmentValue: '200000', Tier1Holding: [{ schemeId: 'SM1', schemeName: 'E', totalUnits: '1000', nav: '40.5', totalValueOfScheme: '40500' }, { schemeId: 'SM2', schemeName: 'C', totalUnits: '10', nav: '20', totalValueOfScheme: '200' }] },
          Tier2Holdings: { Tier2Holding: { schemeId: 'SM1', schemeName: 'E', totalUnits: '10', nav: '40.5', totalValueOfScheme: '405' } },
        },
      },
      Transactions: {
        startDate: '2025-01-01', endDate: '2026-01-01',
        Tier1SchemeTransactions: { Tier1SchemeTransaction: [{ txnId: 'N1', txnDate: '2025-01-10', type: 'CONTRIBUTION', schemeId: 'SM1', amount: '5000', nav: '40', units: '125' }] },
        Tier2SchemeTransactions: { Tier2SchemeTransaction: { txnId: 'N2', txnDate: '2025-01-11', type: 'CONTRIBUTION', schemeId: 'SM1', amount: '100', nav: '40', units: '2.5' } },
        Tier1InvestmentTransactions: { Tier1InvestmentTransaction: [{ txnId: 'N3', txnDate: '2025-01-09', type: 'CONTRIBUTION', subscriberContribution: '4000', employerContribution: '1000', totalContribution: '5000' }] },
        Tier2InvestmentTransactions: '',
      },
    },
    transactions: 3,
    holdings: 3,
    txn: { txn_id: 'N1', tier: 'TIER1', scheme_code: 'SM1', units: '125', nav: '40', amount: '5000' },
    holding: { holding_id: 'TIER1:SM1', tier: 'TIER1', scheme_code: 'SM1', units: '1000', nav: '40.5', value: '40500' },
    summary: { current_value: '250000', opening_date: '2015-01-01', account_status: 'ACTIVE' },
  },
  {
    fiType: 'INSURANCE_POLICIES',
    body: {
      Summary: { policyName: 'Term', policyNumber: 'P1', sumAssured: '10000000', premiumAmount: '12000', policyType: 'TERM', maturityDate: '2050-01-01', maturityBenefit: '0', MoneyBacks: { MoneyBack: [] }, Covers: { Cover: [{ amount: '1', description: 'x' }] }, ContractClauses: '' },
      Transactions: txns([{ txnId: 'I1', txnDate: '2025-03-01T00:00:00+05:30', narration: 'premium', type: 'PREMIUM', amount: '12000' }]),
    },
    transactions: 1,
    holdings: 0,
    txn: { type: 'PREMIUM', amount: '12000', transaction_timestamp: '2025-02-28T18:30:00.000Z' },
    summary: { sum_assured: '10000000', premium_amount: '12000', account_type: 'TERM', maturity_date: '2050-01-01', maturity_amount: '0' },
  },
  {
    fiType: 'ULIP',
    body: {
      Summary: { type: 'ULIP', sumAssured: '500000', premiumAmount: '50000', policyMaturityDate: '2040-01-01', Holdings: { Holding: [{ name: 'Equity Fund', type: 'EQUITY', units: '300', cost: '30000', nav: '120', currentValue: '36000' }] } },
      Transactions: txns([{ txnId: 'U1', txnDate: '2025-01-01', fundName: 'Equity Fund', units: '10', nav: '100', cost: '1000', premium: '50000', type: 'ALLOCATION' }]),
    },
    transactions: 1,
    holdings: 1,
    holding: { holding_id: 'Equity Fund', scheme_name: 'Equity Fund', cost_value: '30000', value: '36000', extra: { type: 'EQUITY' } },
    summary: { maturity_date: '2040-01-01' },
  },
  {
    fiType: 'EPF',
    body: {
      Summary: { openingDate: '2015-04-01', establishmentId: 'E1', employerBalance: '100', employeeBalance: '200', totalBalance: '300', currentBalance: '300' },
      Transactions: txns([{ txnId: 'EPF1', txnDate: '2025-04-30', type: 'CONTRIBUTION', employeeDepositAmount: '1800', employerDepositAmount: '1800' }]),
    },
    transactions: 1,
    holdings: 0,
    txn: { amount: null, extra: { employeeDepositAmount: '1800', employerDepositAmount: '1800' } },
    summary: { current_balance: '300' },
  },
  {
    fiType: 'PPF',
    body: {
      Summary: { openingDate: '2010-04-01', maturityDate: '2025-04-01', ifscCode: 'SBIN0001', status: 'ACTIVE', currentBalance: '150000' },
      Transactions: txns([{ txnId: 'PPF1', txnDate: '2025-04-01', valueDate: '2025-04-01', type: 'CREDIT', amount: '150000', balance: '150000', narration: 'deposit' }]),
    },
    transactions: 1,
    holdings: 0,
    txn: { current_balance: '150000', value_date: '2025-04-01' },
    summary: { current_balance: '150000', maturity_date: '2025-04-01' },
  },
  {
    fiType: 'GSTR1_3B',
    body: { Summary: { status: 'ACTIVE' }, Transactions: txns([{ txnId: 'G1', txnDate: '2025-05-20', type: 'GSTR3B', amount: '18000' }]) },
    transactions: 1,
    holdings: 0,
    txn: { amount: '18000' },
  },
  {
    fiType: 'CREDIT_CARD',
    body: { Summary: { currentDue: '500' }, Transactions: txns([{ txnId: 'CC1', txnType: 'DEBIT', txnDate: '2025-05-20T12:00:00Z', amount: '500', valueDate: '2025-05-20', mcc: '5411' }]) },
    transactions: 1,
    holdings: 0,
    txn: { type: 'DEBIT', extra: { mcc: '5411' } },
  },
];

/** Spellings: containers lower-camel or all lower case, lists with one element as an object, bare transactions arrays. */
export type Respell = (name: string) => string;
export const SPELLINGS: Record<string, Respell> = {
  capitalised: (name) => name,
  lowerCamel: (name) => name.charAt(0).toLowerCase() + name.slice(1),
  lowercase: (name) => name.toLowerCase(),
  snake: (name) => (name.charAt(0).toLowerCase() + name.slice(1)).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase(),
};

/** Renames every PascalCase key (ReBIT elements); lower-camel keys (attributes) stay. */
export function respell(value: unknown, spell: Respell, singleObjects: boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => respell(v, spell, singleObjects));
    return singleObjects && items.length === 1 ? items[0] : items;
  }
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [/^[A-Z]/.test(k) ? spell(k) : k, respell(v, spell, singleObjects)]));
}

