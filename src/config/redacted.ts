/** How secrets read in printed config, logs and errors. Its own module so the logger can use it without loading the schema. */
export const REDACTED = '***';
