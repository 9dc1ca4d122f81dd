/*
** test_km.c -- Kaplan-Meier tables, Nelson-Aalen, quantiles with CIs,
** survival at chosen times and the SPSS-style median.
**
** Reference: R survival 3.5-3, tests/golden/stats/km_curves.R writing
** km_curves.txt (survfit, summary.survfit, quantile.survfit and the
** appendix function of the median-CI research note).  Hand calculations
** are shown beside the cases that use them.
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/km.h"
#include "stats/sort.h"

#define GOLDEN "tests/golden/stats/km_curves.txt"
#define TOL 1e-8

static golden *G;

typedef struct km_case {
    const char *name;
    int spss;   /* the golden file has the SPSS-like median */
} km_case;

/* Every data set of km_data.R. */
static const km_case cases[] = {
    {"lung_sex", 1},  {"lung_all", 1},        {"veteran_trt", 1},
    {"ovarian_rx", 1}, {"aml_x", 1},          {"freireich", 1},
    {"ties", 1},      {"heavy_censoring", 1}, {"weights", 0},
    {"entry", 0},     {"one_event", 1},       {"no_event", 1},
    {"flat_end", 1},  {"midpoint", 1},        {"all_die", 1},
};

static const struct {
    const char *suffix;
    onc_conf_type type;
} conf_types[] = {
    {"log", ONC_CONF_LOG}, {"loglog", ONC_CONF_LOGLOG}, {"plain", ONC_CONF_PLAIN}};

static const double *gget(size_t *n, const char *fmt, const char *a,
                          long g, const char *b)
{
    char key[256];

    if (g >= 0)
        snprintf(key, sizeof key, fmt, a, g, b);
    else
        snprintf(key, sizeof key, fmt, a, b);
    return golden_get(G, key, n);
}

static int ghas(const char *fmt, const char *a, long g, const char *b)
{
    char key[256];

    if (g >= 0)
        snprintf(key, sizeof key, fmt, a, g, b);
    else
        snprintf(key, sizeof key, fmt, a, b);
    return golden_has(G, key);
}

/* Compare got[0..n) with the golden vector, naming the key on failure. */
static void check_values(const char *what, const double *got, size_t n_got,
                         const double *want, size_t n_want)
{
    char label[400];
    size_t i;

    snprintf(label, sizeof label, "%s: length", what);
    harness_check(n_got == n_want, label, __FILE__, __LINE__);
    for (i = 0; i < n_got && i < n_want; i++) {
        snprintf(label, sizeof label, "%s[%zu]", what, i);
        harness_rel(got[i], want[i], TOL, label, __FILE__, __LINE__);
    }
}

/* Column `offset` (a double member) of n structs of size `size`. */
static double *column(const void *base, size_t n, size_t size, size_t offset)
{
    double *v = calloc(n ? n : 1, sizeof *v);
    size_t i;

    for (i = 0; i < n; i++)
        memcpy(&v[i], (const char *)base + i * size + offset, sizeof v[i]);
    return v;
}

static void check_column(const char *name, long g, const char *suffix,
                         const void *base, size_t n, size_t size,
                         size_t offset)
{
    size_t nw;
    const double *want = gget(&nw, "%s.g%ld.%s", name, g, suffix);
    double *got = column(base, n, size, offset);
    char what[200];

    snprintf(what, sizeof what, "%s.g%ld.%s", name, g, suffix);
    if (want != NULL)
        check_values(what, got, n, want, nw);
    free(got);
}

#define ROWCOL(field, suffix)                                                  \
    check_column(name, (long)g, suffix, c->rows, c->n_rows, sizeof(onc_km_row),      \
                 offsetof(onc_km_row, field))

static void check_case(const km_case *kc)
{
    const char *name = kc->name;
    size_t n, ng, n_times, n_tmp, t;
    const double *time = gget(&n, "%s.%s", name, -1, "time");
    const double *status = gget(&n_tmp, "%s.%s", name, -1, "status");
    const double *gcode = gget(&n_tmp, "%s.%s", name, -1, "group");
    const double *ngroups = gget(&n_tmp, "%s.%s", name, -1, "ngroups");
    const double *times = gget(&n_times, "%s.%s", name, -1, "times");
    const double *entry = NULL, *weight = NULL;
    int32_t *group;
    size_t i, ct;

    if (time == NULL || status == NULL || gcode == NULL || ngroups == NULL)
        return;
    if (ghas("%s.%s", name, -1, "entry"))
        entry = gget(&n_tmp, "%s.%s", name, -1, "entry");
    if (ghas("%s.%s", name, -1, "weight"))
        weight = gget(&n_tmp, "%s.%s", name, -1, "weight");
    ng = (size_t)ngroups[0];
    group = malloc(n * sizeof *group);
    for (i = 0; i < n; i++)
        group[i] = (int32_t)gcode[i];

    for (ct = 0; ct < sizeof conf_types / sizeof conf_types[0]; ct++) {
        const char *cs = conf_types[ct].suffix;
        onc_km_options opt;
        onc_km_fit *fit = NULL;
        onc_error err;
        onc_status st;
        size_t g;

        onc_km_options_init(&opt);
        opt.conf_type = conf_types[ct].type;
        opt.times = times;
        opt.n_times = n_times;
        opt.median_ci_spss = 1;
        st = onc_km_fit_groups(n, time, entry, status, weight, group, ng, &opt,
                               &fit, &err);
        CHECK(st == ONC_OK);
        if (st != ONC_OK) {
            fprintf(stderr, "%s: %s\n", name, err.message);
            continue;
        }
        CHECK(fit->n_groups == ng);
        for (g = 0; g < ng; g++) {
            const onc_km_curve *c = &fit->curves[g];
            char key[64], what[300];
            const double *want;
            size_t nw;
            double got[4];

            if (ct == 0) {
                want = gget(&nw, "%s.g%ld.%s", name, (long)g, "n");
                if (want != NULL)
                    CHECK(c->n == (size_t)want[0]);
                want = gget(&nw, "%s.g%ld.%s", name, (long)g, "events");
                if (want != NULL)
                    CHECK_REL(c->events, want[0], TOL);
                ROWCOL(time, "time");
                ROWCOL(n_risk, "n_risk");
                ROWCOL(n_event, "n_event");
                ROWCOL(n_censor, "n_censor");
                ROWCOL(surv, "surv");
                ROWCOL(std_err_log, "std_err_log");
                ROWCOL(std_err, "std_err");
                ROWCOL(cumhaz, "cumhaz");
                ROWCOL(cumhaz_se, "cumhaz_se");
                /* print.survfit agrees with quantile.survfit except when
                ** the curve ends flat at 0.5 (test_print_vs_quantile). */
                want = gget(&nw, "%s.g%ld.%s", name, (long)g, "print_median");
                if (want != NULL && strcmp(name, "flat_end") != 0)
                    CHECK_REL(c->median.estimate, want[0], TOL);
                if (kc->spss) {
                    want = gget(&nw, "%s.g%ld.%s", name, (long)g, "spss");
                    got[0] = c->median_spss.estimate;
                    got[1] = c->median_spss.se;
                    got[2] = c->median_spss.lower;
                    got[3] = c->median_spss.upper;
                    snprintf(what, sizeof what, "%s.g%zu.spss", name, g);
                    /* spss_like() returns a single NA when the median is
                    ** not reached. */
                    if (want != NULL && nw == 1)
                        CHECK(isnan(got[0]) && isnan(got[1]) &&
                              isnan(got[2]) && isnan(got[3]));
                    else if (want != NULL)
                        check_values(what, got, 4, want, nw);
                }
            }
            snprintf(key, sizeof key, "lower_%s", cs);
            ROWCOL(lower, key);
            snprintf(key, sizeof key, "upper_%s", cs);
            ROWCOL(upper, key);

            CHECK(c->n_quantiles == 3);
            snprintf(key, sizeof key, "q_%s", cs);
            check_column(name, (long)g, key, c->quantiles, c->n_quantiles,
                         sizeof(onc_km_quantile),
                         offsetof(onc_km_quantile, estimate));
            snprintf(key, sizeof key, "q_lower_%s", cs);
            check_column(name, (long)g, key, c->quantiles, c->n_quantiles,
                         sizeof(onc_km_quantile),
                         offsetof(onc_km_quantile, lower));
            snprintf(key, sizeof key, "q_upper_%s", cs);
            check_column(name, (long)g, key, c->quantiles, c->n_quantiles,
                         sizeof(onc_km_quantile),
                         offsetof(onc_km_quantile, upper));
            snprintf(key, sizeof key, "median_%s", cs);
            want = gget(&nw, "%s.g%ld.%s", name, (long)g, key);
            got[0] = c->median.estimate;
            got[1] = c->median.lower;
            got[2] = c->median.upper;
            snprintf(what, sizeof what, "%s.g%zu.%s", name, g, key);
            if (want != NULL)
                check_values(what, got, 3, want, nw);

            /* summary(fit, times =) returns the in-range times in order. */
            {
                static const struct {
                    const char *suffix;
                    size_t offset;
                } at_cols[] = {
                    {"n_risk", offsetof(onc_km_at_time, n_risk)},
                    {"surv", offsetof(onc_km_at_time, surv)},
                    {"std_err", offsetof(onc_km_at_time, std_err)},
                    {"lower", offsetof(onc_km_at_time, lower)},
                    {"upper", offsetof(onc_km_at_time, upper)},
                    {"cumhaz", offsetof(onc_km_at_time, cumhaz)},
                    {"n_event_cum", offsetof(onc_km_at_time, n_event_cum)},
                };
                onc_km_at_time *in = calloc(c->n_times + 1, sizeof *in);
                size_t n_in = 0, k;

                CHECK(c->n_times == n_times);
                for (t = 0; t < c->n_times; t++) {
                    if (c->at_times[t].in_range)
                        in[n_in++] = c->at_times[t];
                    else
                        CHECK(isnan(c->at_times[t].surv) &&
                              c->at_times[t].n_risk == 0.0);
                }
                snprintf(key, sizeof key, "at_%s.time", cs);
                check_column(name, (long)g, key, in, n_in,
                             sizeof(onc_km_at_time),
                             offsetof(onc_km_at_time, time));
                for (k = 0; k < sizeof at_cols / sizeof at_cols[0]; k++) {
                    snprintf(key, sizeof key, "at_%s.%s", cs, at_cols[k].suffix);
                    check_column(name, (long)g, key, in, n_in,
                                 sizeof(onc_km_at_time), at_cols[k].offset);
                }
                free(in);
            }
        }
        onc_km_fit_free(fit);
    }
    free(group);
}

/*
** R is not self-consistent where the curve ends flat at exactly 0.5:
** print.survfit reports the left end of the flat stretch (2), and
** quantile.survfit the midpoint with the last time ((2 + 4) / 2 = 3).
** oncostat follows quantile.survfit.
*/
static void test_print_vs_quantile(void)
{
    static const double time[] = {1, 2, 3, 4}, status[] = {1, 1, 0, 0};
    size_t n;
    const double *print_median = golden_get(G, "flat_end.g0.print_median", &n);
    onc_km_fit *fit = NULL;

    CHECK(onc_km_fit_groups(4, time, NULL, status, NULL, NULL, 1, NULL, &fit,
                            NULL) == ONC_OK);
    if (fit == NULL || print_median == NULL)
        return;
    CHECK_REL(print_median[0], 2.0, 0);
    CHECK_REL(fit->curves[0].median.estimate, 3.0, 0);
    onc_km_fit_free(fit);
}

/*
** SPSS-style median by hand: nine subjects, events at 1..9, no censoring.
** S(t_i) = 1 - i/9.  Median = 5 (first S <= 0.5: S(5) = 4/9).
** Greenwood sum at 5 = sum_{m=5}^{9} 1/(m(m-1)) = 1/4 - 1/9 = 5/36, so
** SE(S) = (4/9) sqrt(5/36).  Bracket: u = 4 (last S >= 0.55: 5/9),
** l = 5 (first S <= 0.45: 4/9), density (5/9 - 4/9)/(5 - 4) = 1/9.
** SE(median) = 9 (4/9) sqrt(5/36) = (2/3) sqrt(5) = 1.4907119849998598;
** CI = 5 -+ 1.959964 x 1.490712 = (2.0782, 7.9218).
*/
static void test_spss_hand(void)
{
    double time[9], status[9];
    size_t i, n;
    onc_km_options opt;
    onc_km_fit *fit = NULL;
    const double *z = golden_get(G, "qnorm975", &n);
    double se = 2.0 / 3.0 * sqrt(5.0);

    for (i = 0; i < 9; i++) {
        time[i] = (double)(i + 1);
        status[i] = 1;
    }
    onc_km_options_init(&opt);
    opt.median_ci_spss = 1;
    CHECK(onc_km_fit_groups(9, time, NULL, status, NULL, NULL, 1, &opt, &fit,
                            NULL) == ONC_OK);
    if (fit == NULL || z == NULL)
        return;
    CHECK_REL(fit->curves[0].median_spss.estimate, 5.0, 0);
    CHECK_REL(fit->curves[0].median_spss.se, se, 1e-12);
    CHECK_REL(fit->curves[0].median_spss.lower, 5.0 - z[0] * se, 1e-12);
    CHECK_REL(fit->curves[0].median_spss.upper, 5.0 + z[0] * se, 1e-12);
    CHECK_REL(fit->curves[0].median_spss.lower, 2.0782, 1e-4);
    onc_km_fit_free(fit);
}

/* S_1 - S_2 at 180 and 365 days, lung by sex (golden from summary()). */
static void test_compare_at(void)
{
    size_t n, nt, i;
    const double *time = golden_get(G, "lung_sex.time", &n);
    const double *status = golden_get(G, "lung_sex.status", &nt);
    const double *gcode = golden_get(G, "lung_sex.group", &nt);
    const double times[] = {180, 365};
    int32_t *group;
    onc_km_options opt;
    onc_km_fit *fit = NULL;
    onc_km_difference d[2];
    double got[2];
    static const struct {
        const char *key;
        size_t offset;
    } cols[] = {
        {"lung_sex.diff.time", offsetof(onc_km_difference, time)},
        {"lung_sex.diff.diff", offsetof(onc_km_difference, diff)},
        {"lung_sex.diff.se", offsetof(onc_km_difference, se)},
        {"lung_sex.diff.lower", offsetof(onc_km_difference, lower)},
        {"lung_sex.diff.upper", offsetof(onc_km_difference, upper)},
        {"lung_sex.diff.z", offsetof(onc_km_difference, z)},
        {"lung_sex.diff.p", offsetof(onc_km_difference, p_value)},
    };

    if (time == NULL || status == NULL || gcode == NULL)
        return;
    group = malloc(n * sizeof *group);
    for (i = 0; i < n; i++)
        group[i] = (int32_t)gcode[i];
    onc_km_options_init(&opt);
    opt.times = times;
    opt.n_times = 2;
    CHECK(onc_km_fit_groups(n, time, NULL, status, NULL, group, 2, &opt, &fit,
                            NULL) == ONC_OK);
    if (fit != NULL) {
        CHECK(onc_km_compare_at(&fit->curves[0], &fit->curves[1], 0, 0.95,
                                &d[0], NULL) == ONC_OK);
        CHECK(onc_km_compare_at(&fit->curves[0], &fit->curves[1], 1, 0.95,
                                &d[1], NULL) == ONC_OK);
        CHECK(onc_km_compare_at(&fit->curves[0], &fit->curves[1], 2, 0.95,
                                &d[1], NULL) == ONC_ERR_USAGE);
        for (i = 0; i < sizeof cols / sizeof cols[0]; i++) {
            size_t nw;
            const double *want = golden_get(G, cols[i].key, &nw);
            memcpy(&got[0], (const char *)&d[0] + cols[i].offset, sizeof got[0]);
            memcpy(&got[1], (const char *)&d[1] + cols[i].offset, sizeof got[1]);
            if (want != NULL)
                check_values(cols[i].key, got, 2, want, nw);
        }
    }
    onc_km_fit_free(fit);
    free(group);
}

/*
** Integer case weights are frequency weights: the weighted curve must
** equal the curve of the data with each row repeated w times.
*/
static void test_frequency_weights(void)
{
    static const double time[] = {2, 3, 3, 5, 7, 7, 8, 11, 12, 12, 15};
    static const double status[] = {1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1};
    static const double w[] = {1, 3, 2, 1, 2, 1, 4, 1, 2, 3, 1};
    double et[64], es[64];
    size_t n = 11, m = 0, i, k;
    onc_km_fit *a = NULL, *b = NULL;

    for (i = 0; i < n; i++)
        for (k = 0; k < (size_t)w[i]; k++) {
            et[m] = time[i];
            es[m] = status[i];
            m++;
        }
    CHECK(onc_km_fit_groups(n, time, NULL, status, w, NULL, 1, NULL, &a,
                            NULL) == ONC_OK);
    CHECK(onc_km_fit_groups(m, et, NULL, es, NULL, NULL, 1, NULL, &b, NULL) ==
          ONC_OK);
    if (a == NULL || b == NULL)
        goto done;
    CHECK(a->curves[0].n_rows == b->curves[0].n_rows);
    CHECK_REL(a->curves[0].n_weighted, (double)m, 0);
    for (i = 0; i < a->curves[0].n_rows && i < b->curves[0].n_rows; i++) {
        const onc_km_row *x = &a->curves[0].rows[i], *y = &b->curves[0].rows[i];
        CHECK_REL(x->n_risk, y->n_risk, 1e-14);
        CHECK_REL(x->surv, y->surv, 1e-14);
        CHECK_REL(x->std_err, y->std_err, 1e-14);
        CHECK_REL(x->lower, y->lower, 1e-14);
        CHECK_REL(x->cumhaz_se, y->cumhaz_se, 1e-14);
    }
    CHECK_REL(a->curves[0].median.estimate, b->curves[0].median.estimate, 0);
    CHECK_REL(a->curves[0].median.upper, b->curves[0].median.upper, 0);
done:
    onc_km_fit_free(a);
    onc_km_fit_free(b);
}

/*
** The table depends on the times only through their order: exp(t / 10)
** spreads lung's days over 150 binary exponents, so the sort keys differ
** in more bits than fit beside an index in one word and the two-array
** sort is used.  Every count and estimate must be unchanged.
*/
static void test_monotone_transform(void)
{
    size_t n, nt, i;
    const double *time = golden_get(G, "lung_sex.time", &n);
    const double *status = golden_get(G, "lung_sex.status", &nt);
    const double *gcode = golden_get(G, "lung_sex.group", &nt);
    double *etime, *w;
    int32_t *group;
    onc_km_fit *a = NULL, *b = NULL;
    size_t g;

    if (time == NULL || status == NULL || gcode == NULL)
        return;
    etime = malloc(n * sizeof *etime);
    w = malloc(n * sizeof *w);
    group = malloc(n * sizeof *group);
    for (i = 0; i < n; i++) {
        etime[i] = exp(time[i] / 10.0);
        w[i] = 1.0;
        group[i] = (int32_t)gcode[i];
    }
    CHECK(onc_km_fit_groups(n, time, NULL, status, NULL, group, 2, NULL, &a,
                            NULL) == ONC_OK);
    CHECK(onc_km_fit_groups(n, etime, NULL, status, w, group, 2, NULL, &b,
                            NULL) == ONC_OK);
    for (g = 0; a != NULL && b != NULL && g < 2; g++) {
        const onc_km_curve *x = &a->curves[g], *y = &b->curves[g];
        int same = x->n_rows == y->n_rows;
        for (i = 0; same && i < x->n_rows; i++) {
            const onc_km_row *r = &x->rows[i], *q = &y->rows[i];
            same = q->time == exp(r->time / 10.0) && q->n_risk == r->n_risk &&
                   q->n_event == r->n_event && q->n_censor == r->n_censor &&
                   q->surv == r->surv && q->std_err == r->std_err &&
                   q->lower == r->lower && q->upper == r->upper &&
                   q->cumhaz == r->cumhaz;
        }
        CHECK(same);
    }
    onc_km_fit_free(a);
    onc_km_fit_free(b);
    free(etime);
    free(w);
    free(group);
}

/* A group code with no observations gives an empty curve, not an error. */
static void test_empty_group(void)
{
    static const double time[] = {1, 2, 3, 4}, status[] = {1, 0, 1, 1};
    static const int32_t group[] = {0, 0, 2, 2};
    static const double times[] = {2};
    onc_km_options opt;
    onc_km_fit *fit = NULL;

    onc_km_options_init(&opt);
    opt.times = times;
    opt.n_times = 1;
    CHECK(onc_km_fit_groups(4, time, NULL, status, NULL, group, 3, &opt, &fit,
                            NULL) == ONC_OK);
    if (fit == NULL)
        return;
    CHECK(fit->curves[1].n == 0);
    CHECK(fit->curves[1].n_rows == 0);
    CHECK(isnan(fit->curves[1].median.estimate));
    CHECK(isnan(fit->curves[1].rmst.estimate));
    CHECK(fit->curves[1].n_times == 1 && !fit->curves[1].at_times[0].in_range);
    /* survRM2 rule: tau = min(2, 4) over the non-empty groups. */
    CHECK(fit->rmst_rule == ONC_RMST_TAU_MIN_OF_MAX);
    CHECK_REL(fit->rmst_tau, 2.0, 0);
    CHECK(fit->curves[0].n_rows == 2 && fit->curves[2].n_rows == 2);
    onc_km_fit_free(fit);
}

/* Invalid input is refused with the observation named. */
static void test_errors(void)
{
    static const double time[] = {5, 3, 8};
    static const double bad_time[] = {5, NAN, 8};
    static const double status[] = {1, 0, 1};
    static const double bad_status[] = {1, 2, 1};
    static const double entry[] = {0, 3, 1};
    static const double bad_weight[] = {1, 1, -0.5};
    static const int32_t bad_group[] = {0, 1, 2};
    onc_km_fit *fit = NULL;
    onc_error err;
    onc_km_options opt;

    CHECK(onc_km_fit_groups(3, bad_time, NULL, status, NULL, NULL, 1, NULL,
                            &fit, &err) == ONC_ERR_DATA);
    CHECK(fit == NULL && err.row == 2 && strstr(err.message, "observation 2"));
    CHECK(onc_km_fit_groups(3, time, entry, status, NULL, NULL, 1, NULL, &fit,
                            &err) == ONC_ERR_DATA);
    CHECK(err.row == 2 && strcmp(err.column, "entry") == 0);
    CHECK(onc_km_fit_groups(3, time, NULL, bad_status, NULL, NULL, 1, NULL,
                            &fit, &err) == ONC_ERR_DATA);
    CHECK(err.row == 2 && strcmp(err.column, "status") == 0);
    CHECK(onc_km_fit_groups(3, time, NULL, status, bad_weight, NULL, 1, NULL,
                            &fit, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3);
    CHECK(onc_km_fit_groups(3, time, NULL, status, NULL, bad_group, 2, NULL,
                            &fit, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3 && strcmp(err.column, "group") == 0);
    CHECK(onc_km_fit_groups(3, time, NULL, status, NULL, NULL, 2, NULL, &fit,
                            &err) == ONC_ERR_USAGE);
    onc_km_options_init(&opt);
    opt.conf_level = 1.0;
    CHECK(onc_km_fit_groups(3, time, NULL, status, NULL, NULL, 1, &opt, &fit,
                            &err) == ONC_ERR_USAGE);
    CHECK(onc_km_fit_groups(3, time, NULL, status, NULL, NULL, 1, NULL, NULL,
                            &err) == ONC_ERR_USAGE);
    CHECK(fit == NULL);
    onc_km_fit_free(NULL);
    /* No observations at all: an empty curve, not an error. */
    CHECK(onc_km_fit_groups(0, NULL, NULL, NULL, NULL, NULL, 1, NULL, &fit,
                            &err) == ONC_OK);
    CHECK(fit != NULL && fit->curves[0].n_rows == 0 &&
          isnan(fit->curves[0].median.estimate) && isnan(fit->rmst_tau));
    onc_km_fit_free(fit);
}

/* The radix sort orders like the doubles (negatives, -0.0, ties stable). */
static int cmp_index(size_t i, size_t j, const double *v)
{
    if (v[i] < v[j])
        return -1;
    if (v[i] > v[j])
        return 1;
    return i < j ? -1 : i > j;
}

/*
** Sort v[0..n) with the index as payload and compare with an insertion
** sort; `one_word` is the layout the plan is expected to choose.
*/
static void check_sort(const double *v, size_t n, int one_word)
{
    onc_sorted s;
    size_t *ref = malloc(n * sizeof *ref), i, j;
    uint64_t first = onc_sort_key(v[0]), varying = 0;
    int ok = 1;

    for (i = 0; i < n; i++) {
        varying |= onc_sort_key(v[i]) ^ first;
        ref[i] = i;
    }
    for (i = 1; i < n; i++) {
        size_t t = ref[i];
        for (j = i; j > 0 && cmp_index(ref[j - 1], t, v) > 0; j--)
            ref[j] = ref[j - 1];
        ref[j] = t;
    }
    onc_sort_init(&s, n, first, varying, (uint32_t)(n - 1));
    CHECK(s.one_word == one_word);
    CHECK(onc_sort_alloc(&s) == 0);
    for (i = 0; i < n; i++)
        onc_sort_put(&s, i, onc_sort_key(v[i]), (uint32_t)i);
    onc_sort_run(&s);
    for (i = 0; i < n; i++)
        if (onc_sorted_payload(&s, i) != ref[i] ||
            onc_sort_key_value(onc_sorted_key(&s, i)) != v[ref[i]])
            ok = 0;
    CHECK(ok);
    onc_sort_free(&s);
    free(ref);
}

static void test_sort(void)
{
    enum { N = 3000 };
    static double wide[N], days[N], same[N];
    size_t i;
    unsigned long long x = 88172645463325252ULL;

    for (i = 0; i < N; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        switch (x % 5) {
        case 0: wide[i] = (double)(x % 50); break;                 /* ties */
        case 1: wide[i] = -(double)(x % 1000) / 7.0; break;        /* negative */
        case 2: wide[i] = (x & 1) ? -0.0 : 0.0; break;             /* signed zero */
        case 3: wide[i] = ldexp((double)(x % 100000), -(int)(x % 60)); break;
        default: wide[i] = (double)(x % 3) * 1e300; break;
        }
        days[i] = (double)(1 + (x >> 7) % 4000);
        same[i] = 42.0;
    }
    check_sort(wide, N, 0);  /* keys differ in all 64 bits: two arrays */
    check_sort(days, N, 1);  /* whole days: key and index share a word */
    check_sort(same, N, 1);
    CHECK(onc_sort_key(-0.0) == onc_sort_key(0.0));
    CHECK(onc_sort_key(-1e-300) < onc_sort_key(0.0));
    CHECK(onc_sort_key(-INFINITY) < onc_sort_key(-1e308));
    CHECK(onc_sort_key_value(onc_sort_key(-2.5)) == -2.5);
}

int main(void)
{
    size_t i;

    harness_set_name("test_km");
    G = golden_load(GOLDEN);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(&cases[i]);
    test_print_vs_quantile();
    test_spss_hand();
    test_compare_at();
    test_frequency_weights();
    test_monotone_transform();
    test_empty_group();
    test_errors();
    test_sort();
    golden_free(G);
    return harness_finish();
}
