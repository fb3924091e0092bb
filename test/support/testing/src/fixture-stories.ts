/**
 * The stories the two fixture feeds (cnbc-finance.xml, marketwire.xml) both tell, by the start
 * of each outlet's title: what story merging must join, and nothing else.
 */
export const SHARED_FIXTURE_STORIES: [cnbc: string, marketwire: string][] = [
  ['Bitcoin slides below $80,000', 'Bitcoin falls under $80,000'],
  ['SEC charges trading firm', 'Trading firm to pay $41 million'],
  ['Fed’s preferred inflation gauge', 'Inflation gauge favored by the Fed'],
  ['Oil jumps 3%', 'OPEC+ delays output increase'],
  ['Fintech lender prices IPO', "Fintech lender's IPO prices"],
  ["Warren Buffett's Berkshire Hathaway", "Berkshire Hathaway's cash pile"],
  ['Airports brace for a record Thanksgiving', 'Record Thanksgiving travel week'],
];
