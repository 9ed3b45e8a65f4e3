/** Moved to scripts/kit/; this path stays for the scripts that import it from here. */
export * from '../kit/n8n-install';
