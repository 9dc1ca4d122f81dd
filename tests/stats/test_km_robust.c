/*
** test_km_robust.c -- the infinitesimal-jackknife (robust) variance of
** Kaplan-Meier curves and Nelson-Aalen hazards.
**
** Reference: R survival 3.5-3 survfit(..., id = , robust = TRUE),
** tests/golden/stats/km_robust.R writing km_robust.txt: individual and
** grouped clusters, non-integer and zero weights, ties, delayed entry,
** counting-process data split at mid-follow-up, a curve that drops to 0.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/km.h"

#define GOLDEN "tests/golden/stats/km_robust.txt"
#define TOL 1e-10

static golden *G;

static const char *const cases[] = {"lung_w",     "lung_unw",  "lung_inst",
                                    "lung_entry", "lung_split", "ties_zero",
                                    "entry_clusters"};

static const double *gget(const char *name, const char *what, size_t *n)
{
    char key[200];

    snprintf(key, sizeof key, "%s.%s", name, what);
    if (!golden_has(G, key)) {
        *n = 0;
        return NULL;
    }
    return golden_get(G, key, n);
}

static int32_t *codes(const double *v, size_t n)
{
    int32_t *c = calloc(n ? n : 1, sizeof *c);
    size_t i;

    for (i = 0; i < n; i++)
        c[i] = (int32_t)v[i];
    return c;
}

/* One column of the rows against its golden vector. */
static void check_column(const char *name, size_t g, const char *col,
                         const onc_km_curve *c, size_t offset)
{
    char key[200], label[260];
    const double *want;
    size_t nw, i;

    snprintf(key, sizeof key, "g%zu.%s", g, col);
    want = gget(name, key, &nw);
    snprintf(label, sizeof label, "%s.%s: rows", name, key);
    harness_check(want != NULL && nw == c->n_rows, label, __FILE__, __LINE__);
    if (want == NULL)
        return;
    for (i = 0; i < nw && i < c->n_rows; i++) {
        double got;

        memcpy(&got, (const char *)&c->rows[i] + offset, sizeof got);
        snprintf(label, sizeof label, "%s.%s[%zu]", name, key, i);
        /* A zero SE in R is the round-off of cancelling influences. */
        if (want[i] == 0.0 || fabs(want[i]) < 1e-14)
            harness_close(got, want[i], 1e-13, label, __FILE__, __LINE__);
        else
            harness_rel(got, want[i], TOL, label, __FILE__, __LINE__);
    }
}

static void check_case(const char *name)
{
    size_t n, k, nc = 0, tmp, g, t;
    const double *time = gget(name, "time", &n);
    const double *status = gget(name, "status", &tmp);
    const double *group = gget(name, "group", &tmp);
    const double *ngroups = gget(name, "ngroups", &tmp);
    const double *entry = gget(name, "entry", &tmp);
    const double *weight = gget(name, "weight", &tmp);
    const double *cluster = gget(name, "cluster", &nc);
    const double *nclusters = gget(name, "nclusters", &tmp);
    int32_t *gc = codes(group, n), *cc = cluster ? codes(cluster, n) : NULL;
    static const struct {
        onc_conf_type type;
        const char *lower, *upper;
    } types[] = {{ONC_CONF_LOG, "lower", "upper"},
                 {ONC_CONF_LOGLOG, "lower.loglog", "upper.loglog"}};

    k = (size_t)ngroups[0];
    for (t = 0; t < 2; t++) {
        onc_km_options opt;
        onc_km_fit *fit = NULL;
        onc_error err;
        char label[1300];
        onc_status rc;

        onc_km_options_init(&opt);
        opt.conf_type = types[t].type;
        opt.variance = ONC_KM_VARIANCE_ROBUST;
        opt.cluster = cc;
        opt.n_clusters = cc ? (size_t)nclusters[0] : 0;
        rc = onc_km_fit_groups(n, time, entry, status, weight, gc, k, &opt,
                               &fit, &err);
        snprintf(label, sizeof label, "%s: fit (%s)", name,
                 rc == ONC_OK ? "ok" : err.message);
        harness_check(rc == ONC_OK, label, __FILE__, __LINE__);
        if (rc != ONC_OK)
            continue;
        CHECK(fit->variance == ONC_KM_VARIANCE_ROBUST);
        CHECK(fit->n_clusters == (cc ? (size_t)nclusters[0] : n));
        for (g = 0; g < k; g++) {
            const onc_km_curve *c = &fit->curves[g];
            if (t == 0) {
                check_column(name, g, "time", c, offsetof(onc_km_row, time));
                check_column(name, g, "n_risk", c,
                             offsetof(onc_km_row, n_risk));
                check_column(name, g, "surv", c, offsetof(onc_km_row, surv));
                check_column(name, g, "std_err", c,
                             offsetof(onc_km_row, std_err));
                check_column(name, g, "cumhaz_se", c,
                             offsetof(onc_km_row, cumhaz_se));
            }
            check_column(name, g, types[t].lower, c,
                         offsetof(onc_km_row, lower));
            check_column(name, g, types[t].upper, c,
                         offsetof(onc_km_row, upper));
        }
        onc_km_fit_free(fit);
    }
    free(gc);
    free(cc);
}

/* The robust variance must leave the estimates alone and reject bad
** cluster codes with the observation named. */
static void check_contract(void)
{
    static const double time[] = {1, 2, 3, 4, 5};
    static const double status[] = {1, 0, 1, 1, 0};
    static const int32_t cluster[] = {0, 1, 1, 2, 3};
    static const int32_t bad[] = {0, 1, 4, 2, 3};
    onc_km_options opt;
    onc_km_fit *plain = NULL, *robust = NULL;
    onc_error err;
    size_t i;

    onc_km_options_init(&opt);
    CHECK(opt.variance == ONC_KM_VARIANCE_GREENWOOD);
    CHECK(onc_km_fit_groups(5, time, NULL, status, NULL, NULL, 1, &opt, &plain,
                            &err) == ONC_OK);
    opt.variance = ONC_KM_VARIANCE_ROBUST;
    opt.cluster = cluster;
    opt.n_clusters = 4;
    CHECK(onc_km_fit_groups(5, time, NULL, status, NULL, NULL, 1, &opt,
                            &robust, &err) == ONC_OK);
    if (plain != NULL && robust != NULL) {
        CHECK(plain->curves[0].n_rows == robust->curves[0].n_rows);
        for (i = 0; i < plain->curves[0].n_rows; i++) {
            CHECK(plain->curves[0].rows[i].surv ==
                  robust->curves[0].rows[i].surv);
            CHECK(plain->curves[0].rows[i].cumhaz ==
                  robust->curves[0].rows[i].cumhaz);
        }
    }
    onc_km_fit_free(plain);
    onc_km_fit_free(robust);
    robust = NULL;
    opt.cluster = bad;
    CHECK(onc_km_fit_groups(5, time, NULL, status, NULL, NULL, 1, &opt,
                            &robust, &err) == ONC_ERR_DATA);
    CHECK(robust == NULL);
    CHECK(err.row == 3);
    CHECK(strstr(err.message, "cluster") != NULL);
    opt.cluster = cluster;
    opt.n_clusters = 0;
    CHECK(onc_km_fit_groups(5, time, NULL, status, NULL, NULL, 1, &opt,
                            &robust, &err) == ONC_ERR_USAGE);
    opt.variance = (onc_km_variance)7;
    CHECK(onc_km_fit_groups(5, time, NULL, status, NULL, NULL, 1, &opt,
                            &robust, &err) == ONC_ERR_USAGE);
}

int main(void)
{
    size_t i, n;
    const double *count;

    harness_set_name("test_km_robust");
    G = golden_load(GOLDEN);
    count = golden_get(G, "cases", &n);
    CHECK(n == 1 && (size_t)count[0] == sizeof cases / sizeof cases[0]);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(cases[i]);
    check_contract();
    golden_free(G);
    return harness_finish();
}
