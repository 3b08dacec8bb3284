/** Named FIPs the seeded accounts live at. Banks hold deposits; AMCs/depositories the rest. */
export interface Fip {
  fipId: string;
  name: string;
  ifscPrefix: string;
}

export const BANK_FIPS: readonly Fip[] = [
  { fipId: 'HDFC-FIP', name: 'HDFC Bank', ifscPrefix: 'HDFC' },
  { fipId: 'ICICI-FIP', name: 'ICICI Bank', ifscPrefix: 'ICIC' },
  { fipId: 'SBI-FIP', name: 'State Bank of India', ifscPrefix: 'SBIN' },
  { fipId: 'AXIS-FIP', name: 'Axis Bank', ifscPrefix: 'UTIB' },
  { fipId: 'KOTAK-FIP', name: 'Kotak Mahindra Bank', ifscPrefix: 'KKBK' },
  { fipId: 'FINSHARE-FIP', name: 'Finshare Bank (sandbox)', ifscPrefix: 'FNSB' },
];

export const INVESTMENT_FIPS: readonly Fip[] = [
  { fipId: 'CAMS-FIP', name: 'CAMS', ifscPrefix: 'CAMS' },
  { fipId: 'KFINTECH-FIP', name: 'KFin Technologies', ifscPrefix: 'KFIN' },
  { fipId: 'NSDL-FIP', name: 'NSDL', ifscPrefix: 'NSDL' },
  { fipId: 'CDSL-FIP', name: 'CDSL', ifscPrefix: 'CDSL' },
];

export const FIRST_NAMES = ['Aarav', 'Vivaan', 'Aditya', 'Ananya', 'Diya', 'Ishaan', 'Kavya', 'Meera', 'Rohan', 'Saanvi', 'Arjun', 'Priya', 'Rahul', 'Neha', 'Vikram', 'Lakshmi'] as const;
export const LAST_NAMES = ['Sharma', 'Iyer', 'Patel', 'Reddy', 'Nair', 'Gupta', 'Singh', 'Mukherjee', 'Rao', 'Menon', 'Das', 'Joshi'] as const;
export const MERCHANTS = ['Swiggy', 'Zomato', 'Amazon', 'Flipkart', 'BigBasket', 'IRCTC', 'Airtel', 'BESCOM', 'Salary', 'Rent', 'Uber', 'PhonePe'] as const;

/** Insurers and the NPS record keepers (CRAs) that hold the FI types banks and AMCs do not. */
export const INSURANCE_FIPS: readonly Fip[] = [
  { fipId: 'LIC-FIP', name: 'Life Insurance Corporation of India', ifscPrefix: 'LICI' },
  { fipId: 'HDFCLIFE-FIP', name: 'HDFC Life Insurance', ifscPrefix: 'HDFL' },
  { fipId: 'ICICIPRU-FIP', name: 'ICICI Prudential Life Insurance', ifscPrefix: 'ICPL' },
];

export const NPS_FIPS: readonly Fip[] = [
  { fipId: 'PROTEAN-CRA-FIP', name: 'Protean CRA', ifscPrefix: 'PCRA' },
  { fipId: 'KFIN-CRA-FIP', name: 'KFintech CRA', ifscPrefix: 'KCRA' },
];

/** A listed security or scheme: what a holding or trade refers to, and its price level in paise. */
export interface Security {
  isin: string;
  name: string;
  symbol: string;
  /** Price (equities, ETFs, bonds) or NAV (funds) around which daily prices vary, in paise. */
  basePaise: number;
}

export const EQUITY_SECURITIES: readonly Security[] = [
  { isin: 'INE002A01018', name: 'Reliance Industries Ltd', symbol: 'RELIANCE', basePaise: 285_000 },
  { isin: 'INE467B01029', name: 'Tata Consultancy Services Ltd', symbol: 'TCS', basePaise: 390_000 },
  { isin: 'INE040A01034', name: 'HDFC Bank Ltd', symbol: 'HDFCBANK', basePaise: 165_000 },
  { isin: 'INE009A01021', name: 'Infosys Ltd', symbol: 'INFY', basePaise: 180_000 },
  { isin: 'INE154A01025', name: 'ITC Ltd', symbol: 'ITC', basePaise: 45_000 },
  { isin: 'INE062A01020', name: 'State Bank of India', symbol: 'SBIN', basePaise: 80_000 },
  { isin: 'INE397D01024', name: 'Bharti Airtel Ltd', symbol: 'BHARTIARTL', basePaise: 160_000 },
  { isin: 'INE030A01027', name: 'Hindustan Unilever Ltd', symbol: 'HINDUNILVR', basePaise: 240_000 },
];

export const MUTUAL_FUND_SCHEMES: readonly Security[] = [
  { isin: 'INF179K01VY8', name: 'HDFC Flexi Cap Fund - Direct Growth', symbol: '118955', basePaise: 185_000 },
  { isin: 'INF109K01Z48', name: 'ICICI Prudential Bluechip Fund - Direct Growth', symbol: '120586', basePaise: 11_000 },
  { isin: 'INF200K01QX4', name: 'SBI Small Cap Fund - Direct Growth', symbol: '125497', basePaise: 19_500 },
  { isin: 'INF846K01EW2', name: 'Axis ELSS Tax Saver Fund - Direct Growth', symbol: '120503', basePaise: 10_200 },
  { isin: 'INF247L01445', name: 'Motilal Oswal Midcap Fund - Direct Growth', symbol: '127042', basePaise: 11_300 },
  { isin: 'INF879O01027', name: 'Parag Parikh Flexi Cap Fund - Direct Growth', symbol: '122639', basePaise: 9_000 },
];

export const ETF_SECURITIES: readonly Security[] = [
  { isin: 'INF204KB14I2', name: 'Nippon India ETF Nifty 50 BeES', symbol: 'NIFTYBEES', basePaise: 28_000 },
  { isin: 'INF204KB15I9', name: 'Nippon India ETF Gold BeES', symbol: 'GOLDBEES', basePaise: 7_500 },
  { isin: 'INF109K012R6', name: 'ICICI Prudential Nifty Next 50 ETF', symbol: 'NEXT50IETF', basePaise: 7_000 },
];

export const BOND_SECURITIES: readonly Security[] = [
  { isin: 'INE020B08DJ1', name: 'REC Ltd 7.54% 2030', symbol: 'REC30', basePaise: 100_000 },
  { isin: 'INE134E08LD2', name: 'Power Finance Corp 7.15% 2031', symbol: 'PFC31', basePaise: 100_000 },
  { isin: 'INE053F07BX8', name: 'IRFC 7.28% 2029', symbol: 'IRFC29', basePaise: 100_000 },
];

export const GOVT_SECURITIES: readonly Security[] = [
  { isin: 'IN0020230085', name: '7.18% GS 2033', symbol: '718GS2033', basePaise: 10_000 },
  { isin: 'IN0020220060', name: '7.26% GS 2032', symbol: '726GS2032', basePaise: 10_000 },
  { isin: 'IN002024Z164', name: '364 Day T-Bill 2025', symbol: '364TB', basePaise: 9_300 },
];

export const NPS_SCHEMES = [
  { schemeId: 'SM001003', schemeName: 'SBI Pension Fund Scheme E - Tier I', pfmId: 'PFM001', pfmName: 'SBI Pension Funds', navPaise: 5_200 },
  { schemeId: 'SM001004', schemeName: 'SBI Pension Fund Scheme C - Tier I', pfmId: 'PFM001', pfmName: 'SBI Pension Funds', navPaise: 4_100 },
  { schemeId: 'SM001005', schemeName: 'SBI Pension Fund Scheme G - Tier I', pfmId: 'PFM001', pfmName: 'SBI Pension Funds', navPaise: 3_900 },
] as const;

export const INSURANCE_PLANS = [
  { policyName: 'Jeevan Anand', policyType: 'ENDOWMENT', moneyBack: false },
  { policyName: 'Click 2 Protect Super', policyType: 'TERM_PLAN', moneyBack: false },
  { policyName: 'New Money Back Plan - 20 Years', policyType: 'MONEY_BACK', moneyBack: true },
  { policyName: 'Smart Kid Assure', policyType: 'CHILDREN_PLAN', moneyBack: false },
] as const;
