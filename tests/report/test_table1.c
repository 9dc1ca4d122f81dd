/*
** test_table1.c -- Table 1 summaries and tests against base R on
** survival::lung (tests/golden/report/table1.R writes the reference).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/report.h"

#define GOLDEN "tests/golden/report/table1.txt"

static golden *g;

static const double *get(const char *key, size_t *n)
{
    return golden_get(g, key, n);
}

/* Arm codes from a golden vector (NA = -1). */
static int32_t *arms_from(const char *key, size_t n_rows)
{
    size_t n, i;
    const double *v = get(key, &n);
    int32_t *arm = malloc(n_rows * sizeof *arm);

    CHECK(n == n_rows);
    for (i = 0; i < n_rows; i++)
        arm[i] = isnan(v[i]) ? -1 : (int32_t)v[i];
    return arm;
}

static onc_frame *lung_frame(void)
{
    static const char *const sex_levels[] = {"1", "2"};
    onc_frame *df = NULL;
    onc_error err;
    size_t n, i;
    const double *age = get("age", &n), *sex, *ecog, *wt, *dead, *uniq;
    int32_t *codes;

    sex = get("sex", &n);
    ecog = get("ecog", &n);
    wt = get("wtloss", &n);
    dead = get("dead", &n);
    uniq = get("uniq", &n);
    CHECK(onc_frame_new(n, &df) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "age", ONC_COL_INTEGER, age, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "ecog", ONC_COL_INTEGER, ecog, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "wt.loss", ONC_COL_NUMBER, wt, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "dead", ONC_COL_LOGICAL, dead, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "uniq", ONC_COL_NUMBER, uniq, &err) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "date", ONC_COL_DATE, uniq, &err) == ONC_OK);
    codes = malloc(n * sizeof *codes);
    for (i = 0; i < n; i++)
        codes[i] = (int32_t)sex[i] - 1;
    CHECK(onc_frame_add_factor(df, "sex", codes, sex_levels, NULL, 2, &err) == ONC_OK);
    free(codes);
    return df;
}

/* n, missing, quartiles, mean and SD of a numeric row against R. */
static void check_numeric(const onc_table1_row *r, const char *key, size_t groups)
{
    static const char *const parts[] = {"median", "q1", "q3", "mean", "sd"};
    char name[64];
    size_t n, k, p;

    snprintf(name, sizeof name, "%s_n", key);
    {
        const double *v = get(name, &n);
        CHECK(n == groups);
        for (k = 0; k < groups && k < n; k++)
            CHECK(r->n[k] == (size_t)v[k]);
    }
    snprintf(name, sizeof name, "%s_missing", key);
    {
        const double *v = get(name, &n);
        for (k = 0; k < groups && k < n; k++)
            CHECK(r->missing[k] == (size_t)v[k]);
    }
    for (p = 0; p < 5; p++) {
        const double *v, *got = p == 0 ? r->median : p == 1 ? r->q1 : p == 2 ? r->q3
                               : p == 3 ? r->mean : r->sd;
        snprintf(name, sizeof name, "%s_%s", key, parts[p]);
        v = get(name, &n);
        for (k = 0; k < groups && k < n; k++)
            CHECK_REL(got[k], v[k], 1e-12);
    }
    snprintf(name, sizeof name, "%s_smd", key);
    CHECK_REL(r->smd, get(name, &n)[0], 1e-10);
}

static void check_counts(const onc_table1_row *r, const char *key, size_t groups, int binary)
{
    char name[64];
    size_t n, k, l;
    const double *lev;

    snprintf(name, sizeof name, "%s_levels", key);
    lev = get(name, &n);
    CHECK(r->binary == binary);
    CHECK(r->n_levels == (binary ? 1 : n));
    for (l = 0; l < r->n_levels; l++) {
        const double *v;
        snprintf(name, sizeof name, "%s_count%zu", key, binary ? 2 : l + 1);
        v = get(name, &n);
        for (k = 0; k < groups && k < n; k++)
            CHECK(r->counts[l * groups + k] == (size_t)v[k]);
    }
    (void)lev;
    snprintf(name, sizeof name, "%s_missing", key);
    {
        const double *v = get(name, &n);
        for (k = 0; k < groups && k < n; k++)
            CHECK(r->missing[k] == (size_t)v[k]);
    }
    snprintf(name, sizeof name, "%s_smd", key);
    CHECK_REL(r->smd, get(name, &n)[0], 1e-10);
}

static void three_arms(const onc_frame *df)
{
    static const char *const labels[] = {"A", "B", "C"};
    const onc_table1_variable vars[] = {
        {"age", "Age, years", ONC_TABLE1_AUTO},
        {"age", NULL, ONC_TABLE1_MEAN_SD},
        {"wt.loss", "Weight loss", ONC_TABLE1_MEDIAN_IQR},
        {"ecog", "ECOG", ONC_TABLE1_COUNT},
        {"sex", "Sex", ONC_TABLE1_AUTO},
        {"dead", "Died", ONC_TABLE1_AUTO},
    };
    int32_t *arm = arms_from("arm3", df->n_rows);
    onc_table1 *t = NULL;
    onc_error err;
    size_t n;

    CHECK(onc_table1_compute(df, arm, 3, labels, vars, 6, &t, &err) == ONC_OK);
    if (t == NULL) {
        free(arm);
        return;
    }
    CHECK(t->n_rows == 6);
    CHECK(t->arm_n[0] == 76 && t->arm_n[3] == 228);
    CHECK_STR(t->rows[0].label, "Age, years");
    CHECK_STR(t->rows[1].label, "age");
    CHECK(t->rows[0].summary == ONC_TABLE1_MEDIAN_IQR);
    check_numeric(&t->rows[0], "age3", 4);
    CHECK(t->rows[0].test == ONC_TEST_KRUSKAL);
    CHECK_REL(t->rows[0].statistic, get("age3_kruskal", &n)[0], 1e-10);
    CHECK_REL(t->rows[0].p_value, get("age3_kruskal", &n)[1], 1e-10);
    CHECK(t->rows[0].df == 2);
    CHECK(t->rows[1].test == ONC_TEST_ANOVA);
    CHECK_REL(t->rows[1].statistic, get("age3_anova", &n)[0], 1e-9);
    CHECK_REL(t->rows[1].p_value, get("age3_anova", &n)[1], 1e-10);
    check_numeric(&t->rows[2], "wt3", 4);
    CHECK_REL(t->rows[2].p_value, get("wt3_kruskal", &n)[1], 1e-10);
    /* ECOG 3 occurs once: an expected count below 5 calls for Fisher. */
    check_counts(&t->rows[3], "ecog3", 4, 0);
    CHECK_STR(t->rows[3].levels[3], "3");
    CHECK(get("ecog3_min_expected", &n)[0] < 5);
    CHECK(t->rows[3].test == ONC_TEST_FISHER);
    CHECK_REL(t->rows[3].p_value, get("ecog3_fisher_p", &n)[0], 1e-7);
    check_counts(&t->rows[4], "sex3", 4, 0);
    CHECK(t->rows[4].test == ONC_TEST_CHISQ);
    CHECK_REL(t->rows[4].statistic, get("sex3_chisq", &n)[0], 1e-10);
    CHECK_REL(t->rows[4].p_value, get("sex3_chisq", &n)[2], 1e-10);
    check_counts(&t->rows[5], "dead3", 4, 1);
    CHECK_STR(t->rows[5].levels[0], "TRUE");
    CHECK(t->rows[5].test == ONC_TEST_CHISQ);
    CHECK_REL(t->rows[5].p_value, get("dead3_chisq", &n)[2], 1e-10);
    onc_table1_free(t);
    free(arm);
}

static void two_arms(const onc_frame *df)
{
    static const char *const labels[] = {"Male", "Female"};
    const onc_table1_variable vars[] = {
        {"age", NULL, ONC_TABLE1_MEDIAN_IQR},
        {"age", NULL, ONC_TABLE1_MEAN_SD},
        {"dead", NULL, ONC_TABLE1_COUNT},
    };
    const onc_table1_variable exact[] = {{"uniq", NULL, ONC_TABLE1_AUTO}};
    int32_t *arm = arms_from("arm2", df->n_rows);
    int32_t *small = arms_from("arm2b", df->n_rows);
    onc_table1 *t = NULL;
    onc_error err;
    size_t n;

    CHECK(onc_table1_compute(df, arm, 2, labels, vars, 3, &t, &err) == ONC_OK);
    if (t != NULL) {
        check_numeric(&t->rows[0], "age2", 3);
        /* Ties: the normal approximation with continuity correction. */
        CHECK(t->rows[0].test == ONC_TEST_WILCOXON);
        CHECK_REL(t->rows[0].statistic, get("age2_wilcox", &n)[0], 1e-12);
        CHECK_REL(t->rows[0].p_value, get("age2_wilcox", &n)[1], 1e-9);
        CHECK(t->rows[1].test == ONC_TEST_WELCH);
        CHECK_REL(t->rows[1].statistic, get("age2_welch", &n)[0], 1e-10);
        CHECK_REL(t->rows[1].df, get("age2_welch", &n)[1], 1e-10);
        CHECK_REL(t->rows[1].p_value, get("age2_welch", &n)[2], 1e-9);
        check_counts(&t->rows[2], "dead2", 3, 1);
        CHECK(t->rows[2].test == ONC_TEST_CHISQ);
        CHECK_REL(t->rows[2].p_value, get("dead2_chisq", &n)[2], 1e-9);
        onc_table1_free(t);
    }
    /* 45 and 25 values without ties: the exact distribution. */
    t = NULL;
    CHECK(onc_table1_compute(df, small, 2, labels, exact, 1, &t, &err) == ONC_OK);
    if (t != NULL) {
        check_numeric(&t->rows[0], "uniq2b", 3);
        CHECK(t->rows[0].test == ONC_TEST_WILCOXON);
        CHECK_REL(t->rows[0].statistic, get("uniq2b_wilcox", &n)[0], 1e-12);
        CHECK_REL(t->rows[0].p_value, get("uniq2b_wilcox", &n)[1], 1e-10);
        CHECK(t->arm_n[2] == 70);
        onc_table1_free(t);
    }
    free(arm);
    free(small);
}

static void errors(const onc_frame *df)
{
    static const char *const labels[] = {"A", "B", "C"};
    const onc_table1_variable typo[] = {{"agee", NULL, ONC_TABLE1_AUTO}};
    const onc_table1_variable date[] = {{"date", NULL, ONC_TABLE1_AUTO}};
    const onc_table1_variable many[] = {{"uniq", NULL, ONC_TABLE1_COUNT}};
    const onc_table1_variable factor_mean[] = {{"sex", NULL, ONC_TABLE1_MEAN_SD}};
    int32_t *arm = arms_from("arm3", df->n_rows);
    onc_table1 *t = NULL;
    onc_error err;

    CHECK(onc_table1_compute(df, arm, 3, labels, typo, 1, &t, &err) == ONC_ERR_USAGE);
    CHECK(t == NULL);
    CHECK(strstr(err.message, "did you mean 'age'") != NULL);
    CHECK(onc_table1_compute(df, arm, 3, labels, date, 1, &t, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "is a date") != NULL);
    CHECK(onc_table1_compute(df, arm, 3, labels, many, 1, &t, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "more than 20 distinct values") != NULL);
    CHECK(onc_table1_compute(df, arm, 3, labels, factor_mean, 1, &t, &err) == ONC_ERR_USAGE);
    CHECK(strstr(err.message, "mean (SD)") != NULL);
    /* One arm: summaries but no test. */
    {
        const onc_table1_variable age[] = {{"age", NULL, ONC_TABLE1_AUTO}};
        size_t i;
        for (i = 0; i < df->n_rows; i++)
            arm[i] = 0;
        CHECK(onc_table1_compute(df, arm, 1, labels, age, 1, &t, &err) == ONC_OK);
        if (t != NULL) {
            CHECK(t->rows[0].test == ONC_TEST_NONE);
            CHECK(isnan(t->rows[0].p_value));
            CHECK(isnan(t->rows[0].smd));
            CHECK(t->rows[0].n[0] == df->n_rows);
            onc_table1_free(t);
        }
    }
    free(arm);
}

int main(void)
{
    onc_frame *df;

    harness_set_name("test_table1");
    g = golden_load(GOLDEN);
    df = lung_frame();
    three_arms(df);
    two_arms(df);
    errors(df);
    onc_frame_free(df);
    golden_free(g);
    return harness_finish();
}
