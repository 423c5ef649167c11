"""Words for the demo workspace: a company selling freight-management software to shippers and carriers."""

WORKSPACE_NAME = "Northwind Freight"
WORKSPACE_SLUG = "northwind"
DEMO_PASSWORD = "outside-in"

# (name, title, role, activity): activity is how many customer conversations a month they tend to have.
LEADERS = [
    ("Maya Okafor", "Chief Executive Officer", "owner", 6),
    ("Daniel Brandt", "VP Operations", "leader", 5),
    ("Priya Raman", "VP Sales", "leader", 7),
    ("Tom Lindqvist", "Chief Financial Officer", "leader", 1),
    ("Sofia Marques", "Chief Product Officer", "leader", 8),
    ("Kenji Watanabe", "GM Carrier Network", "leader", 3),
]
MEMBERS = [
    ("Lena Fischer", "Account Manager", "member", 4),
    ("Omar Haddad", "Account Manager", "member", 4),
    ("Grace Kim", "Customer Service Lead", "member", 3),
    ("Lucas Moreau", "Service Representative", "member", 2),
    ("Aisha Bello", "Sales Representative", "member", 3),
    ("Jonas Weber", "Sales Representative", "member", 3),
    ("Elena Petrova", "Product Discovery Lead", "member", 6),
    ("Ravi Shah", "UX Researcher", "member", 5),
    ("Hannah Cole", "CX Analyst", "member", 1),
    ("Mateo Alvarez", "Solutions Engineer", "member", 2),
    ("Zoe Turner", "Customer Success Manager", "member", 3),
    ("Ben Adler", "Finance Business Partner", "member", 1),
]
VIEWERS = [("Iris Novak", "Board Observer", "viewer", 0)]

SEGMENTS = [
    ("Enterprise shippers", "Manufacturers and distributors shipping 5,000+ loads a year."),
    ("Mid-market retailers", "Retail and e-commerce brands shipping 500–5,000 loads a year."),
    ("Independent carriers", "Trucking companies with 10–200 trucks using the carrier portal."),
    ("Internal: Finance & Billing", "Colleagues in finance who rely on freight data to invoice and reconcile."),
]

ACCOUNT_STEMS = [
    "Alder", "Birchwood", "Cobalt", "Delta Ridge", "Evergreen", "Foxglove", "Granite", "Harborview", "Ironclad",
    "Juniper", "Keystone", "Lakeshore", "Meridian", "Northgate", "Oakridge", "Pinecrest", "Quarry Lane", "Redwood",
    "Silverline", "Timberline", "Union Point", "Valley Forge", "Westbrook", "Yellowstone", "Zenith", "Atlas",
    "Beacon", "Cascade", "Driftwood", "Ember", "Fairview", "Glacier", "Highland", "Inland", "Jasper", "Kestrel",
    "Lighthouse", "Maple Leaf", "Nimbus", "Orchard", "Prairie", "Riverbend", "Summit", "Tidewater", "Upland",
    "Vantage", "Willow Creek", "Aspen", "Blue Harbor", "Crescent", "Dunmore", "Eastfield", "Fjord", "Golden Gate",
    "Heron", "Ivy Hill", "Kingsport", "Larkspur", "Monarch", "Northstar", "Osprey", "Pelican", "Rockport", "Sable",
]
SUFFIXES = {
    "Enterprise shippers": ["Manufacturing", "Industries", "Foods", "Chemicals", "Steel", "Paper Co."],
    "Mid-market retailers": ["Outfitters", "Home", "Supply", "Market", "Goods", "Apparel"],
    "Independent carriers": ["Trucking", "Freight Lines", "Transport", "Haulage", "Logistics", "Carriers"],
    "Internal: Finance & Billing": ["Billing Team", "Accounts Payable", "Revenue Ops", "Controllers"],
}
REVENUE_RANGE = {
    "Enterprise shippers": (180_000, 1_400_000),
    "Mid-market retailers": (30_000, 220_000),
    "Independent carriers": (6_000, 60_000),
    "Internal: Finance & Billing": (0, 0),
}

FIRST_NAMES = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Jamie", "Robin", "Chris", "Pat", "Dana", "Lee",
               "Nina", "Marco", "Ines", "Tariq", "Yuki", "Olga", "Pedro", "Fatima", "Hugo", "Mia", "Noah", "Ava",
               "Liam", "Emma", "Raj", "Chloe", "Felix", "Sara", "Ivan", "Leah", "Kofi", "Anya", "Diego", "Maria"]
LAST_NAMES = ["Nguyen", "Schmidt", "Garcia", "Johnson", "Rossi", "Dubois", "Kowalski", "Silva", "Ahmed", "Larsen",
              "Murphy", "Tanaka", "Novak", "Jensen", "Costa", "Meyer", "Hughes", "Ortiz", "Berg", "Cohen", "Patel"]
BUYER_TITLES = ["VP Supply Chain", "Director of Logistics", "Head of Transportation", "COO", "Procurement Manager"]
USER_TITLES = ["Dispatcher", "Shipping Coordinator", "Warehouse Supervisor", "Freight Analyst", "Driver Manager",
               "Customer Service Agent", "Operations Planner"]
INTERNAL_TITLES = ["Billing Specialist", "Accounts Payable Clerk", "Revenue Accountant", "Finance Controller"]

COMPETITORS = [
    ("FreightPilot", "FP, Freight Pilot", "direct"),
    ("LoadLedger", "Load Ledger", "direct"),
    ("ShipSheet spreadsheets", "Excel, spreadsheets, Google Sheets", "substitute"),
    ("CarrierHub", "Carrier Hub", "direct"),
    ("In-house TMS", "homegrown system, our own system", "in-house tool"),
]
PRODUCTS = [
    ("Northwind TMS", "Transportation management", ["Enterprise shippers", "Mid-market retailers"],
     ["Independent carriers"], "Direct sales to shippers; annual contracts priced per load band."),
    ("Carrier Portal", "Carrier collaboration", ["Independent carriers"], [],
     "Free for carriers, paid by the shippers who invite them."),
    ("Freight Audit & Pay", "Finance", ["Enterprise shippers"], ["Independent carriers"],
     "Cross-sell to TMS customers; priced on invoice volume."),
    ("Tracking API", "Integration", ["Enterprise shippers", "Mid-market retailers"], [],
     "Self-serve developer plan plus enterprise tier."),
]

TAGS = ["tracking", "invoicing", "onboarding", "edi", "mobile", "pricing", "support", "customs", "reporting",
        "carrier-payments", "dock-scheduling", "claims"]

# (kind, text, tags): what customers said or what was seen, by topic.
HIGHLIGHTS = [
    ("pain", "Every Monday I spend two hours matching carrier invoices to loads by hand.", ["invoicing"]),
    ("pain", "When a truck is late, I find out from the store, not from the system.", ["tracking"]),
    ("pain", "Our drivers won't use the app because it logs them out at every stop.", ["mobile"]),
    ("pain", "The EDI feed drops shipments silently and nobody notices until the customer calls.", ["edi"]),
    ("pain", "I keep a spreadsheet next to the TMS because I don't trust the ETA column.", ["tracking"]),
    ("pain", "Getting paid takes us 45 days; small carriers like us can't float that.", ["carrier-payments"]),
    ("pain", "Customs paperwork is still emailed PDFs; one typo holds a container for three days.", ["customs"]),
    ("pain", "Support answers in a day, but a stuck load costs me money every hour.", ["support"]),
    ("pain", "Month-end close waits on freight accruals that we rebuild from exports.", ["invoicing", "reporting"]),
    ("pain", "Dock appointments are booked by phone and we double-book doors twice a week.", ["dock-scheduling"]),
    ("pain", "New planners need three weeks before they can work without asking someone.", ["onboarding"]),
    ("pain", "Damage claims go into a black hole; I have no idea where a claim stands.", ["claims"]),
    ("gain", "If the ETA were right, I could tell customers before they ask. That's the dream.", ["tracking"]),
    ("gain", "Being paid in a week would let us take on two more trucks.", ["carrier-payments"]),
    ("gain", "The new carrier scorecard saved our weekly review meeting an hour.", ["reporting"]),
    ("job", "I need to know by 7 a.m. which loads will miss their window today.", ["tracking"]),
    ("job", "My job is to make sure every invoice matches a delivered load before we pay.", ["invoicing"]),
    ("job", "We have to prove on-time performance to our biggest retailer every quarter.", ["reporting"]),
    ("job", "I plan tomorrow's routes tonight, usually from my kitchen table.", ["mobile"]),
    ("idea", "What if the carrier could upload the proof of delivery straight from the cab?", ["mobile"]),
    ("idea", "Flag invoices that differ from the quote by more than 5% and let the rest through.", ["invoicing"]),
    ("idea", "Let the warehouse see inbound trucks on a map with a countdown.", ["dock-scheduling", "tracking"]),
    ("suggestion", "Please let us export the audit log to our data warehouse every night.", ["reporting"]),
    ("suggestion", "Add a second contact per carrier; our dispatcher changes every shift.", ["onboarding"]),
    ("suggestion", "Send me a text, not an email, when a load is more than an hour late.", ["tracking", "mobile"]),
    ("suggestion", "A sandbox for the EDI mapping would save us weeks at every onboarding.", ["edi", "onboarding"]),
    ("competitor_mention", "FreightPilot showed us live tracking on a map in their demo last month.", ["tracking"]),
    ("competitor_mention", "LoadLedger offered to pay carriers in five days for a 1% fee.", ["carrier-payments"]),
    ("competitor_mention", "Honestly, our spreadsheets still do half of what we need.", ["reporting"]),
    ("competitor_mention", "CarrierHub is free for us and our brokers already use it.", ["pricing"]),
    ("quote", "We bought you for the tracking; we stay because your people pick up the phone.", ["support"]),
    ("quote", "I don't want more features, I want the ones we have to work every time.", []),
    ("quote", "Your price is fine. The hours we lose reconciling are what hurt.", ["pricing", "invoicing"]),
    ("quote", "If you fix the EDI errors I'll sign the three-year renewal tomorrow.", ["edi"]),
    ("observation", "The dispatcher had four screens open and re-typed the load number into each one.", ["tracking"]),
    ("observation", "Nobody at the site had logged into the reporting module in the last 90 days.", ["reporting"]),
    ("observation", "The billing clerk printed every invoice to check it against a paper rate sheet.", ["invoicing"]),
    ("observation", "Drivers queued 40 minutes at the gate because appointments weren't in the system.", ["dock-scheduling"]),
    ("observation", "On the support call, the customer had already tried our fix from the help centre twice.", ["support"]),
    ("observation", "The planner used the mobile app only to take photos, then emailed them to herself.", ["mobile"]),
]

NOTES = [
    "Met {person} over coffee near their office. {topic_sentence} They were open about what isn't working.",
    "Visited the {site} with {person}. We walked the floor for an hour; {topic_sentence}",
    "Sat beside {person} for a morning of calls. {topic_sentence} Two escalations came in while I was there.",
    "Joined the account team for the quarterly review with {person}. {topic_sentence}",
    "Rode along on a renewal conversation. {topic_sentence} Pricing came up only at the very end.",
    "Brainstorm with {person} and two of their planners. {topic_sentence} We sketched three ideas on the whiteboard.",
    "Quick video call with {person}. {topic_sentence}",
    "Phone catch-up with {person} after their busiest week of the year. {topic_sentence}",
]
TOPIC_SENTENCES = {
    "tracking": "Most of the time went on late-load visibility and how they find out about delays.",
    "invoicing": "The conversation kept coming back to invoice matching and month-end.",
    "mobile": "Drivers' use of the mobile app was the hot topic.",
    "edi": "EDI reliability worries them more than anything else this quarter.",
    "carrier-payments": "Cash flow and how quickly carriers get paid dominated.",
    "onboarding": "They talked about how long it takes new staff to become productive.",
    "reporting": "They want to prove performance to their own customers with less effort.",
    "dock-scheduling": "Dock scheduling and gate queues came up again and again.",
    "support": "Support response times and who owns a stuck load were the main thread.",
    "customs": "Cross-border paperwork is their biggest source of delays.",
    "claims": "Damage claims and their status were a recurring frustration.",
    "pricing": "They compared our pricing with cheaper tools the brokers use.",
}
SITES = ["distribution centre", "cross-dock", "dispatch office", "warehouse", "billing office", "yard"]
