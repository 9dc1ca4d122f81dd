/*
** cox_gen.c -- write a synthetic survival CSV with five covariates for the
** Cox model benchmark (bench/cox.sh).
**
**   cox_gen N OUT      N rows to OUT ("-" for standard output)
**
** Columns: time (days, two decimals), status (1 = event, 0 = censored),
** x1, x2, x3 (standard normal, four decimals), treat (0/1, 40 % treated),
** age (whole years, 20-80).  Log hazard ratios 0.5, -0.3, 0.2, -0.7, 0.02;
** exponential event times, independent exponential censoring (about 40 %
** censored); times rounded up to 1/100 so that there are ties, about 10^4
** distinct times at 10^7 rows.  splitmix64 with a fixed seed: the same
** file for a given N on every machine.
**
** Build: cc -O2 -std=c11 bench/cox_gen.c -o cox_gen -lm
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Standard normal (Box-Muller), rounded to four decimals as written. */
static double gen_normal(uint64_t *state)
{
    double u = gen_uniform(state), v = gen_uniform(state);
    return round(1e4 * sqrt(-2 * log(u)) * cos(6.283185307179586 * v)) / 1e4;
}

int main(int argc, char **argv)
{
    static const double beta[5] = {0.5, -0.3, 0.2, -0.7, 0.02};
    uint64_t state = 20241122;
    unsigned long long n, i;
    FILE *out;
    char *end;

    if (argc != 3 || (n = strtoull(argv[1], &end, 10)) == 0 || *end != '\0') {
        fprintf(stderr, "usage: cox_gen N OUT\n");
        return 2;
    }
    out = strcmp(argv[2], "-") == 0 ? stdout : fopen(argv[2], "w");
    if (out == NULL) {
        perror(argv[2]);
        return 1;
    }
    fputs("time,status,x1,x2,x3,treat,age\n", out);
    for (i = 0; i < n; i++) {
        double x[5], lp = 0, ev, ce, t;
        int j;
        x[0] = gen_normal(&state);
        x[1] = gen_normal(&state);
        x[2] = gen_normal(&state);
        x[3] = gen_uniform(&state) < 0.4;
        x[4] = floor(20 + 61 * gen_uniform(&state));
        for (j = 0; j < 5; j++)
            lp += beta[j] * x[j];
        ev = -log(gen_uniform(&state)) / (0.1 * exp(lp - 1.0));
        ce = -log(gen_uniform(&state)) / 0.05;
        t = ceil(100 * (ev <= ce ? ev : ce)) / 100;
        fprintf(out, "%.2f,%d,%.4f,%.4f,%.4f,%.0f,%.0f\n", t, ev <= ce ? 1 : 0,
                x[0], x[1], x[2], x[3], x[4]);
    }
    if (out != stdout ? fclose(out) != 0 : fflush(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
