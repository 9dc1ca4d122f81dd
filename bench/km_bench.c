/*
** km_bench.c -- timing of onc_km_fit_groups and onc_logrank_test on
** registry-sized data.
**
** Data: 1e6 and 1e7 observations in 3 groups, exponential event times
** (means 365, 500 and 700 days), independent exponential censoring giving
** about 30% censored, times rounded up to whole days so there are many
** ties.  Each call is timed with CLOCK_MONOTONIC (wall) and
** CLOCK_PROCESS_CPUTIME_ID (CPU, steadier on a shared machine), best of 3.
**
** Build and run from the repository root:
**   cc -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -O2 -Iinclude \
**      -Isrc $(pkg-config --cflags gsl) bench/km_bench.c src/core/alloc.c \
**      src/core/error.c src/stats/sort.c src/stats/km.c src/stats/km_quantile.c \
**      src/stats/rmst.c src/stats/logrank.c -o km_bench \
**      $(pkg-config --libs gsl) -lm
**   ./km_bench            (or ./km_bench 2000000 for one size)
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "oncostat/km.h"
#include "oncostat/logrank.h"

#define BENCH_REPEATS 3

/* splitmix64: small, fast and good enough for synthetic data. */
static uint64_t bench_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform on (0, 1). */
static double bench_uniform(uint64_t *state)
{
    return ((double)(bench_next(state) >> 11) + 0.5) / 9007199254740992.0;
}

static double bench_seconds(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct bench_clock {
    double wall, cpu;
} bench_clock;

static bench_clock bench_now(void)
{
    bench_clock c;

    c.wall = bench_seconds(CLOCK_MONOTONIC);
    c.cpu = bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
    return c;
}

static void bench_generate(size_t n, double *time, double *status,
                           int32_t *group)
{
    static const double mean[3] = {365.0, 500.0, 700.0};
    uint64_t state = 20240517;
    size_t i;

    for (i = 0; i < n; i++) {
        int32_t g = (int32_t)(i % 3);
        /* Censoring rate 3/7 of the event rate: P(censored) = 0.3. */
        double ev = ceil(-log(bench_uniform(&state)) * mean[g]);
        double ce = ceil(-log(bench_uniform(&state)) * mean[g] * 7.0 / 3.0);

        group[i] = g;
        time[i] = ev <= ce ? ev : ce;
        status[i] = ev <= ce ? 1.0 : 0.0;
    }
}

static int bench_size(size_t n)
{
    double *time = malloc(n * sizeof *time);
    double *status = malloc(n * sizeof *status);
    int32_t *group = malloc(n * sizeof *group);
    double best_km = INFINITY, best_lr = INFINITY, censored = 0.0;
    double cpu_km = INFINITY, cpu_lr = INFINITY;
    size_t i;
    int r, rc = 0;

    if (time == NULL || status == NULL || group == NULL) {
        fprintf(stderr, "km_bench: out of memory for %zu rows\n", n);
        rc = 1;
        goto done;
    }
    bench_generate(n, time, status, group);
    for (i = 0; i < n; i++)
        censored += 1.0 - status[i];
    for (r = 0; r < BENCH_REPEATS; r++) {
        onc_km_fit *fit = NULL;
        onc_logrank_result *lr = NULL;
        onc_error err;
        bench_clock t0 = bench_now(), t1, t2;

        if (onc_km_fit_groups(n, time, NULL, status, NULL, group, 3, NULL, &fit,
                              &err) != ONC_OK) {
            fprintf(stderr, "km_bench: %s\n", err.message);
            rc = 1;
            goto done;
        }
        t1 = bench_now();
        if (onc_logrank_test(n, time, status, NULL, group, 3, NULL, 0, NULL,
                             &lr, &err) != ONC_OK) {
            fprintf(stderr, "km_bench: %s\n", err.message);
            onc_km_fit_free(fit);
            rc = 1;
            goto done;
        }
        t2 = bench_now();
        best_km = fmin(best_km, t1.wall - t0.wall);
        best_lr = fmin(best_lr, t2.wall - t1.wall);
        cpu_km = fmin(cpu_km, t1.cpu - t0.cpu);
        cpu_lr = fmin(cpu_lr, t2.cpu - t1.cpu);
        if (r == 0)
            printf("n=%zu censored=%.1f%% rows/group=%zu medians=%g,%g,%g "
                   "chisq=%.1f\n",
                   n, 100.0 * censored / (double)n, fit->curves[0].n_rows,
                   fit->curves[0].median.estimate,
                   fit->curves[1].median.estimate,
                   fit->curves[2].median.estimate, lr->chisq);
        onc_km_fit_free(fit);
        onc_logrank_free(lr);
    }
    printf("n=%zu onc_km_fit_groups %.3f s (cpu %.3f)  onc_logrank_test "
           "%.3f s (cpu %.3f)  best of %d\n",
           n, best_km, cpu_km, best_lr, cpu_lr, BENCH_REPEATS);
done:
    free(time);
    free(status);
    free(group);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        char *end;
        unsigned long long n = strtoull(argv[1], &end, 10);
        if (*end != '\0' || n == 0) {
            fprintf(stderr, "usage: km_bench [n]\n");
            return 2;
        }
        return bench_size((size_t)n);
    }
    if (bench_size(1000000) != 0 || bench_size(10000000) != 0)
        return 1;
    return 0;
}
