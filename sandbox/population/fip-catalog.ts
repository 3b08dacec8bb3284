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
