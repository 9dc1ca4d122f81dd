/*
** cox_bench.c -- timing of onc_cox_fit_model on generated data.
**
** Data: 5 covariates (three standard normal, one Bernoulli(0.4), one integer
** age 20-80), exponential event times with log hazard ratios (0.5, -0.3,
** 0.2, -0.7, 0.02), independent exponential censoring (about 40% censored),
** times rounded up to 1/100 so that ties occur.  Efron ties.
** Timed, best of 3, wall (CLOCK_MONOTONIC) and CPU (CLOCK_PROCESS_CPUTIME_ID,
** steadier on a shared machine): the whole right-censored fit without and
** with the concordance index, and the fit of the same data split into
** start-stop intervals at the mean time.
**
** Build and run from the repository root:
**   cc -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -O2 -Iinclude \
**      -Isrc $(pkg-config --cflags gsl) bench/cox_bench.c src/core/alloc.c \
**      src/core/error.c src/stats/sort.c src/stats/cox.c \
**      src/stats/cox_exact.c src/stats/cox_robust.c src/stats/cox_residuals.c \
**      src/stats/cox_firth.c src/stats/concordance.c -o cox_bench \
**      $(pkg-config --libs gsl) -lm
**   ./cox_bench            (1e6 and 1e7 rows; or ./cox_bench 2000000)
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oncostat/cox.h"

#define NCOV 5

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng_next(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double rng_unif(void)
{
    return ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_norm(void)
{
    double u = rng_unif(), v = rng_unif();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct timing {
    double wall, cpu;
} timing;

/* Best of 3 (wall and CPU separately); the first fit is kept in *keep. */
static timing time_fit(const onc_cox_data *d, int conc, onc_cox_fit **keep)
{
    onc_cox_options o;
    onc_error err;
    timing best = {INFINITY, INFINITY};
    int rep;

    onc_cox_options_init(&o);
    o.concordance = conc;
    for (rep = 0; rep < 3; rep++) {
        onc_cox_fit *fit = NULL;
        double w0 = clock_s(CLOCK_MONOTONIC);
        double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        if (onc_cox_fit_model(d, &o, &fit, &err) != ONC_OK) {
            fprintf(stderr, "fit failed: %s\n", err.message);
            exit(1);
        }
        best.wall = fmin(best.wall, clock_s(CLOCK_MONOTONIC) - w0);
        best.cpu = fmin(best.cpu, clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0);
        if (keep != NULL && *keep == NULL)
            *keep = fit;
        else
            onc_cox_fit_free(fit);
    }
    return best;
}

static void bench(size_t n)
{
    static const double beta[NCOV] = {0.5, -0.3, 0.2, -0.7, 0.02};
    double *x = malloc(n * NCOV * sizeof *x);
    double *t = malloc(n * sizeof *t), *s = malloc(n * sizeof *s);
    double *x2 = NULL, *t1 = NULL, *t2 = NULL, *s2 = NULL, cut;
    onc_cox_data d;
    onc_cox_fit *fit = NULL;
    size_t i, j, m = 0;
    timing tfit, tconc, tcp;

    if (x == NULL || t == NULL || s == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (i = 0; i < n; i++) {
        double lp = 0, ev, ce;
        x[i] = rng_norm();
        x[n + i] = rng_norm();
        x[2 * n + i] = rng_norm();
        x[3 * n + i] = rng_unif() < 0.4;
        x[4 * n + i] = floor(20 + 61 * rng_unif());
        for (j = 0; j < NCOV; j++)
            lp += beta[j] * x[j * n + i];
        ev = -log(rng_unif()) / (0.1 * exp(lp - 1.0));
        ce = -log(rng_unif()) / 0.05;
        t[i] = ceil(100 * fmin(ev, ce)) / 100;
        s[i] = ev <= ce;
    }
    memset(&d, 0, sizeof d);
    d.n = n;
    d.p = NCOV;
    d.x = x;
    d.stop = t;
    d.status = s;

    tfit = time_fit(&d, 0, &fit);
    tconc = time_fit(&d, 1, NULL);
    printf("n = %zu, p = %d, Efron, %zu events\n", n, NCOV, fit->n_events);
    printf("  coef:");
    for (j = 0; j < NCOV; j++)
        printf(" %.6f", fit->coef[j]);
    printf("  (iterations %d)\n", fit->iterations);
    printf("  fit without concordance: %.3f s wall, %.3f s CPU (best of 3)\n",
           tfit.wall, tfit.cpu);
    printf("  fit with concordance:    %.3f s wall, %.3f s CPU (best of 3)\n",
           tconc.wall, tconc.cpu);
    onc_cox_fit_free(fit);
    fit = NULL;

    /* start-stop version: split every row at the mean time */
    cut = 0;
    for (i = 0; i < n; i++)
        cut += t[i];
    cut /= (double)n;
    x2 = malloc(2 * n * NCOV * sizeof *x2);
    t1 = malloc(2 * n * sizeof *t1);
    t2 = malloc(2 * n * sizeof *t2);
    s2 = malloc(2 * n * sizeof *s2);
    if (x2 == NULL || t1 == NULL || t2 == NULL || s2 == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (i = 0; i < n; i++) {
        if (t[i] > cut) {
            t1[m] = 0;
            t2[m] = cut;
            s2[m] = 0;
            m++;
            t1[m] = cut;
        } else {
            t1[m] = 0;
        }
        t2[m] = t[i];
        s2[m] = s[i];
        m++;
    }
    {
        size_t r = 0;
        for (i = 0; i < n; i++) {
            size_t k = t[i] > cut ? 2 : 1, q;
            for (q = 0; q < k; q++, r++)
                for (j = 0; j < NCOV; j++)
                    x2[j * m + r] = x[j * n + i];
        }
    }
    d.n = m;
    d.x = x2;
    d.start = t1;
    d.stop = t2;
    d.status = s2;
    tcp = time_fit(&d, 0, &fit);
    printf("  start-stop, %zu intervals, fit without concordance: %.3f s "
           "wall, %.3f s CPU; coef[0] %.6f\n", m, tcp.wall, tcp.cpu,
           fit->coef[0]);
    onc_cox_fit_free(fit);
    free(x);
    free(t);
    free(s);
    free(x2);
    free(t1);
    free(t2);
    free(s2);
}

int main(int argc, char **argv)
{
    int i;

    if (argc < 2) {
        bench(1000000);
        bench(10000000);
        return 0;
    }
    for (i = 1; i < argc; i++) {
        char *end;
        unsigned long long v = strtoull(argv[i], &end, 10);
        if (*end != '\0' || v < 10) {
            fprintf(stderr, "usage: cox_bench [n ...]\n");
            return 2;
        }
        bench((size_t)v);
    }
    return 0;
}
