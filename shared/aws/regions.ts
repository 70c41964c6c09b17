// Every AWS commercial region (partition `aws`) with its display name, coordinates and grid zone:
// the one list of real region codes (the data collectors' table; `caribou deploy --check` and the CLI
// reject codes not in it).
// Names: the "Regions" table of https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
// (read 2026-12). Coordinates: the city the display name gives (or the metro AWS names in its
// announcement), city-centre latitude/longitude in decimal degrees rounded to 0.01°, transcribed by
// hand from public gazetteers — AWS does not publish data-centre coordinates, so they are good to
// ~50 km, ample for great-circle distances between regions.
// Zone: the Electricity Maps zone the region draws from (Electricity Maps' own cloud-region
// mapping where published; otherwise the grid zone containing the city).

export interface EmbeddedRegion {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
  /** Electricity Maps zone id. */
  zone: string;
}

export const REGIONS_SOURCE =
  'names: docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html (2026-12); coordinates: city of the display name, hand-geocoded (±50 km); zones: Electricity Maps zone of that city';

export const EMBEDDED_REGIONS: readonly EmbeddedRegion[] = [
  { code: 'us-east-1', name: 'US East (N. Virginia)', latitude: 39.04, longitude: -77.49, zone: 'US-MIDA-PJM' },
  { code: 'us-east-2', name: 'US East (Ohio)', latitude: 40.1, longitude: -83.11, zone: 'US-MIDA-PJM' },
  { code: 'us-west-1', name: 'US West (N. California)', latitude: 37.35, longitude: -121.96, zone: 'US-CAL-CISO' },
  { code: 'us-west-2', name: 'US West (Oregon)', latitude: 45.84, longitude: -119.7, zone: 'US-NW-BPAT' },
  { code: 'af-south-1', name: 'Africa (Cape Town)', latitude: -33.92, longitude: 18.42, zone: 'ZA' },
  { code: 'ap-east-1', name: 'Asia Pacific (Hong Kong)', latitude: 22.32, longitude: 114.17, zone: 'HK' },
  { code: 'ap-east-2', name: 'Asia Pacific (Taipei)', latitude: 25.03, longitude: 121.56, zone: 'TW' },
  { code: 'ap-south-1', name: 'Asia Pacific (Mumbai)', latitude: 19.08, longitude: 72.88, zone: 'IN-WE' },
  { code: 'ap-south-2', name: 'Asia Pacific (Hyderabad)', latitude: 17.39, longitude: 78.49, zone: 'IN-SO' },
  { code: 'ap-southeast-1', name: 'Asia Pacific (Singapore)', latitude: 1.35, longitude: 103.82, zone: 'SG' },
  { code: 'ap-southeast-2', name: 'Asia Pacific (Sydney)', latitude: -33.87, longitude: 151.21, zone: 'AU-NSW' },
  { code: 'ap-southeast-3', name: 'Asia Pacific (Jakarta)', latitude: -6.21, longitude: 106.85, zone: 'ID' },
  { code: 'ap-southeast-4', name: 'Asia Pacific (Melbourne)', latitude: -37.81, longitude: 144.96, zone: 'AU-VIC' },
  { code: 'ap-southeast-5', name: 'Asia Pacific (Malaysia)', latitude: 3.14, longitude: 101.69, zone: 'MY-WM' },
  { code: 'ap-southeast-6', name: 'Asia Pacific (New Zealand)', latitude: -36.85, longitude: 174.76, zone: 'NZ' },
  { code: 'ap-southeast-7', name: 'Asia Pacific (Thailand)', latitude: 13.76, longitude: 100.5, zone: 'TH' },
  { code: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)', latitude: 35.68, longitude: 139.69, zone: 'JP-TK' },
  { code: 'ap-northeast-2', name: 'Asia Pacific (Seoul)', latitude: 37.57, longitude: 126.98, zone: 'KR' },
  { code: 'ap-northeast-3', name: 'Asia Pacific (Osaka)', latitude: 34.69, longitude: 135.5, zone: 'JP-KN' },
  { code: 'ca-central-1', name: 'Canada (Central)', latitude: 45.5, longitude: -73.57, zone: 'CA-QC' },
  { code: 'ca-west-1', name: 'Canada West (Calgary)', latitude: 51.05, longitude: -114.07, zone: 'CA-AB' },
  { code: 'eu-central-1', name: 'Europe (Frankfurt)', latitude: 50.11, longitude: 8.68, zone: 'DE' },
  { code: 'eu-central-2', name: 'Europe (Zurich)', latitude: 47.37, longitude: 8.54, zone: 'CH' },
  { code: 'eu-west-1', name: 'Europe (Ireland)', latitude: 53.35, longitude: -6.26, zone: 'IE' },
  { code: 'eu-west-2', name: 'Europe (London)', latitude: 51.51, longitude: -0.13, zone: 'GB' },
  { code: 'eu-west-3', name: 'Europe (Paris)', latitude: 48.86, longitude: 2.35, zone: 'FR' },
  { code: 'eu-south-1', name: 'Europe (Milan)', latitude: 45.46, longitude: 9.19, zone: 'IT-NO' },
  { code: 'eu-south-2', name: 'Europe (Spain)', latitude: 41.65, longitude: -0.88, zone: 'ES' },
  { code: 'eu-north-1', name: 'Europe (Stockholm)', latitude: 59.33, longitude: 18.07, zone: 'SE-SE3' },
  { code: 'il-central-1', name: 'Israel (Tel Aviv)', latitude: 32.09, longitude: 34.78, zone: 'IL' },
  { code: 'me-south-1', name: 'Middle East (Bahrain)', latitude: 26.07, longitude: 50.56, zone: 'BH' },
  { code: 'me-central-1', name: 'Middle East (UAE)', latitude: 25.2, longitude: 55.27, zone: 'AE' },
  { code: 'mx-central-1', name: 'Mexico (Central)', latitude: 20.59, longitude: -100.39, zone: 'MX' },
  { code: 'sa-east-1', name: 'South America (São Paulo)', latitude: -23.55, longitude: -46.63, zone: 'BR-CS' },
];

const BY_CODE = new Map(EMBEDDED_REGIONS.map((r) => [r.code, r]));

export function embeddedRegion(code: string): EmbeddedRegion | undefined {
  return BY_CODE.get(code);
}

/** True for a real AWS commercial region code (e.g. eu-north-1), false for anything else. */
export const isKnownRegion = (code: string): boolean => BY_CODE.has(code);

/** Edit distance (insertions, deletions, substitutions) between two short strings. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** Known region codes within two edits of a mistyped one (nearest first), for "did you mean". */
export function similarRegions(code: string, max = 3): string[] {
  return EMBEDDED_REGIONS.map((r) => ({ code: r.code, d: editDistance(code, r.code) }))
    .filter((r) => r.d <= 2)
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map((r) => r.code);
}

/** Region key of the placement contract: "aws:<code>". */
export const regionKey = (code: string) => `aws:${code}`;
export const regionCodeOf = (key: string) => key.replace(/^aws:/, '');
