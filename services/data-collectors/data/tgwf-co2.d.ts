// @tgwf/co2 ships no type declarations for its data entry point.
declare module '@tgwf/co2/data/electricity-maps' {
  interface YearlyDataset {
    data: Record<string, { zone?: { zoneName?: string }; carbonIntensity: { value: number; unit: string } }>;
    methodology: string;
  }
  export const yearly2025: YearlyDataset;
  export const yearly2024: YearlyDataset;
  export const yearly2023: YearlyDataset;
}
