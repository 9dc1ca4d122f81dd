/*
** test_balance.c -- onc_balance_compute against cobalt's definitions.
**
** Reference: tests/golden/stats/ps_balance.txt, written by ps_balance.R,
** which computes by hand what cobalt::bal.tab(binary = "std") reports
** (cobalt is not installed; the definitions are quoted in the script) for
** the cohort of ps_cohort.R: IPTW (ATE, ATT), overlap weights and matching
** weights for two arms; ATE (against arm 0 and all pairs) and ATT weights
** for three arms.  Rows: age, sex, ecog 0/1/2, kit_exon9, extrahepatic.
*/
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/ps.h"

#define COHORT "tests/golden/stats/ps_cohort.txt"
#define GOLDEN "tests/golden/stats/ps_balance.txt"
#define NROWS 7

static const double *get(golden *g, const char *key, size_t want)
{
    size_t n = 0;
    const double *v = golden_get(g, key, &n);

    if (v != NULL && want != 0 && n != want) {
        fprintf(stderr, "golden key %s has %zu values, expected %zu\n", key, n, want);
        CHECK(n == want);
        return NULL;
    }
    return v;
}

struct scenario {
    const char *name;
    const char *arm_key;
    size_t n_arms;
    onc_ps_estimand estimand;
    int focal, reference, all_pairs;
};

static const struct scenario scenarios[] = {
    {"two_ate", "arm2", 2, ONC_PS_ATE, 1, 0, 0},
    {"two_att", "arm2", 2, ONC_PS_ATT, 1, 0, 0},
    {"two_overlap", "arm2", 2, ONC_PS_OVERLAP, 1, 0, 0},
    {"two_match_r1", "arm2", 2, ONC_PS_ATT, 1, 0, 0},
    {"two_match_r2_cal", "arm2", 2, ONC_PS_ATT, 1, 0, 0},
    {"two_match_rep", "arm2", 2, ONC_PS_ATT, 1, 0, 0},
    {"three_ate", "arm3", 3, ONC_PS_ATE, 0, 0, 0},
    {"three_ate_pairs", "arm3", 3, ONC_PS_ATE, 0, 0, 1},
    {"three_att", "arm3", 3, ONC_PS_ATT, 0, 0, 0},
};

static const char *const var_names[] = {"age", "sex", "ecog", "kit_exon9", "extrahepatic"};
static const onc_balance_type var_types[] = {
    ONC_BALANCE_CONTINUOUS, ONC_BALANCE_BINARY, ONC_BALANCE_FACTOR,
    ONC_BALANCE_BINARY, ONC_BALANCE_BINARY};
static const size_t var_levels[] = {0, 0, 3, 0, 0};

static void check_close_vec(const double *got, const double *want, size_t n,
                            double tol)
{
    size_t i;

    for (i = 0; want != NULL && i < n; i++)
        CHECK_CLOSE(got[i], want[i], tol);
}

static void test_scenarios(golden *c, golden *g, size_t n)
{
    double *x = malloc(n * 5 * sizeof *x);
    int *arm = malloc(n * sizeof *arm);
    const char *cols[] = {"age", "sex", "ecog", "kit_exon9", "extrahepatic"};
    size_t s, j, i;

    if (x == NULL || arm == NULL)
        goto done;
    for (j = 0; j < 5; j++) {
        const double *v = get(c, cols[j], n);

        if (v == NULL)
            goto done;
        memcpy(x + j * n, v, n * sizeof *x);
    }
    for (s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
        const struct scenario *sc = &scenarios[s];
        const double *armv = get(c, sc->arm_key, n), *w, *v;
        onc_balance_options opt;
        onc_balance_table *t = NULL;
        size_t k = sc->n_arms, nc, cc, r, borderline = 0, flagged = 0;
        char key[96];

        if (armv == NULL)
            continue;
        for (i = 0; i < n; i++)
            arm[i] = (int)armv[i];
        snprintf(key, sizeof key, "%s_weights", sc->name);
        w = get(g, key, n);
        onc_balance_options_init(&opt);
        opt.estimand = sc->estimand;
        opt.treated_arm = sc->focal;
        opt.reference_arm = sc->reference;
        opt.all_pairs = sc->all_pairs;
        CHECK(onc_balance_compute(x, n, 5, var_types, var_levels, var_names, arm, k, w,
                                  &opt, &t, NULL) == ONC_OK);
        if (t == NULL || w == NULL) {
            onc_balance_free(t);
            continue;
        }
        CHECK(t->n_rows == NROWS && t->n_arms == k && t->adjusted);
        CHECK(t->row_variable[2] == 2 && t->row_level[2] == 0 && t->row_level[4] == 2);
        CHECK(t->row_binary[0] == 0 && t->row_binary[1] == 1);
        snprintf(key, sizeof key, "%s_mean_before", sc->name);
        check_close_vec(t->mean_before, get(g, key, k * NROWS), k * NROWS, 1e-12);
        snprintf(key, sizeof key, "%s_mean_after", sc->name);
        check_close_vec(t->mean_after, get(g, key, k * NROWS), k * NROWS, 1e-12);
        snprintf(key, sizeof key, "%s_sd", sc->name);
        check_close_vec(t->sd, get(g, key, NROWS), NROWS, 1e-12);
        nc = sc->all_pairs ? k * (k - 1) / 2 : k - 1;
        CHECK(t->n_comparisons == nc);
        for (cc = 0; cc < nc && cc < t->n_comparisons; cc++) {
            snprintf(key, sizeof key, "%s_c%zu_arms", sc->name, cc);
            v = get(g, key, 2);
            if (v != NULL)
                CHECK(t->first_arm[cc] == (int)v[0] && t->second_arm[cc] == (int)v[1]);
            snprintf(key, sizeof key, "%s_c%zu_smd_before", sc->name, cc);
            check_close_vec(t->smd_before + cc * NROWS, get(g, key, NROWS), NROWS, 1e-12);
            snprintf(key, sizeof key, "%s_c%zu_smd_after", sc->name, cc);
            check_close_vec(t->smd_after + cc * NROWS, get(g, key, NROWS), NROWS, 1e-12);
            snprintf(key, sizeof key, "%s_c%zu_vr_before", sc->name, cc);
            check_close_vec(t->variance_ratio_before + cc * NROWS, get(g, key, NROWS),
                            NROWS, 1e-12);
            snprintf(key, sizeof key, "%s_c%zu_vr_after", sc->name, cc);
            check_close_vec(t->variance_ratio_after + cc * NROWS, get(g, key, NROWS),
                            NROWS, 1e-12);
        }
        snprintf(key, sizeof key, "%s_max_before", sc->name);
        check_close_vec(t->max_smd_before, get(g, key, NROWS), NROWS, 1e-12);
        snprintf(key, sizeof key, "%s_max_after", sc->name);
        v = get(g, key, NROWS);
        check_close_vec(t->max_smd_after, v, NROWS, 1e-12);
        /* Flags, except where the reference sits on the threshold itself
        ** (an SMD of exactly 0.1 up to rounding occurs with matching). */
        for (r = 0; v != NULL && r < NROWS; r++) {
            if (fabs(v[r] - 0.1) < 1e-9) {
                borderline++;
                continue;
            }
            CHECK(t->imbalanced_after[r] == (v[r] > 0.1));
            flagged += v[r] > 0.1;
        }
        snprintf(key, sizeof key, "%s_n_flag_after", sc->name);
        if (borderline == 0)
            CHECK(t->n_imbalanced_after == (size_t)get(g, key, 1)[0]);
        else
            CHECK(t->n_imbalanced_after >= flagged &&
                  t->n_imbalanced_after <= flagged + borderline);
        snprintf(key, sizeof key, "%s_n_flag_before", sc->name);
        CHECK(t->n_imbalanced_before == (size_t)get(g, key, 1)[0]);
        onc_balance_free(t);
    }
done:
    free(x);
    free(arm);
}

/* Hand-computed: continuous x with arm 1 {1, 2, 3}, arm 0 {2, 3, 4, 5}
** and a binary b with arm 1 {1, 1, 0}, arm 0 {1, 0, 0, 0}. */
static void test_hand(void)
{
    static const double x[] = {1, 2, 3, 2, 3, 4, 5, /* x */
                               1, 1, 0, 1, 0, 0, 0}; /* b */
    static const int arm[] = {1, 1, 1, 0, 0, 0, 0};
    static const onc_balance_type types[] = {ONC_BALANCE_CONTINUOUS, ONC_BALANCE_BINARY};
    static const double w[] = {1, 1, 1, 2, 0, 0, 2};
    onc_balance_options opt;
    onc_balance_table *t = NULL;
    /* Unweighted: means 2 and 3.5; variances 1 and 5/3; pooled SD
    ** sqrt(4/3); SMD -1.5 / sqrt(4/3).  b: 2/3 and 1/4, variances 2/9 and
    ** 3/16.  Weighted (arm 0 keeps rows 4 and 7 with weight 2): x mean 3.5,
    ** variance (2 (1.5^2) 2) / 4 / (1 - 1/2) = 4.5; b mean 1/2. */
    double pooled_b = sqrt((2.0 / 9.0 + 3.0 / 16.0) / 2.0);

    onc_balance_options_init(&opt);
    CHECK(onc_balance_compute(x, 7, 2, types, NULL, NULL, arm, 2, w, &opt, &t, NULL) ==
          ONC_OK);
    if (t != NULL) {
        CHECK_REL(t->mean_before[0 * 2 + 0], 3.5, 1e-15);
        CHECK_REL(t->mean_before[1 * 2 + 0], 2.0, 1e-15);
        CHECK_REL(t->sd[0], sqrt(4.0 / 3.0), 1e-14);
        CHECK_REL(t->smd_before[0], -1.5 / sqrt(4.0 / 3.0), 1e-14);
        CHECK_REL(t->variance_ratio_before[0], 1.0 / (5.0 / 3.0), 1e-14);
        CHECK_REL(t->smd_before[1], (2.0 / 3.0 - 0.25) / pooled_b, 1e-14);
        CHECK(isnan(t->variance_ratio_before[1]));
        CHECK_REL(t->mean_after[0 * 2 + 0], 3.5, 1e-15);
        CHECK_REL(t->smd_after[0], -1.5 / sqrt(4.0 / 3.0), 1e-14);
        CHECK_REL(t->variance_ratio_after[0], 1.0 / 4.5, 1e-14);
        CHECK_REL(t->smd_after[1], (2.0 / 3.0 - 0.5) / pooled_b, 1e-14);
        CHECK_REL(t->ess[0], 2.0, 1e-15);   /* (2 + 2)^2 / (4 + 4) */
        CHECK_REL(t->ess[1], 3.0, 1e-15);
        CHECK(t->n_arm[0] == 4 && t->n_arm[1] == 3);
        CHECK(t->imbalanced_before[0] && t->imbalanced_after[1]);
    }
    onc_balance_free(t);
    /* ATT: the SD of arm 1 (1 for x); no weights: after = before. */
    opt.estimand = ONC_PS_ATT;
    CHECK(onc_balance_compute(x, 7, 2, types, NULL, NULL, arm, 2, NULL, &opt, &t, NULL) ==
          ONC_OK);
    if (t != NULL) {
        CHECK(!t->adjusted);
        CHECK_REL(t->sd[0], 1.0, 1e-15);
        CHECK_REL(t->smd_before[0], -1.5, 1e-15);
        CHECK(t->smd_after[0] == t->smd_before[0]);
        CHECK_REL(t->sd[1], sqrt(2.0 / 9.0), 1e-15);
    }
    onc_balance_free(t);
}

static void test_errors(void)
{
    double x[] = {1, 2, 3, 4, 0, 1, 2, 1};
    int arm[] = {0, 1, 0, 1};
    int arm0[] = {0, 0, 0, 0};
    onc_balance_type bin2[] = {ONC_BALANCE_CONTINUOUS, ONC_BALANCE_BINARY};
    onc_balance_type fac2[] = {ONC_BALANCE_CONTINUOUS, ONC_BALANCE_FACTOR};
    size_t lev[] = {0, 2};
    const char *names[] = {"age", "ecog"};
    double wneg[] = {1, 1, -1, 1};
    onc_balance_options opt;
    onc_balance_table *t = NULL;
    onc_error err;

    CHECK(onc_balance_compute(x, 4, 2, bin2, NULL, names, arm, 2, NULL, NULL, &t, &err) ==
          ONC_ERR_DATA);
    CHECK(err.row == 3 && strcmp(err.column, "ecog") == 0);
    CHECK(onc_balance_compute(x, 4, 2, fac2, lev, names, arm, 2, NULL, NULL, &t, &err) ==
          ONC_ERR_DATA);
    CHECK(err.row == 3);
    lev[1] = 3;
    CHECK(onc_balance_compute(x, 4, 2, fac2, lev, names, arm, 2, NULL, NULL, &t, &err) ==
          ONC_OK);
    onc_balance_free(t);
    t = NULL;
    CHECK(onc_balance_compute(x, 4, 2, fac2, NULL, names, arm, 2, NULL, NULL, &t, &err) ==
          ONC_ERR_USAGE);
    CHECK(onc_balance_compute(x, 4, 2, fac2, lev, names, arm, 2, wneg, NULL, &t, &err) ==
          ONC_ERR_DATA);
    CHECK(err.row == 3);
    CHECK(onc_balance_compute(x, 4, 2, fac2, lev, names, arm0, 2, NULL, NULL, &t, &err) ==
          ONC_ERR_DATA);
    onc_balance_options_init(&opt);
    opt.estimand = ONC_PS_ATT;
    opt.treated_arm = 5;
    CHECK(onc_balance_compute(x, 4, 2, fac2, lev, names, arm, 2, NULL, &opt, &t, &err) ==
          ONC_ERR_USAGE);
    x[0] = NAN;
    CHECK(onc_balance_compute(x, 4, 2, fac2, lev, names, arm, 2, NULL, NULL, &t, &err) ==
          ONC_ERR_DATA);
    CHECK(err.row == 1 && strcmp(err.column, "age") == 0);
    CHECK(t == NULL);
    onc_balance_free(NULL);
}

int main(void)
{
    golden *c = golden_load(COHORT);
    golden *g = golden_load(GOLDEN);
    size_t n = 0;

    harness_set_name("test_balance");
    golden_get(c, "age", &n);
    CHECK(n == 300);
    if (n > 0)
        test_scenarios(c, g, n);
    test_hand();
    test_errors();
    golden_free(c);
    golden_free(g);
    return harness_finish();
}
