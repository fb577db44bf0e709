#include <cblas.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/* OpenBLAS is loaded on first use, not linked: a library linked in starts its worker threads
 * and maps their buffers before `main`, for every command, even the ones that never multiply a
 * matrix — and under a low memory limit those threads never finish starting, so the process
 * could not exit. Loaded here, a search or a filter never touches it; the embedder, k-means and
 * exact batch answers load it when they first call it, after the environment that picks its
 * kernels and threads is set. */
static inline void *quarry_openblas(void) {
    static void *handle;
    if (!handle) {
        handle = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_GLOBAL);
        if (!handle) handle = dlopen("libopenblas.so", RTLD_NOW | RTLD_GLOBAL);
        if (!handle) {
            fprintf(stderr, "quarry: error: OpenBLAS cannot be loaded (%s); install libopenblas0 (make deps does)\n", dlerror());
            exit(1);
        }
    }
    return handle;
}

static inline void *quarry_openblas_symbol(const char *name) {
    void *f = dlsym(quarry_openblas(), name);
    if (!f) {
        fprintf(stderr, "quarry: error: OpenBLAS has no %s\n", name);
        exit(1);
    }
    return f;
}

/* True once OpenBLAS is loaded (for tests and `quarry bench`). */
static inline int quarry_openblas_loaded(void) {
    return dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD) != NULL || dlopen("libopenblas.so", RTLD_NOW | RTLD_NOLOAD) != NULL;
}

static inline void quarry_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA, enum CBLAS_TRANSPOSE transB,
                                blasint m, blasint n, blasint k, float alpha, const float *a, blasint lda,
                                const float *b, blasint ldb, float beta, float *c, blasint ldc) {
    static void (*f)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, blasint, blasint, blasint, float,
                     const float *, blasint, const float *, blasint, float, float *, blasint);
    if (!f) f = quarry_openblas_symbol("cblas_sgemm");
    f(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static inline char *quarry_openblas_corename(void) {
    static char *(*f)(void);
    if (!f) f = quarry_openblas_symbol("openblas_get_corename");
    return f();
}

static inline int quarry_openblas_get_num_threads(void) {
    static int (*f)(void);
    if (!f) f = quarry_openblas_symbol("openblas_get_num_threads");
    return f();
}

static inline void quarry_openblas_set_num_threads(int n) {
    static void (*f)(int);
    if (!f) f = quarry_openblas_symbol("openblas_set_num_threads");
    f(n);
}
