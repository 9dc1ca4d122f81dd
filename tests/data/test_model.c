/*
** test_model.c -- model frames against R's model.frame / model.matrix /
** Surv / strata / survfit.
**
** Reference: tests/golden/data/model_frame.R, which defines the same 12-row
** data set and writes tests/golden/data/model_frame.txt.  Column names and
** labels below are copied from the comments that script writes next to the
** numbers (e.g. "# m2 colnames: ...").
**
** onc_model_build_parts() is tested against the same golden values, and
** against onc_model_build(): every part it builds must be bit for bit the
** same (the header promises it).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/model.h"

#define GOLDEN "tests/golden/data/model_frame.txt"
#define N 12
#define NA NAN

static golden *g;

/* The data of model_frame.R. */
static const double d_time[N] = { 5, 12, 3.5, 20, 8, 15, 2, 30, 11, 7, 25, 9 };
static const double d_status[N] = { 2, 1, 2, 1, 1, 2, 2, 1, 2, 1, 2, 2 };
static const double d_age[N] = { 61, 55, NA, 70, 48, 66, 59, 72, 50, 63, 58, 45 };
static const double d_ecog[N] = { 0, 1, NA, 0, NA, 1, 2, 0, 1, 1, 0, 2 };
static const double d_resp[N] = { 1, 0, 1, NA, 0, 1, NA, 1, 1, 0, 1, 0 };
static const double d_id[N] = { 1, 1, 2, 3, 3, 4, 5, 5, 6, 7, 8, 8 };
static const double d_w[N] = { 1, 0.5, 2, 1, 1.5, 1, 0, 2, 1, 1, 0.5, 1 };
static const double d_pt[N] = { 10, 12, 8, 20, 9, 15, 4, 30, 11, 7, 25, 9 };
static const double d_start[N] = { 0, 0, 1, 0, 2, 0, 0, 5, 0, 1, 0, 3 };
static const double d_big[N] = { 1e5, 2.5, 1e-5, 2.5, 1e5, 1e-5, 2.5, 1e5, 1e-5, 2.5, 1e5, 1e-5 };
/* Levels deliberately not in sorted order: the model must sort them. */
static const char *const arm_levels[] = { "TACE", "Control", "Other", "RFA" };
static const int32_t d_arm[N] = { 0, 1, 2, 0, 1, 3, 0, 1, 3, 0, 3, 1 };
static const char *const sex_levels[] = { "M", "F" };
static const int32_t d_sex[N] = { 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1 };
static const char *const center_levels[] = { "B", "A", "C" };
static const int32_t d_center[N] = { 0, 1, 2, 1, 0, 2, 1, 0, 2, 1, 0, 1 };

static onc_frame *make_frame(void)
{
    onc_frame *df = NULL;
    int ok = onc_frame_new(N, &df) == ONC_OK;

    ok = ok && onc_frame_add_numeric(df, "time", ONC_COL_NUMBER, d_time, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "status", ONC_COL_INTEGER, d_status, NULL) == ONC_OK;
    ok = ok && onc_frame_add_factor(df, "arm", d_arm, arm_levels, NULL, 4, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "age", ONC_COL_NUMBER, d_age, NULL) == ONC_OK;
    ok = ok && onc_frame_add_factor(df, "sex", d_sex, sex_levels, NULL, 2, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "ecog", ONC_COL_INTEGER, d_ecog, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "resp", ONC_COL_LOGICAL, d_resp, NULL) == ONC_OK;
    ok = ok && onc_frame_add_factor(df, "center", d_center, center_levels, NULL, 3, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "id", ONC_COL_NUMBER, d_id, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "w", ONC_COL_NUMBER, d_w, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "pt", ONC_COL_NUMBER, d_pt, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "start", ONC_COL_NUMBER, d_start, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "big", ONC_COL_NUMBER, d_big, NULL) == ONC_OK;
    CHECK(ok);
    if (!ok) {
        onc_frame_free(df);
        return NULL;
    }
    return df;
}

/* values[0..n) against golden `key` (exactly n values). */
static void check_vec(const double *values, size_t n, const char *key, double tol)
{
    size_t n_ref, i;
    const double *ref = golden_get(g, key, &n_ref);

    CHECK(ref != NULL && n_ref == n);
    if (ref == NULL || n_ref != n) {
        fprintf(stderr, "  (%s: %zu values, expected %zu)\n", key, n, n_ref);
        return;
    }
    for (i = 0; i < n; i++)
        CHECK_CLOSE(values[i], ref[i], tol);
}

static void check_rows(const onc_model *m, const char *key)
{
    double *r = malloc((m->n ? m->n : 1) * sizeof *r);
    size_t i;

    for (i = 0; i < m->n; i++)
        r[i] = (double)m->row[i];
    check_vec(r, m->n, key, 0);
    free(r);
}

static void check_codes(const int32_t *codes, size_t n, const char *key)
{
    double *r = malloc((n ? n : 1) * sizeof *r);
    size_t i;

    for (i = 0; i < n; i++)
        r[i] = codes[i];
    check_vec(r, n, key, 0);
    free(r);
}

static onc_model *build(const onc_frame *df, const char *formula, const onc_model_options *opt,
                        onc_exclusions *ex)
{
    onc_formula *f = NULL;
    onc_model *m = NULL;
    onc_error err;
    onc_status rc = onc_formula_parse(formula, &f, &err);

    if (rc == ONC_OK)
        rc = onc_model_build(df, f, opt, &m, ex, &err);
    if (rc != ONC_OK)
        fprintf(stderr, "  %s: %s\n", formula, err.message);
    CHECK(rc == ONC_OK);
    onc_formula_free(f);
    return m;
}

/* The test's copy of the data is the R script's. */
static void test_data(void)
{
    check_vec(d_time, N, "data_time", 0);
    check_vec(d_status, N, "data_status", 0);
    check_vec(d_age, N, "data_age", 0);
    check_vec(d_ecog, N, "data_ecog", 0);
    check_vec(d_resp, N, "data_resp", 0);
    check_vec(d_id, N, "data_id", 0);
    check_vec(d_w, N, "data_w", 0);
    check_vec(d_pt, N, "data_pt", 0);
    check_vec(d_start, N, "data_start", 0);
    check_vec(d_big, N, "data_big", 0);
}

/* Design matrices: rows kept, x and R's column names. */
static const struct {
    const char *formula;
    const char *key;
    const char *names[8];       /* R colnames(model.matrix(...))[-1] */
} design_cases[] = {
    { "Surv(time, status) ~ arm + age", "m1", { "armRFA", "armTACE", "age" } },
    { "Surv(time, status) ~ arm * age + factor(ecog)", "m2",
      { "armRFA", "armTACE", "age", "factor(ecog)1", "factor(ecog)2", "armRFA:age",
        "armTACE:age" } },
    { "Surv(time, status == 2) ~ age:arm", "m3",
      { "age:armControl", "age:armRFA", "age:armTACE" } },
    { "~ arm * sex", "m4",
      { "armOther", "armRFA", "armTACE", "sexM", "armOther:sexM", "armRFA:sexM",
        "armTACE:sexM" } },
    { "Surv(time, status) ~ resp + resp:age", "m5",
      { "respTRUE", "respFALSE:age", "respTRUE:age" } },
    { "Surv(time, status) ~ factor(big)", "m12", { "factor(big)2.5", "factor(big)1e+05" } },
};

static void test_design(const onc_frame *df)
{
    size_t c, k, p;
    char key[32];

    for (c = 0; c < sizeof design_cases / sizeof design_cases[0]; c++) {
        onc_model *m = build(df, design_cases[c].formula, NULL, NULL);
        if (m == NULL)
            continue;
        for (p = 0; design_cases[c].names[p] != NULL; p++)
            ;
        CHECK(m->p == p);
        for (k = 0; k < p && k < m->p; k++)
            CHECK_STR(m->cols[k].name, design_cases[c].names[k]);
        snprintf(key, sizeof key, "%s_x", design_cases[c].key);
        check_vec(m->x, m->n * m->p, key, 0);
        snprintf(key, sizeof key, "%s_rows", design_cases[c].key);
        if (golden_has(g, key))
            check_rows(m, key);
        snprintf(key, sizeof key, "%s_time", design_cases[c].key);
        if (golden_has(g, key)) {
            check_vec(m->time, m->n, key, 0);
            snprintf(key, sizeof key, "%s_status", design_cases[c].key);
            check_vec(m->status, m->n, key, 0);
        }
        onc_model_free(m);
    }
}

/* Column descriptions and the ledger of m2. */
static void test_columns_and_exclusions(const onc_frame *df)
{
    onc_exclusions ex;
    onc_model *m = build(df, "Surv(time, status) ~ arm * age + factor(ecog)", NULL, &ex);

    if (m != NULL) {
        CHECK(m->kind == ONC_RESPONSE_SURV);
        CHECK(m->event_coding == ONC_EVENT_ONE_TWO);
        CHECK_STR(m->cols[0].term, "arm");
        CHECK_STR(m->cols[0].variable, "arm");
        CHECK_STR(m->cols[0].level, "RFA");
        CHECK_STR(m->cols[0].reference, "Control");
        CHECK(m->cols[2].level == NULL && m->cols[2].reference == NULL);
        CHECK_STR(m->cols[3].term, "factor(ecog)");
        CHECK_STR(m->cols[3].variable, "ecog");
        CHECK_STR(m->cols[3].level, "1");
        CHECK_STR(m->cols[3].reference, "0");
        CHECK_STR(m->cols[6].term, "arm:age");
        CHECK_STR(m->cols[6].variable, "arm:age");
        CHECK_STR(m->cols[6].level, "TACE");
        CHECK_STR(m->cols[6].reference, "Control");
        /* Row 3 lacks age and ecog: counted under age, named first. */
        CHECK(ex.n_total == N && ex.n_used == 10 && ex.n_excluded == 2);
        CHECK(ex.n_reasons == 2);
        if (ex.n_reasons == 2) {
            CHECK_STR(ex.reasons[0].reason, "missing value in 'age'");
            CHECK(ex.reasons[0].count == 1 && ex.reasons[0].rows[0] == 3);
            CHECK_STR(ex.reasons[1].reason, "missing value in 'ecog'");
            CHECK(ex.reasons[1].count == 1 && ex.reasons[1].rows[0] == 5);
        }
        /* 'Other' had only row 3. */
        CHECK(m->n_dropped_levels == 1);
        if (m->n_dropped_levels == 1)
            CHECK_STR(m->dropped_levels[0], "arm=Other");
    }
    onc_model_free(m);
    onc_exclusions_clear(&ex);

    /* Written the other way round, row 3 is counted under ecog. */
    m = build(df, "Surv(time, status) ~ factor(ecog) + age", NULL, &ex);
    CHECK(ex.n_reasons == 1);
    if (ex.n_reasons == 1) {
        CHECK_STR(ex.reasons[0].reason, "missing value in 'ecog'");
        CHECK(ex.reasons[0].count == 2 && ex.reasons[0].rows[0] == 3 && ex.reasons[0].rows[1] == 5);
    }
    onc_model_free(m);
    onc_exclusions_clear(&ex);

    /* Factor:factor columns: level and reference join with ':'. */
    m = build(df, "~ arm * sex", NULL, NULL);
    if (m != NULL && m->p == 7) {
        CHECK_STR(m->cols[6].level, "TACE:M");
        CHECK_STR(m->cols[6].reference, "Control:F");
        CHECK(m->kind == ONC_RESPONSE_NONE && m->time == NULL && m->status == NULL);
    }
    onc_model_free(m);

    /* Indicator coding has no reference. */
    m = build(df, "Surv(time, status) ~ resp + resp:age", NULL, NULL);
    if (m != NULL && m->p == 3) {
        CHECK_STR(m->cols[0].level, "TRUE");
        CHECK_STR(m->cols[0].reference, "FALSE");
        CHECK_STR(m->cols[1].level, "FALSE");
        CHECK(m->cols[1].reference == NULL);
    }
    onc_model_free(m);
}

static void test_refs(const onc_frame *df)
{
    /* R: relevel(arm, "TACE"), relevel(sex, "M"); m6 colnames:
    ** armControl armOther armRFA sexF */
    static const onc_ref_level refs[] = { { "arm", "TACE" }, { "sex", "M" }, { "center", "C" } };
    static const char *const names[] = { "armControl", "armOther", "armRFA", "sexF" };
    onc_model_options opt = { NULL, refs, 3, 0 };
    onc_model *m = build(df, "Surv(time, status) ~ arm + sex", &opt, NULL);
    size_t k;

    if (m == NULL)
        return;
    CHECK(m->p == 4);
    for (k = 0; k < 4 && k < m->p; k++)
        CHECK_STR(m->cols[k].name, names[k]);
    CHECK_STR(m->cols[0].reference, "TACE");
    check_vec(m->x, m->n * m->p, "m6_x", 0);
    onc_model_free(m);
}

static void test_strata_cluster_offset(const onc_frame *df)
{
    /* R: levels(strata(center = center, sex = sex)) on the rows kept. */
    static const char *const labels[] = { "center=A, sex=F", "center=A, sex=M", "center=B, sex=F",
                                          "center=B, sex=M", "center=C, sex=M" };
    onc_model_options opt = { "w", NULL, 0, 0 };
    onc_model *m = build(df, "Surv(time, status) ~ age + strata(center, sex)", NULL, NULL);
    size_t k;

    if (m != NULL) {
        check_rows(m, "m7_rows");
        check_codes(m->strata, m->n, "m7_strata");
        CHECK(m->n_strata == 5);
        for (k = 0; k < 5 && k < m->n_strata; k++)
            CHECK_STR(m->strata_labels[k], labels[k]);
        CHECK(m->cluster == NULL && m->offset == NULL && m->weights == NULL);
        /* strata() is not a design column. */
        CHECK(m->p == 1);
    }
    onc_model_free(m);

    m = build(df, "Surv(time, status) ~ age + cluster(id)", NULL, NULL);
    if (m != NULL) {
        size_t n_ref;
        const double *nc = golden_get(g, "m8_n_clusters", &n_ref);
        check_codes(m->cluster, m->n, "m8_cluster");
        CHECK(nc != NULL && n_ref == 1 && m->n_clusters == (size_t)nc[0]);
        CHECK(m->strata == NULL);
    }
    onc_model_free(m);

    /* Zero weights are kept. */
    m = build(df, "Surv(time, status) ~ arm + offset(log(pt))", &opt, NULL);
    if (m != NULL) {
        CHECK(m->n == N);
        check_vec(m->offset, m->n, "m9_offset", 1e-15);
        check_vec(m->weights, m->n, "m9_weights", 0);
    }
    onc_model_free(m);
}

static void test_groups(const onc_frame *df)
{
    /* R: names(survfit(Surv(time, status) ~ arm + sex, d)$strata) */
    static const char *const labels[] = { "arm=Control, sex=F", "arm=Other, sex=M",
                                          "arm=RFA, sex=M", "arm=TACE, sex=F", "arm=TACE, sex=M" };
    /* R: names(survfit(Surv(time, status) ~ ecog, d)$strata) */
    static const char *const ecog_labels[] = { "ecog=0", "ecog=1", "ecog=2" };
    onc_model_options by_value = { NULL, NULL, 0, 1 };
    double sizes[8];
    onc_model *m = build(df, "Surv(time, status) ~ arm + sex", NULL, NULL);
    size_t k, i;

    if (m != NULL) {
        CHECK(m->n_groups == 5 && m->n_group_vars == 2);
        memset(sizes, 0, sizeof sizes);
        for (i = 0; i < m->n; i++)
            if (m->group[i] >= 0 && m->group[i] < 8)
                sizes[m->group[i]]++;
        check_vec(sizes, m->n_groups, "m10_n", 0);
        for (k = 0; k < 5 && k < m->n_groups; k++)
            CHECK_STR(m->group_labels[k], labels[k]);
        if (m->n_groups == 5 && m->n_group_vars == 2) {
            CHECK_STR(m->group_vars[0], "arm");
            CHECK_STR(m->group_vars[1], "sex");
            CHECK_STR(m->group_values[1][0], "Other");
            CHECK_STR(m->group_values[1][1], "M");
        }
    }
    onc_model_free(m);

    m = build(df, "Surv(time, status) ~ ecog", &by_value, NULL);
    if (m != NULL) {
        CHECK(m->n_groups == 3);
        memset(sizes, 0, sizeof sizes);
        for (i = 0; i < m->n; i++)
            if (m->group[i] >= 0 && m->group[i] < 8)
                sizes[m->group[i]]++;
        check_vec(sizes, m->n_groups, "m11_n", 0);
        for (k = 0; k < 3 && k < m->n_groups; k++)
            CHECK_STR(m->group_labels[k], ecog_labels[k]);
    }
    onc_model_free(m);

    /* Without the option a numeric variable forms no groups. */
    m = build(df, "Surv(time, status) ~ ecog", NULL, NULL);
    if (m != NULL) {
        CHECK(m->n_groups == 1 && m->n_group_vars == 0);
        CHECK_STR(m->group_labels[0], "all");
    }
    onc_model_free(m);

    /* No variable at all: every row, one group. */
    m = build(df, "~ 1", NULL, NULL);
    if (m != NULL) {
        CHECK(m->n == N && m->p == 0 && m->n_groups == 1 && m->kind == ONC_RESPONSE_NONE);
        CHECK(m->row[0] == 1 && m->row[N - 1] == N);
    }
    onc_model_free(m);

    m = build(df, "Surv(time, status) ~ 1", NULL, NULL);
    if (m != NULL) {
        CHECK(m->n == N && m->p == 0 && m->n_groups == 1);
        CHECK_STR(m->group_labels[0], "all");
        for (i = 0; i < m->n; i++)
            CHECK(m->group[i] == 0);
    }
    onc_model_free(m);
}

static void test_responses(const onc_frame *df)
{
    onc_exclusions ex;
    onc_model *m = build(df, "Surv(start, time, status) ~ arm", NULL, NULL);
    size_t i;

    if (m != NULL) {
        CHECK(m->kind == ONC_RESPONSE_COUNTING);
        check_vec(m->time, m->n, "m13_time", 0);
        check_vec(m->time2, m->n, "m13_time2", 0);
        check_vec(m->status, m->n, "m13_status", 0);
        check_vec(m->x, m->n * m->p, "m13_x", 0);
    }
    onc_model_free(m);

    /* NA | TRUE is TRUE: row 7 (resp missing, status 2) stays, row 4 goes. */
    m = build(df, "Surv(time, status == 2 | resp) ~ 1", NULL, &ex);
    if (m != NULL) {
        CHECK(m->event_coding == ONC_EVENT_LOGICAL);
        check_rows(m, "m14_rows");
        check_vec(m->time, m->n, "m14_time", 0);
        check_vec(m->status, m->n, "m14_status", 0);
        CHECK(ex.n_reasons == 1);
        if (ex.n_reasons == 1) {
            CHECK_STR(ex.reasons[0].reason, "missing value in 'resp'");
            CHECK(ex.reasons[0].rows[0] == 4);
        }
    }
    onc_model_free(m);
    onc_exclusions_clear(&ex);

    /* A factor response; R: as.integer(droplevels(arm)) - 1 on rows with age. */
    m = build(df, "arm ~ age", NULL, NULL);
    if (m != NULL) {
        CHECK(m->kind == ONC_RESPONSE_VALUE && m->y == NULL);
        check_codes(m->y_code, m->n, "m15_y_code");
        CHECK(m->n_y_levels == 3);
        if (m->n_y_levels == 3) {
            CHECK_STR(m->y_levels[0], "Control");
            CHECK_STR(m->y_levels[1], "RFA");
            CHECK_STR(m->y_levels[2], "TACE");
        }
    }
    onc_model_free(m);

    /* A numeric response, and a response expression. */
    m = build(df, "time ~ arm", NULL, NULL);
    if (m != NULL) {
        CHECK(m->y_code == NULL && m->n == N);
        check_vec(m->y, m->n, "data_time", 0);
    }
    onc_model_free(m);
    m = build(df, "status == 2 ~ arm", NULL, NULL);
    if (m != NULL)
        for (i = 0; i < m->n; i++)
            CHECK(m->y[i] == (d_status[i] == 2));
    onc_model_free(m);

    /* Surv(time): every row is an event. */
    m = build(df, "Surv(time) ~ 1", NULL, NULL);
    if (m != NULL) {
        CHECK(m->event_coding == ONC_EVENT_ALL);
        for (i = 0; i < m->n; i++)
            CHECK(m->status[i] == 1);
    }
    onc_model_free(m);
}

/* A single-level factor: the empty level is dropped, no column is left. */
static void test_single_level(void)
{
    static const double t[3] = { 1, 2, 3 }, s[3] = { 1, 0, 1 };
    static const int32_t sex[3] = { 0, 0, 0 };
    onc_frame *df = NULL;
    onc_model *m;

    CHECK(onc_frame_new(3, &df) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "t", ONC_COL_NUMBER, t, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "s", ONC_COL_NUMBER, s, NULL) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "sex", sex, sex_levels, NULL, 2, NULL) == ONC_OK);
    m = build(df, "Surv(t, s) ~ sex", NULL, NULL);
    if (m != NULL) {
        CHECK(m->p == 0 && m->n == 3);
        CHECK(m->n_dropped_levels == 1);
        if (m->n_dropped_levels == 1)
            CHECK_STR(m->dropped_levels[0], "sex=F");
        CHECK(m->n_groups == 1);
        CHECK_STR(m->group_labels[0], "sex=M");
        CHECK(m->event_coding == ONC_EVENT_ZERO_ONE);
    }
    onc_model_free(m);
    onc_frame_free(df);
}

/* Ledger reasons: one per row, in formula order, weights last, and an
** expression missing although its columns are not. */
static void test_reasons(void)
{
    static const double t[5] = { 1, 2, 3, 4, 5 }, s[5] = { 1, 0, 1, 1, 0 };
    static const double x[5] = { 1, NA, 3, 4, NA }, w[5] = { 1, 1, NA, 1, NA };
    static const double z[5] = { 1, 1, 1, 0, 1 };
    onc_model_options opt = { "w", NULL, 0, 0 };
    onc_frame *df = NULL;
    onc_exclusions ex;
    onc_model *m;

    CHECK(onc_frame_new(5, &df) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "t", ONC_COL_NUMBER, t, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "s", ONC_COL_NUMBER, s, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "x", ONC_COL_NUMBER, x, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "w", ONC_COL_NUMBER, w, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "z", ONC_COL_NUMBER, z, NULL) == ONC_OK);
    m = build(df, "Surv(t, s) ~ x + offset(log(z))", &opt, &ex);
    if (m != NULL) {
        CHECK(m->n == 1 && m->row[0] == 1);
        CHECK(ex.n_excluded == 4 && ex.n_used == 1 && ex.n_reasons == 3);
        if (ex.n_reasons == 3) {
            /* Row 5 lacks x and w: x comes first. */
            CHECK_STR(ex.reasons[0].reason, "missing value in 'x'");
            CHECK(ex.reasons[0].count == 2 && ex.reasons[0].rows[0] == 2 &&
                  ex.reasons[0].rows[1] == 5);
            CHECK_STR(ex.reasons[1].reason, "missing value in 'w'");
            CHECK(ex.reasons[1].count == 1 && ex.reasons[1].rows[0] == 3);
            CHECK_STR(ex.reasons[2].reason, "undefined value of 'log(z)'");
            CHECK(ex.reasons[2].count == 1 && ex.reasons[2].rows[0] == 4);
        }
    }
    onc_model_free(m);
    onc_exclusions_clear(&ex);
    onc_frame_free(df);
}

/* Errors: status, row and the words a user needs. */
typedef struct error_case {
    const char *formula;
    const char *weights;
    const char *ref_var, *ref_level;
    onc_status status;
    size_t row;
    const char *message;        /* must occur in err.message */
} error_case;

static const error_case error_cases[] = {
    { "Surv(t, s012) ~ 1", NULL, NULL, NULL, ONC_ERR_DATA, 3,
      "'s012' is not an event code: found 2 with 0 in row 1 (expected 0/1, 1/2, TRUE/FALSE, "
      "or a comparison such as s012 == 2)" },
    { "Surv(t, s3) ~ 1", NULL, NULL, NULL, ONC_ERR_DATA, 2,
      "'s3' is not an event code: found 3 (expected 0/1, 1/2, TRUE/FALSE, or a comparison "
      "such as s3 == 2)" },
    { "Surv(t, s3 - 1) ~ 1", NULL, NULL, NULL, ONC_ERR_DATA, 1,
      "'s3 - 1' is not an event code: found -1" },
    { "Surv(t, vital) ~ 1", NULL, NULL, NULL, ONC_ERR_DATA, 0,
      "'vital' is a factor, not an event code; write the event as a comparison such as "
      "vital == \"dead\"" },
    { "Surv(t, vital == \"Dead\") ~ 1", NULL, NULL, NULL, ONC_ERR_DATA, 0,
      "'Dead' is not a level of 'vital' (levels: alive, dead)" },
    { "Surv(tneg, s) ~ 1", NULL, NULL, NULL, ONC_ERR_DATA, 4, "negative time -1" },
    { "Surv(t, t, s) ~ 1", NULL, NULL, NULL, ONC_ERR_DATA, 1, "start time 1 is not before stop time 1" },
    { "Surv(t, s) ~ 1", "wneg", NULL, NULL, ONC_ERR_DATA, 2, "weight -0.5 is negative" },
    { "Surv(t, s) ~ 1", "winf", NULL, NULL, ONC_ERR_DATA, 3, "weight inf is not finite" },
    { "Surv(t, s) ~ 1", "vital", NULL, NULL, ONC_ERR_USAGE, 0, "weights must be numbers" },
    { "Surv(t, s) ~ age", NULL, NULL, NULL, ONC_ERR_USAGE, 0,
      "formula: unknown column 'age' at character 14: did you mean 'age_years'?\n"
      "  Surv(t, s) ~ age\n"
      "               ^" },
    { "Surv(t, s) ~ age_years + arm", NULL, NULL, NULL, ONC_ERR_USAGE, 0,
      "unknown column 'arm' at character 26" },
    { "Surv(t, s) ~ vital", NULL, "vital", "Dead", ONC_ERR_USAGE, 0,
      "reference level 'Dead' is not a level of 'vital' (levels: alive, dead)" },
    { "Surv(t, s) ~ vital", NULL, "vitl", "dead", ONC_ERR_USAGE, 0,
      "did you mean 'vital'?" },
    { "Surv(t, s) ~ allna", NULL, NULL, NULL, ONC_ERR_DATA, 0,
      "no rows left for 'Surv(t, s) ~ allna': 4 of 4 rows have a missing value, e.g. "
      "missing value in 'allna'" },
};

static void test_errors(void)
{
    static const double t[4] = { 1, 2, 3, 4 }, s[4] = { 0, 1, 1, 0 };
    static const double s012[4] = { 0, 1, 2, 1 }, s3[4] = { 0, 3, 1, 1 };
    static const double tneg[4] = { 1, 2, 3, -1 }, age[4] = { 50, 60, 70, 80 };
    static const double wneg[4] = { 1, -0.5, 1, 1 }, winf[4] = { 1, 1, INFINITY, 1 };
    static const double allna[4] = { NA, NA, NA, NA };
    static const int32_t vital[4] = { 0, 1, 1, 0 };
    static const char *const vital_levels[] = { "alive", "dead" };
    onc_frame *df = NULL;
    size_t c;

    CHECK(onc_frame_new(4, &df) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "t", ONC_COL_NUMBER, t, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "s", ONC_COL_NUMBER, s, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "s012", ONC_COL_NUMBER, s012, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "s3", ONC_COL_NUMBER, s3, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "tneg", ONC_COL_NUMBER, tneg, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "age_years", ONC_COL_NUMBER, age, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "wneg", ONC_COL_NUMBER, wneg, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "winf", ONC_COL_NUMBER, winf, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "allna", ONC_COL_NUMBER, allna, NULL) == ONC_OK);
    CHECK(onc_frame_add_factor(df, "vital", vital, vital_levels, NULL, 2, NULL) == ONC_OK);

    for (c = 0; c < sizeof error_cases / sizeof error_cases[0]; c++) {
        const error_case *ec = &error_cases[c];
        onc_ref_level ref = { ec->ref_var, ec->ref_level };
        onc_model_options opt = { ec->weights, &ref, ec->ref_var != NULL, 0 };
        onc_formula *f = NULL;
        onc_model *m = NULL;
        onc_exclusions ex;
        onc_error err;
        onc_status rc = onc_formula_parse(ec->formula, &f, &err);

        CHECK(rc == ONC_OK);
        if (rc == ONC_OK)
            rc = onc_model_build(df, f, &opt, &m, &ex, &err);
        CHECK(rc == ec->status);
        CHECK(m == NULL);
        CHECK(err.row == ec->row);
        if (strstr(err.message, ec->message) == NULL) {
            CHECK_STR(err.message, ec->message);
        } else {
            CHECK(1);
        }
        onc_exclusions_clear(&ex);
        onc_formula_free(f);
    }
    onc_frame_free(df);
}

/* ------------------------------------------------------------------ */
/* onc_model_build_parts                                               */

static onc_model *build_parts(const onc_frame *df, const char *formula,
                              const onc_model_options *opt, unsigned parts, onc_exclusions *ex)
{
    onc_formula *f = NULL;
    onc_model *m = NULL;
    onc_error err;
    onc_status rc = onc_formula_parse(formula, &f, &err);

    if (rc == ONC_OK)
        rc = onc_model_build_parts(df, f, opt, parts, &m, ex, &err);
    if (rc != ONC_OK)
        fprintf(stderr, "  %s (parts %u): %s\n", formula, parts, err.message);
    CHECK(rc == ONC_OK);
    onc_formula_free(f);
    return m;
}

/* Arrays of n elements equal byte for byte, or both absent. */
static int same_bytes(const void *a, const void *b, size_t n, size_t size)
{
    if (a == NULL || b == NULL)
        return a == b;
    return n == 0 || memcmp(a, b, n * size) == 0;
}

static int same_strings(char *const *a, char *const *b, size_t n)
{
    size_t k;

    if (a == NULL || b == NULL)
        return a == b;
    for (k = 0; k < n; k++)
        if (strcmp(a[k], b[k]) != 0)
            return 0;
    return 1;
}

/* Model `part` (built with `parts`) against `all` (onc_model_build). */
static void check_same_model(const onc_model *all, const onc_model *part, unsigned parts)
{
    size_t n = all->n, k;

    CHECK(part->n == n);
    if (part->n != n)
        return;
    CHECK(same_bytes(all->row, part->row, n, sizeof *all->row));
    CHECK(all->kind == part->kind && all->event_coding == part->event_coding);
    CHECK(same_bytes(all->time, part->time, n, sizeof(double)));
    CHECK(same_bytes(all->time2, part->time2, n, sizeof(double)));
    CHECK(same_bytes(all->status, part->status, n, sizeof(double)));
    CHECK(same_bytes(all->y, part->y, n, sizeof(double)));
    CHECK(same_bytes(all->y_code, part->y_code, n, sizeof(int32_t)));
    CHECK(all->n_y_levels == part->n_y_levels &&
          same_strings(all->y_levels, part->y_levels, all->n_y_levels));
    CHECK(all->n_strata == part->n_strata &&
          same_bytes(all->strata, part->strata, n, sizeof(int32_t)) &&
          same_strings(all->strata_labels, part->strata_labels, all->n_strata));
    CHECK(all->n_clusters == part->n_clusters &&
          same_bytes(all->cluster, part->cluster, n, sizeof(int32_t)));
    CHECK(same_bytes(all->offset, part->offset, n, sizeof(double)));
    CHECK(same_bytes(all->weights, part->weights, n, sizeof(double)));
    CHECK(all->n_dropped_levels == part->n_dropped_levels &&
          same_strings(all->dropped_levels, part->dropped_levels, all->n_dropped_levels));
    if (parts & ONC_MODEL_DESIGN) {
        CHECK(part->p == all->p);
        if (part->p == all->p) {
            CHECK(same_bytes(all->x, part->x, n * all->p, sizeof(double)));
            for (k = 0; k < all->p; k++)
                CHECK_STR(part->cols[k].name, all->cols[k].name);
        }
    } else {
        CHECK(part->p == 0 && part->x == NULL && part->cols == NULL);
    }
    if (parts & ONC_MODEL_GROUPS) {
        CHECK(part->n_groups == all->n_groups && part->n_group_vars == all->n_group_vars);
        if (part->n_groups != all->n_groups || part->n_group_vars != all->n_group_vars)
            return;
        CHECK(same_bytes(all->group, part->group, n, sizeof(int32_t)));
        CHECK(same_strings(all->group_labels, part->group_labels, all->n_groups));
        CHECK(same_strings(all->group_vars, part->group_vars, all->n_group_vars));
        for (k = 0; k < all->n_groups; k++)
            CHECK(same_strings(all->group_values[k], part->group_values[k], all->n_group_vars));
    } else {
        CHECK(part->group == NULL && part->n_groups == 0 && part->group_labels == NULL &&
              part->n_group_vars == 0 && part->group_vars == NULL && part->group_values == NULL);
    }
}

/* Formulas covering every path: rows left out or not, bare columns and
** expressions, 0/1, 1/2 and logical events, interactions, strata,
** clusters, offsets, weights, numeric groups, a factor response. */
static const struct {
    const char *formula;
    int weights;
    int by_value;
} parts_cases[] = {
    { "Surv(time, status) ~ arm + age", 0, 0 },
    { "Surv(time, status) ~ arm * age + factor(ecog)", 0, 0 },
    { "Surv(time, status == 2) ~ age:arm", 0, 0 },
    { "~ arm * sex", 0, 0 },
    { "Surv(time, status) ~ resp + resp:age", 0, 0 },
    { "Surv(time, status) ~ age + strata(center, sex)", 0, 0 },
    { "Surv(time, status) ~ strata(center) + arm", 0, 0 },
    { "Surv(time, status) ~ age + cluster(id)", 0, 0 },
    { "Surv(time, status) ~ arm + offset(log(pt))", 1, 0 },
    { "Surv(time, status) ~ arm + sex", 0, 0 },
    { "Surv(time, status) ~ arm + sex + ecog", 0, 1 },
    { "Surv(time, status) ~ factor(big) + age", 0, 0 },
    { "Surv(start, time, status) ~ arm", 0, 0 },
    { "Surv(time, status == 2 | resp) ~ 1", 0, 0 },
    { "Surv(time, resp) ~ sex", 1, 0 },
    { "Surv(time + 0, status + 0) ~ arm + age", 0, 0 },
    { "Surv(time) ~ 1", 0, 0 },
    { "arm ~ age", 0, 0 },
    { "time ~ arm", 1, 0 },
};

static void test_parts_same(const onc_frame *df)
{
    static const unsigned parts[] = { ONC_MODEL_GROUPS, ONC_MODEL_DESIGN, 0, ONC_MODEL_ALL };
    size_t c, k;

    for (c = 0; c < sizeof parts_cases / sizeof parts_cases[0]; c++) {
        onc_model_options opt = { parts_cases[c].weights ? "w" : NULL, NULL, 0,
                                  parts_cases[c].by_value };
        onc_exclusions ex_all;
        onc_model *all = build(df, parts_cases[c].formula, &opt, &ex_all);
        for (k = 0; k < sizeof parts / sizeof parts[0] && all != NULL; k++) {
            onc_exclusions ex;
            onc_model *m = build_parts(df, parts_cases[c].formula, &opt, parts[k], &ex);
            size_t r;
            if (m != NULL)
                check_same_model(all, m, parts[k]);
            CHECK(ex.n_used == ex_all.n_used && ex.n_excluded == ex_all.n_excluded &&
                  ex.n_reasons == ex_all.n_reasons);
            for (r = 0; r < ex.n_reasons && ex.n_reasons == ex_all.n_reasons; r++) {
                CHECK_STR(ex.reasons[r].reason, ex_all.reasons[r].reason);
                CHECK(ex.reasons[r].count == ex_all.reasons[r].count &&
                      same_bytes(ex.reasons[r].rows, ex_all.reasons[r].rows,
                                 ex.reasons[r].n_rows, sizeof(size_t)));
            }
            onc_model_free(m);
            onc_exclusions_clear(&ex);
        }
        onc_model_free(all);
        onc_exclusions_clear(&ex_all);
    }
}

/* The parts alone against R. */
static void test_parts_golden(const onc_frame *df)
{
    static const char *const labels[] = { "arm=Control, sex=F", "arm=Other, sex=M",
                                          "arm=RFA, sex=M", "arm=TACE, sex=F", "arm=TACE, sex=M" };
    double sizes[8];
    onc_model *m;
    size_t k, i;

    /* Groups without a design matrix: survfit's strata. */
    m = build_parts(df, "Surv(time, status) ~ arm + sex", NULL, ONC_MODEL_GROUPS, NULL);
    if (m != NULL) {
        CHECK(m->p == 0 && m->x == NULL && m->cols == NULL);
        CHECK(m->n_groups == 5);
        memset(sizes, 0, sizeof sizes);
        for (i = 0; i < m->n; i++)
            if (m->group[i] >= 0 && m->group[i] < 8)
                sizes[m->group[i]]++;
        check_vec(sizes, m->n_groups, "m10_n", 0);
        for (k = 0; k < 5 && k < m->n_groups; k++)
            CHECK_STR(m->group_labels[k], labels[k]);
    }
    onc_model_free(m);

    /* Still coded without a design matrix: levels with no row are found. */
    m = build_parts(df, "Surv(time, status) ~ arm + age", NULL, ONC_MODEL_GROUPS, NULL);
    if (m != NULL) {
        check_rows(m, "m1_rows");
        check_vec(m->time, m->n, "m1_time", 0);
        check_vec(m->status, m->n, "m1_status", 0);
        CHECK(m->n_dropped_levels == 1);
        if (m->n_dropped_levels == 1)
            CHECK_STR(m->dropped_levels[0], "arm=Other");
        CHECK(m->n_groups == 3 && m->n_group_vars == 1);
    }
    onc_model_free(m);

    /* A design matrix without groups: model.matrix. */
    m = build_parts(df, "Surv(time, status) ~ arm * age + factor(ecog)", NULL, ONC_MODEL_DESIGN,
                    NULL);
    if (m != NULL) {
        CHECK(m->p == 7 && m->group == NULL && m->n_groups == 0 && m->group_labels == NULL);
        check_rows(m, "m2_rows");
        check_vec(m->x, m->n * m->p, "m2_x", 0);
        if (m->p == 7)
            CHECK_STR(m->cols[5].name, "armRFA:age");
    }
    onc_model_free(m);

    /* The response evaluated as expressions equals the bare columns:
    ** time + 0 is time, and status + 0 takes 1/2 to 0/1 as status does. */
    m = build_parts(df, "Surv(time + 0, status + 0) ~ arm + age", NULL, 0, NULL);
    if (m != NULL) {
        CHECK(m->event_coding == ONC_EVENT_ONE_TWO);
        check_rows(m, "m1_rows");
        check_vec(m->time, m->n, "m1_time", 0);
        check_vec(m->status, m->n, "m1_status", 0);
    }
    onc_model_free(m);

    /* A logical event column read in place: R's Surv(time, resp) counts
    ** TRUE as the event; rows 4 and 7 (resp NA) are left out. */
    m = build_parts(df, "Surv(time, resp) ~ 1", NULL, ONC_MODEL_GROUPS, NULL);
    if (m != NULL) {
        CHECK(m->event_coding == ONC_EVENT_LOGICAL && m->n == N - 2);
        for (i = 0; i < m->n; i++)
            CHECK(m->status[i] == d_resp[m->row[i] - 1] && m->time[i] == d_time[m->row[i] - 1]);
    }
    onc_model_free(m);
}

/* Errors are the same with or without the parts that are left out, except
** the design matrix's column cap; unknown parts are a usage error. */
static void test_parts_errors(const onc_frame *df)
{
    static const onc_ref_level bad = { "arm", "Placebo" };
    onc_model_options opt = { NULL, &bad, 1, 0 };
    size_t n = ONC_MODEL_MAX_COLUMNS + 2, i;
    double *x = malloc(n * sizeof *x);
    onc_frame *wide = NULL;
    onc_formula *f = NULL;
    onc_model *m = NULL;
    onc_error err;

    CHECK(onc_formula_parse("Surv(time, status) ~ arm", &f, &err) == ONC_OK);
    CHECK(onc_model_build_parts(df, f, &opt, ONC_MODEL_GROUPS, &m, NULL, &err) == ONC_ERR_USAGE);
    CHECK(m == NULL && strstr(err.message, "reference level 'Placebo' is not a level of 'arm'"));
    CHECK(onc_model_build_parts(df, f, NULL, 4, &m, NULL, &err) == ONC_ERR_USAGE);
    CHECK(m == NULL && strstr(err.message, "unknown parts") != NULL);
    CHECK(onc_model_build_parts(df, f, NULL, ONC_MODEL_ALL, NULL, NULL, &err) == ONC_ERR_USAGE);
    onc_formula_free(f);
    f = NULL;

    /* ~ factor(x) with 10002 levels: too wide for a design matrix, but
    ** 10002 groups are fine. */
    for (i = 0; x != NULL && i < n; i++)
        x[i] = (double)i;
    CHECK(x != NULL && onc_frame_new(n, &wide) == ONC_OK);
    CHECK(onc_frame_add_numeric(wide, "x", ONC_COL_NUMBER, x, NULL) == ONC_OK);
    CHECK(onc_formula_parse("~ factor(x)", &f, &err) == ONC_OK);
    CHECK(onc_model_build_parts(wide, f, NULL, ONC_MODEL_DESIGN, &m, NULL, &err) == ONC_ERR_LIMIT);
    CHECK(m == NULL);
    CHECK(onc_model_build_parts(wide, f, NULL, ONC_MODEL_GROUPS, &m, NULL, &err) == ONC_OK);
    if (m != NULL) {
        CHECK(m->n_groups == n && m->p == 0);
        CHECK_STR(m->group_labels[n - 1], "x=10001");
        CHECK(m->group[0] == 0 && m->group[n - 1] == (int32_t)(n - 1));
    }
    onc_model_free(m);
    onc_formula_free(f);
    onc_frame_free(wide);
    free(x);
}

/* More design columns than ONC_MODEL_MAX_COLUMNS is ONC_ERR_LIMIT. */
static void test_column_cap(void)
{
    size_t n = ONC_MODEL_MAX_COLUMNS + 2, i;
    double *x = malloc(n * sizeof *x);
    onc_frame *df = NULL;
    onc_formula *f = NULL;
    onc_model *m = NULL;
    onc_error err;

    for (i = 0; i < n; i++)
        x[i] = (double)i;
    CHECK(onc_frame_new(n, &df) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "x", ONC_COL_NUMBER, x, NULL) == ONC_OK);
    CHECK(onc_formula_parse("~ factor(x)", &f, &err) == ONC_OK);
    CHECK(onc_model_build(df, f, NULL, &m, NULL, &err) == ONC_ERR_LIMIT);
    CHECK(m == NULL);
    CHECK(strstr(err.message, "more than 10000 columns") != NULL);
    onc_formula_free(f);
    onc_frame_free(df);
    free(x);
}

int main(void)
{
    onc_frame *df;

    harness_set_name("test_model");
    g = golden_load(GOLDEN);
    df = make_frame();
    if (df != NULL) {
        test_data();
        test_design(df);
        test_columns_and_exclusions(df);
        test_refs(df);
        test_strata_cluster_offset(df);
        test_groups(df);
        test_responses(df);
        test_parts_same(df);
        test_parts_golden(df);
        test_parts_errors(df);
    }
    test_single_level();
    test_reasons();
    test_errors();
    test_column_cap();
    onc_frame_free(df);
    onc_model_free(NULL);
    golden_free(g);
    return harness_finish();
}
