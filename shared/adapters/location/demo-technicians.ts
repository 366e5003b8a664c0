// Demo technicians seeded into the local stack: real UK bases in the cities and motorway corridors we cover.
import type { GeoPoint } from '#shared/domain/emergency.js';

export interface DemoTechnician {
  id: string;
  name: string;
  /** Ofcom drama range (+44 7700 900xxx): a demo SMS can never reach a real person. */
  phone: string;
  homeBase: string;
  home: GeoPoint;
  van: string;
  skills: string[];
  vanStock: Record<string, number>;
}

type Row = [id: string, name: string, homeBase: string, lat: number, lon: number, skills: string[]];

const rows: Row[] = [
  ['tech-lon-01', 'Amara Okafor', 'London, Westminster', 51.4975, -0.1357, ['tpms', 'locking_wheel_nut_removal']],
  ['tech-lon-02', 'Tomasz Nowak', 'London, Canary Wharf', 51.5054, -0.0235, ['run_flat']],
  ['tech-lon-03', 'Priya Raman', 'London, Camden', 51.539, -0.1426, ['alloy_repair', 'tpms']],
  ['tech-lon-04', 'Callum Reid', 'London, Brixton', 51.4613, -0.1156, ['locking_wheel_nut_removal']],
  ['tech-lon-05', 'Zoë Clarke', 'London, Wembley', 51.5588, -0.2817, ['run_flat', 'tpms']],
  ['tech-lon-06', 'Kwame Mensah', 'London, Stratford', 51.5416, -0.0033, ['commercial']],
  ['tech-lon-07', 'Hannah Fletcher', 'London, Croydon', 51.3762, -0.0982, ['tpms']],
  ['tech-lon-08', 'Raj Patel', 'London, Heathrow', 51.47, -0.4543, ['commercial', 'run_flat']],
  ['tech-bhm-01', 'Siân Hughes', 'Birmingham, city centre', 52.4796, -1.9026, ['tpms', 'alloy_repair']],
  ['tech-bhm-02', 'Imran Hussain', 'Birmingham, Spaghetti Junction', 52.5069, -1.8594, ['commercial']],
  ['tech-bhm-03', 'Laura Bennett', 'Birmingham, Selly Oak', 52.4393, -1.9365, ['locking_wheel_nut_removal']],
  ['tech-man-01', 'Declan Murphy', 'Manchester, Piccadilly', 53.4774, -2.2309, ['run_flat']],
  ['tech-man-02', 'Aisha Begum', 'Manchester, Trafford Park', 53.4668, -2.3188, ['commercial', 'tpms']],
  ['tech-man-03', 'Gareth Evans', 'Manchester, Airport', 53.3588, -2.2727, ['alloy_repair']],
  ['tech-lds-01', 'Chloé Martin', 'Leeds, city centre', 53.7965, -1.5478, ['tpms']],
  ['tech-lds-02', 'Mohammed Iqbal', 'Leeds, Hunslet', 53.7787, -1.5296, ['commercial']],
  ['tech-lds-03', 'Emily Walsh', 'Leeds, Headingley', 53.8189, -1.5795, ['locking_wheel_nut_removal', 'run_flat']],
  ['tech-gla-01', 'Fraser MacLeod', 'Glasgow, city centre', 55.8609, -4.2514, ['tpms']],
  ['tech-gla-02', 'Niamh Campbell', 'Glasgow, Govan', 55.8617, -4.3121, ['commercial']],
  ['tech-gla-03', 'Euan Stewart', 'Glasgow, Dennistoun', 55.8597, -4.2099, ['run_flat']],
  ['tech-bri-01', 'Olivia Price', 'Bristol, Temple Meads', 51.4491, -2.5813, ['tpms', 'alloy_repair']],
  ['tech-bri-02', 'Ben Carter', 'Bristol, Cribbs Causeway', 51.5246, -2.5974, ['commercial']],
  ['tech-bri-03', 'Jamal Ahmed', 'Bristol, Bedminster', 51.4403, -2.6004, ['locking_wheel_nut_removal']],
  ['tech-m1-01', 'Sophie Turner', 'M1 Toddington services (J11–12)', 51.9467, -0.5203, ['run_flat', 'tpms']],
  ['tech-m1-02', 'Liam O’Brien', 'M1 Watford Gap services (J16–17)', 52.3069, -1.1208, ['commercial']],
  ['tech-m1-03', 'Grace Kim', 'M1 Leicester Forest East (J21–21a)', 52.6192, -1.2122, ['tpms']],
  ['tech-m1-04', 'Daniel Wright', 'M1 Woodall services (J30–31)', 53.3133, -1.2842, ['locking_wheel_nut_removal']],
  ['tech-m1-05', 'Chinedu Eze', 'M1 Newport Pagnell (J14)', 52.0838, -0.7435, ['run_flat']],
  ['tech-m6-01', 'Rhys Morgan', 'M6 Corley services (J3–4)', 52.4699, -1.5544, ['commercial', 'tpms']],
  ['tech-m6-02', 'Megan Lloyd', 'M6 Hilton Park (J10a–11)', 52.6467, -2.0583, ['run_flat']],
  ['tech-m6-03', 'Oluwaseun Adeyemi', 'M6 Keele services (J15–16)', 52.9975, -2.2856, ['tpms']],
  ['tech-m6-04', 'Kieran Doyle', 'M6 Charnock Richard (J27–28)', 53.6311, -2.6847, ['locking_wheel_nut_removal']],
  ['tech-m6-05', 'Isla Robertson', 'M6 Tebay services (J38–39)', 54.4369, -2.5951, ['commercial', 'run_flat']],
  ['tech-m25-01', 'Jack Thompson', 'M25 South Mimms (J23)', 51.6986, -0.2207, ['tpms']],
  ['tech-m25-02', 'Fatima Zahra', 'M25 Clacket Lane (J5–6)', 51.2688, 0.0408, ['run_flat']],
  ['tech-m25-03', 'Harry Collins', 'M25 Cobham services (J9–10)', 51.3124, -0.4051, ['commercial']],
  ['tech-m25-04', 'Anya Kowalski', 'M25 Thurrock (J30–31)', 51.4847, 0.2757, ['alloy_repair', 'tpms']],
  ['tech-edi-01', 'Ruairidh Fraser', 'Edinburgh, Leith', 55.9756, -3.1722, ['tpms']],
  ['tech-cdf-01', 'Dafydd Jenkins', 'Cardiff, Butetown', 51.4646, -3.1657, ['run_flat']],
  ['tech-ncl-01', 'Holly Robson', 'Newcastle, Gateshead', 54.9526, -1.6038, ['commercial']],
];

const plates = ['TH21 ABC', 'TH21 BCD', 'TH22 CDE', 'TH22 DEF', 'TH23 EFG', 'TH23 FGH', 'TH24 GHJ', 'TH24 HJK'];

export const demoTechnicians: readonly DemoTechnician[] = rows.map(([id, name, homeBase, lat, lon, skills], i) => ({
  id,
  name,
  phone: `+447700900${String(500 + i).padStart(3, '0')}`,
  homeBase,
  home: { lat, lon },
  van: `Ford Transit Custom (${plates[i % plates.length]!})`,
  skills,
  vanStock: { '205/55R16': 4, '225/45R17': 2 + (i % 3), '195/65R15': 2 },
}));
