// Defaults of the placement document (placement.ts) that the analysis (config.yml), the deployer
// and the runtime share; here so the deploy-time analysis need not import the runtime.

/** Share of runs kept entirely in the home region, to keep its statistics fresh (caribou-spec §3.3). */
export const DEFAULT_HOME_REGION_RUN_RATIO = 0.1;
