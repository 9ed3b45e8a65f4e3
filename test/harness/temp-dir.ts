/** Env var naming the per-test-file temp dir (set by env.ts, removed by engine.ts). */
export const HARNESS_TEMP_DIR_ENV = 'N8N_NODES_APIXO_HARNESS_DIR';
