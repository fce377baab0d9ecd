/**
 * The pgvector version the local recipe runs and scripts/install-pgvector.sh builds (from the
 * Debian trixie source package pgvector 0.8.0-1). The install script reads this line, so it is
 * the one place the version is written: change it here and rerun the script.
 */
export const PGVECTOR_VERSION = '0.8.0';

/** Debian's PostgreSQL 15 (bookworm), where the local recipe and the install script look. */
export const PG_MAJOR = 15;
export const PG_BIN = `/usr/lib/postgresql/${PG_MAJOR}/bin`;
export const PG_EXTENSION_DIR = `/usr/share/postgresql/${PG_MAJOR}/extension`;
export const PG_LIB_DIR = `/usr/lib/postgresql/${PG_MAJOR}/lib`;
