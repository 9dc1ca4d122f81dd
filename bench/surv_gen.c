/*
** surv_gen.c -- write a synthetic survival CSV for the Kaplan-Meier and
** log-rank benchmarks (bench/km.sh).
**
**   surv_gen N OUT      N rows to OUT ("-" for standard output)
**
** Columns: arm (A, B, C at random), time (whole days), status (1 = event,
** 0 = censored).  Event times are exponential with means 365, 500 and 700
** days by arm, censoring independent with 30 % of rows censored on
** average, times rounded up to whole days so that there are many ties, as
** in registry data.  The same generator as bench/km_bench.c (splitmix64,
** fixed seed), so the output is the same for a given N on every machine.
**
** Build: cc -O2 -std=c11 bench/surv_gen.c -o surv_gen -lm
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: small, fast and good enough for synthetic data. */
static uint64_t gen_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform on (0, 1). */
static double gen_uniform(uint64_t *state)
{
    return ((double)(gen_next(state) >> 11) + 0.5) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
    static const double mean[3] = {365.0, 500.0, 700.0};
    static const char arm[3] = {'A', 'B', 'C'};
    uint64_t state = 20240517;
    unsigned long long n, i;
    FILE *out;
    char *end;

    if (argc != 3 || (n = strtoull(argv[1], &end, 10)) == 0 || *end != '\0') {
        fprintf(stderr, "usage: surv_gen N OUT\n");
        return 2;
    }
    out = strcmp(argv[2], "-") == 0 ? stdout : fopen(argv[2], "w");
    if (out == NULL) {
        perror(argv[2]);
        return 1;
    }
    fputs("arm,time,status\n", out);
    for (i = 0; i < n; i++) {
        int g = (int)(gen_next(&state) % 3);
        /* Censoring at 3/7 of the event rate: P(censored) = 0.3. */
        double ev = ceil(-log(gen_uniform(&state)) * mean[g]);
        double ce = ceil(-log(gen_uniform(&state)) * mean[g] * 7.0 / 3.0);

        fprintf(out, "%c,%.0f,%d\n", arm[g], ev <= ce ? ev : ce,
                ev <= ce ? 1 : 0);
    }
    if (out != stdout ? fclose(out) != 0 : fflush(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
