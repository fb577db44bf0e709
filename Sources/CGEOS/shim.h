// GEOS's C API (libgeos-dev), reentrant functions only. Each thread gets one context and one WKT
// reader, made on first use; the context's error handler keeps the last message per thread, so
// a failed parse can say why. Only QuarryFilter's Geometry.swift imports this module.
#include <geos_c.h>
#include <string.h>

// Function-local statics: a file-scope variable in a module header is declared, never defined.
static inline char *quarry_geos_message(void) {
    static __thread char message[512];
    return message;
}

static void quarry_geos_on_error(const char *message, void *userdata) {
    (void)userdata;
    strncpy(quarry_geos_message(), message ? message : "", 511);
    quarry_geos_message()[511] = 0;
}

static void quarry_geos_on_notice(const char *message, void *userdata) { (void)message; (void)userdata; }

static inline GEOSContextHandle_t quarry_geos_context(void) {
    static __thread GEOSContextHandle_t context = 0;
    if (!context) {
        context = GEOS_init_r();
        GEOSContext_setErrorMessageHandler_r(context, quarry_geos_on_error, 0);
        GEOSContext_setNoticeMessageHandler_r(context, quarry_geos_on_notice, 0);
    }
    return context;
}

static inline GEOSWKTReader *quarry_geos_reader(void) {
    static __thread GEOSWKTReader *reader = 0;
    if (!reader) reader = GEOSWKTReader_create_r(quarry_geos_context());
    return reader;
}

/// The last error message GEOS gave on this thread, then cleared.
static inline const char *quarry_geos_take_message(void) {
    static __thread char taken[512];
    memcpy(taken, quarry_geos_message(), sizeof taken);
    quarry_geos_message()[0] = 0;
    return taken;
}
