#include <sqlite3.h>

/// Lets `file:` URIs name databases (`?immutable=1` for a database in a folder that cannot be
/// written). `sqlite3_config` is variadic, so Swift calls it through this function; it takes
/// effect only before SQLite initialises, so Quarry calls it before its first connection.
static inline int quarry_sqlite_enable_uri(void) {
    return sqlite3_config(SQLITE_CONFIG_URI, 1);
}
