/*
** test_tally.c -- Kaplan-Meier curves and log-rank sums computed by
** tallying the observations by (time, cell) instead of sorting them, the
** path onc_km_fit_groups and onc_logrank_test take for large data with few
** distinct times.
**
** Reference: R survival 3.5-3 through the golden files of test_km.c and
** test_logrank.c (km_curves.txt, km_logrank.txt).  Each data set is
** repeated r times so that it is large enough for the tally; repeating
** every observation r times multiplies the numbers at risk, the events and
** observed and expected counts by r and leaves the survival curve and the
** cumulative hazard unchanged (d r / (n r) = d / n in exact arithmetic,
** and in floating point too for whole counts).  The tallied results are
** also compared with the sorted path on the same data (the robust
** variance always sorts), including data with too many distinct times,
** where the tally gives up.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/km.h"
#include "oncostat/logrank.h"
#include "stats/tally.h"

#define TARGET_N 70000

typedef struct data {
    size_t n, r, n_groups, n_strata;
    double *time, *status, *entry, *weight;
    int32_t *group, *stratum;
} data;

static const double *gget(golden *g, const char *name, const char *what,
                          size_t *n)
{
    char key[200];

    snprintf(key, sizeof key, "%s.%s", name, what);
    if (!golden_has(g, key)) {
        *n = 0;
        return NULL;
    }
    return golden_get(g, key, n);
}

/* The case `name`, each observation repeated until there are TARGET_N. */
static int load(golden *g, const char *name, data *d)
{
    size_t n, tmp, i, k;
    const double *time = gget(g, name, "time", &n);
    const double *status = gget(g, name, "status", &tmp);
    const double *group = gget(g, name, "group", &tmp);
    const double *ng = gget(g, name, "ngroups", &tmp);
    const double *entry = gget(g, name, "entry", &tmp);
    const double *weight = gget(g, name, "weight", &tmp);
    const double *stratum = gget(g, name, "stratum", &tmp);
    const double *ns = gget(g, name, "nstrata", &tmp);

    memset(d, 0, sizeof *d);
    if (time == NULL || n == 0)
        return -1;
    d->r = (TARGET_N + n - 1) / n;
    d->n = n * d->r;
    d->n_groups = (size_t)ng[0];
    d->n_strata = ns != NULL ? (size_t)ns[0] : 0;
    d->time = malloc(d->n * sizeof *d->time);
    d->status = malloc(d->n * sizeof *d->status);
    d->group = malloc(d->n * sizeof *d->group);
    d->entry = entry ? malloc(d->n * sizeof *d->entry) : NULL;
    d->weight = weight ? malloc(d->n * sizeof *d->weight) : NULL;
    d->stratum = stratum ? malloc(d->n * sizeof *d->stratum) : NULL;
    for (k = 0; k < d->r; k++)
        for (i = 0; i < n; i++) {
            size_t j = k * n + i;
            d->time[j] = time[i];
            d->status[j] = status[i];
            d->group[j] = (int32_t)group[i];
            if (entry)
                d->entry[j] = entry[i];
            if (weight)
                d->weight[j] = weight[i];
            if (stratum)
                d->stratum[j] = (int32_t)stratum[i];
        }
    return 0;
}

static void release(data *d)
{
    free(d->time);
    free(d->status);
    free(d->group);
    free(d->entry);
    free(d->weight);
    free(d->stratum);
}

/* want[i] * scale against got[i]. */
static void check_scaled(const char *what, const double *got, size_t n_got,
                         size_t stride, const double *want, size_t n_want,
                         double scale, double tol)
{
    char label[300];
    size_t i;

    snprintf(label, sizeof label, "%s: length %zu vs %zu", what, n_got, n_want);
    harness_check(n_got == n_want, label, __FILE__, __LINE__);
    for (i = 0; i < n_got && i < n_want; i++) {
        double g;
        memcpy(&g, (const char *)got + i * stride, sizeof g);
        snprintf(label, sizeof label, "%s[%zu]", what, i);
        harness_rel(g, want[i] * scale, tol, label, __FILE__, __LINE__);
    }
}

#define ROWS(field) (&c->rows[0].field), c->n_rows, sizeof(onc_km_row)

static void km_case(golden *g, const char *name, double tol)
{
    onc_km_fit *fit = NULL, *sorted = NULL;
    onc_km_options opt;
    onc_error err;
    data d;
    size_t k, i;

    if (load(g, name, &d) != 0) {
        harness_check(0, name, __FILE__, __LINE__);
        return;
    }
    CHECK(onc_tally_limit(d.n) > 0);
    onc_km_options_init(&opt);
    CHECK(onc_km_fit_groups(d.n, d.time, d.entry, d.status, d.weight, d.group,
                            d.n_groups, &opt, &fit, &err) == ONC_OK);
    /* The robust variance takes the sorted path. */
    opt.variance = ONC_KM_VARIANCE_ROBUST;
    CHECK(onc_km_fit_groups(d.n, d.time, d.entry, d.status, d.weight, d.group,
                            d.n_groups, &opt, &sorted, &err) == ONC_OK);
    for (k = 0; fit != NULL && sorted != NULL && k < d.n_groups; k++) {
        const onc_km_curve *c = &fit->curves[k], *s = &sorted->curves[k];
        char what[200];
        size_t nw;
        const double *want;

#define GOLD(col, scale)                                                    \
    do {                                                                    \
        snprintf(what, sizeof what, "%s.g%zu.%s", name, k, #col);           \
        want = golden_get(g, what, &nw);                                    \
        if (want != NULL)                                                   \
            check_scaled(what, ROWS(col), want, nw, scale, tol);            \
    } while (0)
        GOLD(time, 1.0);
        GOLD(n_risk, (double)d.r);
        GOLD(n_event, (double)d.r);
        GOLD(n_censor, (double)d.r);
        GOLD(surv, 1.0);
        GOLD(cumhaz, 1.0);
#undef GOLD
        CHECK(c->n == s->n && c->n_rows == s->n_rows);
        for (i = 0; i < c->n_rows && i < s->n_rows; i++) {
            CHECK(c->rows[i].time == s->rows[i].time);
            CHECK_REL(c->rows[i].n_risk, s->rows[i].n_risk, tol);
            CHECK_REL(c->rows[i].surv, s->rows[i].surv, tol);
        }
    }
    onc_km_fit_free(fit);
    onc_km_fit_free(sorted);
    release(&d);
}

static void logrank_case(golden *g, const char *name, const char *test,
                         int stratified, double tol)
{
    onc_logrank_options opt;
    onc_logrank_result *res = NULL;
    onc_error err;
    char what[200];
    const double *want;
    size_t nw;
    data d;

    if (load(g, name, &d) != 0) {
        harness_check(0, name, __FILE__, __LINE__);
        return;
    }
    onc_logrank_options_init(&opt);
    if (strcmp(test, "fh10") == 0) {
        opt.weight = ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON;
        opt.rho = 1.0;
    }
    CHECK(onc_logrank_test(d.n, d.time, d.status, d.weight, d.group,
                           d.n_groups, stratified ? d.stratum : NULL,
                           d.n_strata, &opt, &res, &err) == ONC_OK);
    if (res != NULL) {
        snprintf(what, sizeof what, "%s.%s%s.obs", name,
                 stratified ? "strata." : "", test);
        want = golden_get(g, what, &nw);
        if (want != NULL)
            check_scaled(what, res->observed, res->n_groups, sizeof(double),
                         want, nw, (double)d.r, tol);
        snprintf(what, sizeof what, "%s.%s%s.exp", name,
                 stratified ? "strata." : "", test);
        want = golden_get(g, what, &nw);
        if (want != NULL)
            check_scaled(what, res->expected, res->n_groups, sizeof(double),
                         want, nw, (double)d.r, tol);
        if (stratified) {
            snprintf(what, sizeof what, "%s.strata.%s.exp_strata", name, test);
            want = golden_get(g, what, &nw);
            if (want != NULL)
                check_scaled(what, res->expected_strata,
                             res->n_groups * res->n_strata, sizeof(double),
                             want, nw, (double)d.r, tol);
        }
    }
    onc_logrank_free(res);
    release(&d);
}

/* Continuous times: more distinct times than the tally accepts, so the
** sort runs after all; the results must not show the abandoned tally. */
static void fallback_case(void)
{
    size_t n = TARGET_N, i;
    double *time = malloc(n * sizeof *time), *status = malloc(n * sizeof *status);
    int32_t *group = malloc(n * sizeof *group);
    onc_km_options opt;
    onc_km_fit *a = NULL, *b = NULL;
    onc_logrank_result *lr = NULL;
    onc_error err;
    double s = 1.0;

    for (i = 0; i < n; i++) {
        time[i] = (double)((i * 7919) % n) + 0.25;
        status[i] = (double)(i % 3 != 0);
        group[i] = (int32_t)(i % 2);
    }
    onc_km_options_init(&opt);
    CHECK(onc_km_fit_groups(n, time, NULL, status, NULL, group, 2, &opt, &a,
                            &err) == ONC_OK);
    opt.variance = ONC_KM_VARIANCE_ROBUST;
    CHECK(onc_km_fit_groups(n, time, NULL, status, NULL, group, 2, &opt, &b,
                            &err) == ONC_OK);
    if (a != NULL && b != NULL) {
        /* Every time distinct: n/2 rows per group, S the product of
        ** (n_j - d_j) / n_j with n_j = n/2 - j. */
        CHECK(a->curves[0].n_rows == n / 2 && a->curves[1].n_rows == n / 2);
        for (i = 0; i < a->curves[0].n_rows; i++) {
            const onc_km_row *r = &a->curves[0].rows[i];
            CHECK(r->n_risk == (double)(n / 2 - i));
            s *= (r->n_risk - r->n_event) / r->n_risk;
            if (i % 997 == 0)
                CHECK_REL(r->surv, s, 1e-12);
            CHECK(r->surv == b->curves[0].rows[i].surv);
        }
    }
    CHECK(onc_logrank_test(n, time, status, NULL, group, 2, NULL, 0, NULL, &lr,
                           &err) == ONC_OK);
    if (lr != NULL)
        CHECK(lr->observed[0] + lr->observed[1] ==
              (double)(n - (n + 2) / 3));
    onc_logrank_free(lr);
    onc_km_fit_free(a);
    onc_km_fit_free(b);
    free(time);
    free(status);
    free(group);
}

/* The table itself: entries summed, sorted by (key, cell), limit obeyed. */
static void table_case(void)
{
    onc_tally t;
    size_t i;

    CHECK(onc_tally_limit(1000) == 0);
    CHECK(onc_tally_limit(65536) == 4096);
    CHECK(onc_tally_limit((size_t)1 << 30) == (size_t)1 << 18);
    onc_tally_init(&t, 3000);
    for (i = 0; i < 20000; i++)
        CHECK(onc_tally_add(&t, (uint64_t)(2000 - i % 1000), (uint32_t)(i % 3),
                            1.0, 0.5) == 0);
    CHECK(t.n == 3000);
    CHECK(onc_tally_add(&t, 99999, 0, 1.0, 0.0) == 1);
    onc_tally_free(&t);
    onc_tally_init(&t, 3000);
    for (i = 0; i < 20000; i++)
        CHECK(onc_tally_add(&t, (uint64_t)(2000 - i % 1000),
                            (uint32_t)(i / 1000 % 2), (double)(i / 1000 % 2),
                            1.0) == 0);
    onc_tally_finish(&t);
    CHECK(t.n == 2000);
    for (i = 0; i < t.n; i++) {
        const onc_tally_entry *e = &t.entries[i];
        CHECK(e->key == 1001 + i / 2 && e->cell == i % 2);
        CHECK(e->censor == 10.0 && e->event == (double)(10 * (i % 2)));
    }
    onc_tally_free(&t);
    onc_tally_free(&t);
}

int main(void)
{
    golden *curves = golden_load("tests/golden/stats/km_curves.txt");
    golden *logrank = golden_load("tests/golden/stats/km_logrank.txt");

    harness_set_name("test_tally");
    km_case(curves, "lung_sex", 1e-13);
    km_case(curves, "ties", 1e-13);
    km_case(curves, "entry", 1e-13);
    /* Weights: sums of 3-decimal weights in another order. */
    km_case(curves, "weights", 1e-11);
    logrank_case(logrank, "lung_sex", "fh00", 0, 1e-12);
    logrank_case(logrank, "lung_sex", "fh10", 0, 1e-12);
    logrank_case(logrank, "ties", "fh00", 0, 1e-12);
    logrank_case(logrank, "veteran_trt", "fh00", 1, 1e-12);
    fallback_case();
    table_case();
    golden_free(curves);
    golden_free(logrank);
    return harness_finish();
}
