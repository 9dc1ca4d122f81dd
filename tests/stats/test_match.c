/*
** test_match.c -- onc_match_nearest against MatchIt 4.5.1.
**
** Reference: tests/golden/stats/ps_match.txt, written by ps_match.R:
** matchit(arm2 ~ age + sex + factor(ecog) + kit_exon9 + extrahepatic,
** method = "nearest", distance = "glm", link = "linear.logit", ...) on the
** cohort of ps_cohort.R, for the configurations in the table below.  The
** distance MatchIt used is read from the golden file, so the comparison is
** exact: same matched controls, weights to rounding.  75 patients share a
** distance with an earlier one, so MatchIt's tie-breaking is exercised.
** For ratio 2 with replacement the reference is built from MatchIt's 1:1
** matches (MatchIt 4.5.1 itself repeats controls there; see ps_match.R).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/ps.h"

#define GOLDEN "tests/golden/stats/ps_match.txt"

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

struct match_case {
    const char *name;
    size_t ratio;
    int replace;
    double caliper;
    onc_match_order order;
    onc_match_discard discard;
};

static const struct match_case cases[] = {
    {"r1_largest", 1, 0, 0.0, ONC_MATCH_LARGEST, ONC_MATCH_DISCARD_NONE},
    {"r1_smallest", 1, 0, 0.0, ONC_MATCH_SMALLEST, ONC_MATCH_DISCARD_NONE},
    {"r1_data", 1, 0, 0.0, ONC_MATCH_DATA, ONC_MATCH_DISCARD_NONE},
    {"r2_largest", 2, 0, 0.0, ONC_MATCH_LARGEST, ONC_MATCH_DISCARD_NONE},
    {"r2_data", 2, 0, 0.0, ONC_MATCH_DATA, ONC_MATCH_DISCARD_NONE},
    {"r3_largest", 3, 0, 0.0, ONC_MATCH_LARGEST, ONC_MATCH_DISCARD_NONE},
    {"r1_cal_largest", 1, 0, 0.2, ONC_MATCH_LARGEST, ONC_MATCH_DISCARD_NONE},
    {"r1_cal_data", 1, 0, 0.2, ONC_MATCH_DATA, ONC_MATCH_DISCARD_NONE},
    {"r2_cal_largest", 2, 0, 0.2, ONC_MATCH_LARGEST, ONC_MATCH_DISCARD_NONE},
    {"r2_cal_data", 2, 0, 0.2, ONC_MATCH_DATA, ONC_MATCH_DISCARD_NONE},
    {"r1_cal_discard", 1, 0, 0.2, ONC_MATCH_LARGEST, ONC_MATCH_DISCARD_BOTH},
    {"rep_r1", 1, 1, 0.0, ONC_MATCH_LARGEST, ONC_MATCH_DISCARD_NONE},
    {"rep_r1_cal", 1, 1, 0.2, ONC_MATCH_LARGEST, ONC_MATCH_DISCARD_NONE},
    {"rep_r2", 2, 1, 0.0, ONC_MATCH_LARGEST, ONC_MATCH_DISCARD_NONE},
    {"rep_r2_cal", 2, 1, 0.2, ONC_MATCH_LARGEST, ONC_MATCH_DISCARD_NONE},
};

/* Invariants any nearest-neighbour result must satisfy (counted, then
** checked once each, so that a large problem does not flood the report). */
static void check_invariants(const onc_match_result *m, const double *d,
                             const int *arm, int replace)
{
    size_t t, r, i, used = 0, *times = calloc(m->n, sizeof *times);
    size_t wrong_arm = 0, outside = 0, repeated = 0, reused = 0, bad_weight = 0;
    double wt = 0.0, wc = 0.0;

    if (times == NULL)
        return;
    for (t = 0; t < m->n_treated; t++)
        for (r = 0; r < m->ratio; r++) {
            size_t c = m->match[t * m->ratio + r], s;

            if (c == ONC_MATCH_NONE)
                continue;
            wrong_arm += arm[c] == arm[m->treated_rows[t]];
            if (!isnan(m->caliper))
                outside += fabs(d[c] - d[m->treated_rows[t]]) > m->caliper;
            for (s = 0; s < r; s++)
                repeated += m->match[t * m->ratio + s] == c;
            times[c]++;
        }
    for (i = 0; i < m->n; i++) {
        if (!replace)
            reused += times[i] > 1;
        if (arm[i] == 1)
            wt += m->weight[i];
        else
            wc += m->weight[i];
        used += times[i] > 0;
        if (arm[i] == 0)
            bad_weight += (m->weight[i] > 0.0) != (times[i] > 0);
    }
    for (t = 0; t < m->n_treated; t++)
        bad_weight += (m->weight[m->treated_rows[t]] > 0.0) !=
                      (m->match[t * m->ratio] != ONC_MATCH_NONE);
    CHECK(wrong_arm == 0);
    CHECK(outside == 0);
    CHECK(repeated == 0);
    CHECK(reused == 0);
    CHECK(bad_weight == 0);
    CHECK(used == m->n_control_matched);
    CHECK_REL(wt, (double)m->n_treated_matched, 1e-9);
    CHECK_REL(wc, (double)m->n_control_matched, 1e-9);
    CHECK(m->n_treated_matched + m->n_treated_unmatched + m->n_treated_discarded ==
          m->n_treated);
    free(times);
}

static void test_matchit(golden *g)
{
    size_t n = 0, i, k;
    const double *dist = golden_get(g, "distance", &n);
    const double *tr = get(g, "treat", n);
    int *arm = malloc(n * sizeof *arm);
    size_t n1 = 0;

    if (dist == NULL || tr == NULL || arm == NULL) {
        free(arm);
        return;
    }
    for (i = 0; i < n; i++) {
        arm[i] = (int)tr[i];
        n1 += arm[i] == 1;
    }
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const struct match_case *mc = &cases[k];
        onc_match_options opt;
        onc_match_result *m = NULL;
        const double *mm, *w;
        char key[64];
        size_t j, tm = 0, tu = 0, cm = 0;

        onc_match_options_init(&opt);
        opt.ratio = mc->ratio;
        opt.replace = mc->replace;
        opt.caliper = mc->caliper;
        opt.order = mc->order;
        opt.discard = mc->discard;
        CHECK(onc_match_nearest(dist, arm, n, &opt, &m, NULL) == ONC_OK);
        snprintf(key, sizeof key, "%s_mm", mc->name);
        mm = get(g, key, n1 * mc->ratio);
        snprintf(key, sizeof key, "%s_weights", mc->name);
        w = get(g, key, n);
        if (m == NULL || mm == NULL || w == NULL) {
            onc_match_free(m);
            continue;
        }
        CHECK(m->n_treated == n1 && m->ratio == mc->ratio);
        for (j = 0; j < n1 * mc->ratio; j++) {
            if (isnan(mm[j]))
                CHECK(m->match[j] == ONC_MATCH_NONE);
            else
                CHECK(m->match[j] == (size_t)mm[j]);
        }
        for (i = 0; i < n; i++) {
            CHECK_CLOSE(m->weight[i], w[i], 1e-12);
            if (arm[i] == 1) {
                tm += w[i] > 0.0;
            } else {
                cm += w[i] > 0.0;
            }
        }
        CHECK(m->n_treated_matched == tm && m->n_control_matched == cm);
        if (mc->caliper > 0.0) {
            snprintf(key, sizeof key, "%s_caliper", mc->name);
            CHECK_REL(m->caliper, get(g, key, 1)[0], 1e-12);
        } else {
            CHECK(isnan(m->caliper));
        }
        if (mc->discard != ONC_MATCH_DISCARD_NONE) {
            const double *disc;

            snprintf(key, sizeof key, "%s_discarded", mc->name);
            disc = get(g, key, n);
            for (i = 0; disc != NULL && i < n; i++)
                CHECK(m->discarded[i] == (int)disc[i]);
            CHECK(m->n_treated_discarded + m->n_control_discarded > 0);
        }
        for (i = 0, tu = 0; i < n; i++)
            tu += arm[i] == 1 && w[i] == 0.0 && !m->discarded[i];
        CHECK(m->n_treated_unmatched == tu);
        check_invariants(m, dist, arm, mc->replace);
        onc_match_free(m);
    }
    free(arm);
}

/* Tie-breaking on a hand-made example.
**   row      0    1    2    3    4    5
**   arm      0    1    0    0    1    0
**   d        1.0  2.0  3.0  2.0  5.0  6.0
** Row 1 (d = 2) has control 3 at the same distance but later in data order,
** so in distance order 3 sits to its right (0.0 away) and control 0 to its
** left (1.0 away): it takes row 3.  Largest first, row 4 (d = 5) faces
** control 2 (2.0 below) and control 5 (1.0 above): it takes 5.  In the
** second round row 4 takes control 2 (d = 3) and row 1 takes control 0. */
static void test_ties(void)
{
    static const double d[] = {1.0, 2.0, 3.0, 2.0, 5.0, 6.0};
    static const int arm[] = {0, 1, 0, 0, 1, 0};
    onc_match_options opt;
    onc_match_result *m = NULL;

    onc_match_options_init(&opt);
    opt.ratio = 2;
    CHECK(onc_match_nearest(d, arm, 6, &opt, &m, NULL) == ONC_OK);
    if (m != NULL) {
        CHECK(m->treated_rows[0] == 1 && m->treated_rows[1] == 4);
        CHECK(m->match[0] == 3 && m->match[1] == 0);
        CHECK(m->match[2] == 5 && m->match[3] == 2);
    }
    onc_match_free(m);

    /* Naming arm 0 as treated with the codes swapped changes nothing. */
    {
        static const int swapped[] = {1, 0, 1, 1, 0, 1};

        opt.treated_arm = 0;
        CHECK(onc_match_nearest(d, swapped, 6, &opt, &m, NULL) == ONC_OK);
        if (m != NULL) {
            CHECK(m->treated_rows[0] == 1 && m->treated_rows[1] == 4);
            CHECK(m->match[0] == 3 && m->match[1] == 0);
            CHECK(m->match[2] == 5 && m->match[3] == 2);
        }
        onc_match_free(m);
        opt.treated_arm = 1;
    }

    /* Equal distance on both sides: the control below wins. */
    {
        static const double d2[] = {1.0, 2.0, 3.0};
        static const int arm2[] = {0, 1, 0};

        CHECK(onc_match_nearest(d2, arm2, 3, NULL, &m, NULL) == ONC_OK);
        if (m != NULL)
            CHECK(m->match[0] == 0);
        onc_match_free(m);
    }

    /* With replacement and ratio 2 the two nearest distinct controls. */
    opt.replace = 1;
    CHECK(onc_match_nearest(d, arm, 6, &opt, &m, NULL) == ONC_OK);
    if (m != NULL) {
        CHECK(m->match[0] == 3 && m->match[1] == 0);   /* 0.0, 1.0 */
        CHECK(m->match[2] == 5 && m->match[3] == 2);   /* 1.0, 2.0 */
    }
    onc_match_free(m);

    /* A caliper in distance units (not SDs) leaves row 4 with one match:
    ** weights 1 for both treated; controls 3, 0 get 1/2, control 5 gets 1,
    ** rescaled by 3 / 2: 0.75, 0.75, 1.5. */
    opt.replace = 0;
    opt.caliper = 1.0;
    opt.caliper_in_sd = 0;
    CHECK(onc_match_nearest(d, arm, 6, &opt, &m, NULL) == ONC_OK);
    if (m != NULL) {
        CHECK(m->match[2] == 5 && m->match[3] == ONC_MATCH_NONE);
        CHECK_REL(m->weight[3], 0.75, 1e-15);
        CHECK_REL(m->weight[0], 0.75, 1e-15);
        CHECK_REL(m->weight[5], 1.5, 1e-15);
        CHECK(m->weight[2] == 0.0 && m->n_control_unmatched == 1);
        CHECK_REL(m->caliper, 1.0, 1e-15);
    }
    onc_match_free(m);
}

/* Many patients: only the invariants (and speed) are checked. */
static void test_large(void)
{
    size_t n = 200000, i;
    double *d = malloc(n * sizeof *d);
    int *arm = malloc(n * sizeof *arm);
    unsigned long long s = 12345;
    onc_match_options opt;
    onc_match_result *m = NULL;

    if (d == NULL || arm == NULL)
        goto done;
    for (i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        arm[i] = (s >> 33) % 3 == 0;
        d[i] = (double)((s >> 11) % 100000) / 20000.0 + arm[i] * 0.5;
    }
    onc_match_options_init(&opt);
    opt.ratio = 2;
    opt.caliper = 0.05;
    CHECK(onc_match_nearest(d, arm, n, &opt, &m, NULL) == ONC_OK);
    if (m != NULL) {
        check_invariants(m, d, arm, 0);
        CHECK(m->n_treated_matched > 0);
    }
    onc_match_free(m);
done:
    free(d);
    free(arm);
}

static void test_errors(void)
{
    double d[] = {1.0, 2.0, NAN, 4.0};
    int arm[] = {0, 1, 0, 1};
    int arm_bad[] = {0, 1, 2, 1};
    int arm_one[] = {1, 1, 1, 1};
    onc_match_options opt;
    onc_match_result *m = NULL;
    onc_error err;

    CHECK(onc_match_nearest(d, arm, 4, NULL, &m, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3 && m == NULL);
    d[2] = 3.0;
    CHECK(onc_match_nearest(d, arm_bad, 4, NULL, &m, &err) == ONC_ERR_DATA);
    CHECK(err.row == 3);
    CHECK(onc_match_nearest(d, arm_one, 4, NULL, &m, &err) == ONC_ERR_DATA);
    onc_match_options_init(&opt);
    opt.ratio = 0;
    CHECK(onc_match_nearest(d, arm, 4, &opt, &m, &err) == ONC_ERR_USAGE);
    opt.ratio = 1;
    opt.caliper = -1.0;
    CHECK(onc_match_nearest(d, arm, 4, &opt, &m, &err) == ONC_ERR_USAGE);
    opt.caliper = 0.0;
    opt.treated_arm = 2;
    CHECK(onc_match_nearest(d, arm, 4, &opt, &m, &err) == ONC_ERR_USAGE);
    CHECK(onc_match_nearest(d, arm, 4, NULL, NULL, &err) == ONC_ERR_USAGE);
    onc_match_free(NULL);
}

int main(void)
{
    golden *g = golden_load(GOLDEN);

    harness_set_name("test_match");
    test_matchit(g);
    test_ties();
    test_large();
    test_errors();
    golden_free(g);
    return harness_finish();
}
