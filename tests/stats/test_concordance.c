/*
** test_concordance.c -- onc_concordance_compute against R survival 3.5-3
** concordance() / concordancefit() (timewt = "n"): pair counts, C and its
** variance, with tied predictors and times, weights, strata, clusters,
** start-stop data, reverse, and near-equal times merged by timefix.
**
** Reference: tests/golden/stats/cox_concordance.R, plus a brute-force count
** over all pairs written out below for a small data set.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/cox.h"

static const char *const cases[] = {
    "lung_age", "lung_ecog_rev", "gen_weighted", "gen_strata_cluster",
    "cp_weighted", "cp_strata", "timefix", "no_timefix", "lung_inst",
};

static const double *opt_get(golden *g, const char *c, const char *what,
                             size_t *n)
{
    char key[128];
    snprintf(key, sizeof key, "%s_%s", c, what);
    *n = 0;
    return golden_has(g, key) ? golden_get(g, key, n) : NULL;
}

static int32_t *to_int(const double *v, size_t n)
{
    int32_t *r;
    size_t i;
    if (v == NULL)
        return NULL;
    r = malloc(n * sizeof *r);
    for (i = 0; i < n; i++)
        r[i] = (int32_t)v[i];
    return r;
}

static void run_case(golden *g, const char *c)
{
    size_t n, m;
    const double *flags, *count, *result;
    int32_t *strata, *cluster;
    onc_concordance_data d;
    onc_concordance r;
    onc_error err;
    double got[7];
    size_t i;

    memset(&d, 0, sizeof d);
    d.stop = opt_get(g, c, "time", &n);
    d.n = n;
    d.status = opt_get(g, c, "status", &m);
    d.x = opt_get(g, c, "x", &m);
    d.start = opt_get(g, c, "start", &m);
    d.weights = opt_get(g, c, "weights", &m);
    strata = to_int(opt_get(g, c, "strata", &m), n);
    cluster = to_int(opt_get(g, c, "cluster", &m), n);
    d.strata = strata;
    d.cluster = cluster;
    flags = opt_get(g, c, "flags", &m);
    d.reverse = (int)flags[0];
    d.timefix = (int)flags[1];
    count = opt_get(g, c, "count", &m);
    result = opt_get(g, c, "result", &m);

    CHECK(onc_concordance_compute(&d, &r, &err) == ONC_OK);
    got[0] = r.concordant;
    got[1] = r.discordant;
    got[2] = r.tied_x;
    got[3] = r.tied_y;
    got[4] = r.tied_xy;
    got[5] = r.concordance;
    got[6] = r.var;
    for (i = 0; i < 5; i++) {
        char label[128];
        snprintf(label, sizeof label, "%s count[%zu]", c, i);
        harness_rel(got[i], count[i], 1e-12, label, __FILE__, __LINE__);
    }
    CHECK_REL(got[5], result[0], 1e-12);
    CHECK_REL(got[6], result[1], 1e-10);
    CHECK_REL(r.se, sqrt(result[1]), 1e-10);
    CHECK(r.n == n);
    free(strata);
    free(cluster);
}

/*
** Brute force over all pairs (the definition in cox.h) on a small data set
** with ties everywhere: 12 subjects, times 1..5, x in {0, 1, 2}.
*/
static void check_brute_force(void)
{
    static const double t[12] = {1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5};
    static const double s[12] = {1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0};
    static const double x[12] = {2, 1, 1, 0, 2, 1, 0, 0, 2, 1, 1, 0};
    static const double w[12] = {1, 2, 1, 1, 3, 1, 1, 2, 1, 1, 1, 2};
    double cnt[5] = {0, 0, 0, 0, 0};
    size_t i, j;
    onc_concordance_data d;
    onc_concordance r;
    onc_error err;

    for (i = 0; i < 12; i++) {
        if (s[i] != 1)
            continue;
        for (j = 0; j < 12; j++) {
            if (j == i)
                continue;
            if (t[j] > t[i] || (t[j] == t[i] && s[j] == 0)) {
                double ww = w[i] * w[j];
                if (x[j] > x[i])
                    cnt[0] += ww;
                else if (x[j] < x[i])
                    cnt[1] += ww;
                else
                    cnt[2] += ww;
            } else if (t[j] == t[i] && s[j] == 1 && j < i) {
                /* each tied event pair once */
                if (x[j] == x[i])
                    cnt[4] += w[i] * w[j];
                else
                    cnt[3] += w[i] * w[j];
            }
        }
    }
    memset(&d, 0, sizeof d);
    d.n = 12;
    d.stop = t;
    d.status = s;
    d.x = x;
    d.weights = w;
    CHECK(onc_concordance_compute(&d, &r, &err) == ONC_OK);
    CHECK_REL(r.concordant, cnt[0], 1e-15);
    CHECK_REL(r.discordant, cnt[1], 1e-15);
    CHECK_REL(r.tied_x, cnt[2], 1e-15);
    CHECK_REL(r.tied_y, cnt[3], 1e-15);
    CHECK_REL(r.tied_xy, cnt[4], 1e-15);
    CHECK_REL(r.concordance,
              (cnt[0] + cnt[2] / 2) / (cnt[0] + cnt[1] + cnt[2]), 1e-15);
    d.reverse = 1;
    CHECK(onc_concordance_compute(&d, &r, &err) == ONC_OK);
    CHECK_REL(r.concordant, cnt[1], 1e-15);
    CHECK_REL(r.concordance,
              (cnt[1] + cnt[2] / 2) / (cnt[0] + cnt[1] + cnt[2]), 1e-15);
}

static void check_errors(void)
{
    double t[3] = {1, 2, 3}, s[3] = {1, 0, 1}, x[3] = {0, NAN, 1};
    onc_concordance_data d;
    onc_concordance r;
    onc_error err;

    memset(&d, 0, sizeof d);
    d.n = 3;
    d.stop = t;
    d.status = s;
    d.x = x;
    CHECK(onc_concordance_compute(&d, &r, &err) == ONC_ERR_DATA);
    CHECK(err.row == 2);
    x[1] = 0.5;
    s[2] = 3;
    CHECK(onc_concordance_compute(&d, &r, &err) == ONC_ERR_DATA);
    CHECK(onc_concordance_compute(NULL, &r, &err) == ONC_ERR_USAGE);
    CHECK(onc_concordance_compute(&d, NULL, &err) == ONC_ERR_USAGE);
    /* no events: C undefined, not an error */
    s[0] = s[2] = 0;
    CHECK(onc_concordance_compute(&d, &r, &err) == ONC_OK);
    CHECK(isnan(r.concordance));
}

/*
** Large data from the formula of the R script (n = 100000, so the sweep
** runs as two halves): times with ties, x with 4000 subjects per
** value, weights, strata, clusters, start times.
*/
static void run_big(golden *g, const char *c, int weighted, int strata,
                    int counting)
{
    enum { NB = 100000 };
    double *t = malloc(NB * sizeof *t), *s = malloc(NB * sizeof *s);
    double *x = malloc(NB * sizeof *x), *w = malloc(NB * sizeof *w);
    double *st = malloc(NB * sizeof *st);
    int32_t *grp = malloc(NB * sizeof *grp), *id = malloc(NB * sizeof *id);
    const double *flags, *count, *result;
    onc_concordance_data d;
    onc_concordance r;
    onc_error err;
    size_t m;
    uint64_t i;

    for (i = 0; i < NB; i++) {
        t[i] = (double)((i * 7919) % 5000) / 10 + 1;
        s[i] = ((i * 31) % 7) < 4;
        x[i] = (double)((i * 104729) % 25) / 7;
        w[i] = 1 + (double)(i % 5) / 4;
        grp[i] = (int32_t)(i % 3);
        id[i] = (int32_t)(i % 1000);
        st[i] = t[i] * ((double)(i % 4) / 5);
    }
    memset(&d, 0, sizeof d);
    d.n = NB;
    d.stop = t;
    d.status = s;
    d.x = x;
    d.start = counting ? st : NULL;
    d.weights = weighted ? w : NULL;
    d.strata = strata ? grp : NULL;
    d.cluster = strata ? id : NULL;
    flags = opt_get(g, c, "flags", &m);
    count = opt_get(g, c, "count", &m);
    result = opt_get(g, c, "result", &m);
    if (flags != NULL && count != NULL && result != NULL) {
        d.reverse = (int)flags[0];
        d.timefix = (int)flags[1];
        CHECK(onc_concordance_compute(&d, &r, &err) == ONC_OK);
        CHECK_REL(r.concordant, count[0], 1e-12);
        CHECK_REL(r.discordant, count[1], 1e-12);
        CHECK_REL(r.tied_x, count[2], 1e-12);
        CHECK_REL(r.tied_y, count[3], 1e-12);
        CHECK_REL(r.tied_xy, count[4], 1e-12);
        CHECK_REL(r.concordance, result[0], 1e-12);
        CHECK_REL(r.var, result[1], 1e-10);
    } else {
        CHECK(!"golden entries of the large case");
    }
    free(t);
    free(s);
    free(x);
    free(w);
    free(st);
    free(grp);
    free(id);
}

int main(void)
{
    golden *g;
    size_t i;

    harness_set_name("test_concordance");
    g = golden_load("tests/golden/stats/cox_concordance.txt");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(g, cases[i]);
    run_big(g, "big_plain", 0, 0, 0);
    run_big(g, "big_weighted_strata", 1, 1, 0);
    run_big(g, "big_counting", 1, 0, 1);
    check_brute_force();
    check_errors();
    golden_free(g);
    return harness_finish();
}
