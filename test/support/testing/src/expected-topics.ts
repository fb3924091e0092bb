/** The topic each article of the CNBC-shaped fixture lands in with the tiny model, by title prefix. */
export const EXPECTED_TOPICS: Record<string, string> = {
  'Bitcoin slides': 'Crypto',
  'SEC charges': 'SEC',
  'These utility stocks': 'Dividend',
  'Fed’s preferred inflation': 'Economics',
  'Oil jumps 3%': 'Oil or Gas',
  'Fintech lender prices IPO': 'IPO',
  'Senate Republicans': 'Politics',
  "Warren Buffett's Berkshire": 'Buffet',
  'Stocks making the biggest': 'Stock',
  'Airports brace': 'Other',
  'Cramer says chip stocks': 'Stock',
  'Treasury yields edge': 'Economics',
};

export function expectedTopic(title: string): string | undefined {
  const prefix = Object.keys(EXPECTED_TOPICS).find((p) => title.startsWith(p));
  return prefix === undefined ? undefined : EXPECTED_TOPICS[prefix];
}
