/*
** test_ps_bootstrap.c -- the bootstrap of the propensity-score analysis.
**
** The bootstrap has no external reference (R's generators differ), so the
** tests check its defining properties on the cohort of ps_cohort.R with
** the outcome of ps_outcome.R:
**   - each replicate is the full chain on its resample: replicate b equals
**     onc_ps_design_build + onc_ps_outcome_fit run by hand on the patients
**     onc_ps_bootstrap_sample(seed, b) draws (same log HR, same S(t));
**   - the result does not depend on the number of threads (bit for bit);
**   - the summaries are the SD and R type-7 percentiles of the replicates,
**     recomputed here from the stored replicate values;
**   - the sampler draws indices in range, is reproducible, and differs
**     between replicates and seeds.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/ps_outcome.h"

#define COHORT "tests/golden/stats/ps_cohort.txt"
#define GOLDEN "tests/golden/stats/ps_outcome.txt"
#define N 300
#define B 24

static double x[N * 6];
static int arm2[N], arm3[N];

static int load(golden *c)
{
    size_t n, k, i;
    const double *age = golden_get(c, "age", &n), *sex = golden_get(c, "sex", &k);
    const double *ecog = golden_get(c, "ecog", &k), *kit = golden_get(c, "kit_exon9", &k);
    const double *extra = golden_get(c, "extrahepatic", &k);
    const double *a2 = golden_get(c, "arm2", &k), *a3 = golden_get(c, "arm3", &k);

    if (age == NULL || sex == NULL || ecog == NULL || kit == NULL ||
        extra == NULL || a2 == NULL || a3 == NULL || n != N)
        return -1;
    for (i = 0; i < N; i++) {
        x[0 * N + i] = age[i];
        x[1 * N + i] = sex[i];
        x[2 * N + i] = ecog[i] == 1.0;
        x[3 * N + i] = ecog[i] == 2.0;
        x[4 * N + i] = kit[i];
        x[5 * N + i] = extra[i];
        arm2[i] = (int)a2[i];
        arm3[i] = (int)a3[i];
    }
    return 0;
}

/* Same value, NaN equal to NaN. */
static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void test_sampler(void)
{
    size_t a[N], b[N], i, differ = 0, differ_seed = 0;

    CHECK(onc_ps_bootstrap_sample(5, 3, N, a, NULL) == ONC_OK);
    CHECK(onc_ps_bootstrap_sample(5, 3, N, b, NULL) == ONC_OK);
    for (i = 0; i < N; i++)
        CHECK(a[i] < N && a[i] == b[i]);
    CHECK(onc_ps_bootstrap_sample(5, 4, N, b, NULL) == ONC_OK);
    for (i = 0; i < N; i++)
        differ += a[i] != b[i];
    CHECK(differ > N / 2);
    CHECK(onc_ps_bootstrap_sample(6, 3, N, b, NULL) == ONC_OK);
    for (i = 0; i < N; i++)
        differ_seed += a[i] != b[i];
    CHECK(differ_seed > N / 2);
    CHECK(onc_ps_bootstrap_sample(5, 0, 0, a, NULL) == ONC_ERR_USAGE);
}

/* Replicate b by hand: resample, design, outcome. */
static void check_replicate(const onc_ps_bootstrap *boot, size_t b,
                            const int *arm, size_t k, const double *time,
                            const double *status,
                            const onc_ps_design_options *dopt,
                            const onc_ps_outcome_options *oopt)
{
    static double xb[N * 6], tb[N], sb[N];
    static int ab[N];
    size_t idx[N], i, j, c, a, t;
    onc_ps_design *d = NULL;
    onc_ps_outcome *res = NULL;

    CHECK(onc_ps_bootstrap_sample(boot->seed, b, N, idx, NULL) == ONC_OK);
    for (i = 0; i < N; i++) {
        for (j = 0; j < 6; j++)
            xb[j * N + i] = x[j * N + idx[i]];
        ab[i] = arm[idx[i]];
        tb[i] = time[idx[i]];
        sb[i] = status[idx[i]];
    }
    CHECK(onc_ps_design_build(xb, N, 6, ab, k, dopt, &d, NULL) == ONC_OK);
    if (d == NULL)
        return;
    CHECK(onc_ps_outcome_fit(d, ab, tb, sb, oopt, &res, NULL) == ONC_OK);
    if (res != NULL) {
        for (c = 0; c + 1 < k; c++)
            CHECK(boot->log_hr[b * (k - 1) + c] == res->cox->coef[c]);
        for (a = 0; a < k; a++)
            for (t = 0; t < oopt->n_times; t++)
                CHECK(same(boot->surv[(b * k + a) * oopt->n_times + t],
                           res->km->curves[a].at_times[t].in_range
                               ? res->km->curves[a].at_times[t].surv : NAN));
    }
    onc_ps_outcome_free(res);
    onc_ps_design_free(d);
}

static int compare_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;

    return (u > v) - (u < v);
}

/* SD and type-7 percentiles of the defined replicate values. */
static void check_summary(const double *v, size_t stride, size_t count,
                          double conf, size_t n_def, double se, double lo,
                          double hi, int exp_scale)
{
    double s[B], mean = 0, ss = 0, h, q[2];
    size_t m = 0, i, r;
    const double probs[2] = {(1 - conf) / 2, (1 + conf) / 2};

    for (i = 0; i < count; i++)
        if (!isnan(v[i * stride]))
            s[m++] = v[i * stride];
    CHECK(n_def == m);
    if (m < 2)
        return;
    for (i = 0; i < m; i++)
        mean += s[i] / (double)m;
    for (i = 0; i < m; i++)
        ss += (s[i] - mean) * (s[i] - mean);
    CHECK_REL(se, sqrt(ss / (double)(m - 1)), 1e-12);
    qsort(s, m, sizeof *s, compare_double);
    for (r = 0; r < 2; r++) {
        size_t lo_i;

        h = (double)(m - 1) * probs[r];
        lo_i = (size_t)floor(h);
        q[r] = lo_i + 1 < m ? s[lo_i] + (h - floor(h)) * (s[lo_i + 1] - s[lo_i])
                            : s[m - 1];
        if (exp_scale)
            q[r] = exp(q[r]);
    }
    CHECK_REL(lo, q[0], 1e-12);
    CHECK_REL(hi, q[1], 1e-12);
}

static void run(golden *g, const char *name, const int *arm, size_t k,
                const char *tkey, const char *skey, onc_ps_method method)
{
    size_t nt = 0, n = 0, i, c, cell;
    const double *times = golden_get(g, "kmtimes", &nt);
    const double *time = golden_get(g, tkey, &n), *status = golden_get(g, skey, &n);
    onc_ps_design_options dopt;
    onc_ps_outcome_options oopt;
    onc_ps_bootstrap_options bopt;
    onc_ps_bootstrap *one = NULL, *two = NULL, *three = NULL, *other = NULL;
    onc_error err;

    if (times == NULL || time == NULL || status == NULL || n != N)
        return;
    onc_ps_design_options_init(&dopt);
    dopt.method = method;
    dopt.match.caliper = 0.2;
    onc_ps_outcome_options_init(&oopt);
    oopt.times = times;
    oopt.n_times = nt;
    onc_ps_bootstrap_options_init(&bopt);
    bopt.replicates = B;
    bopt.seed = 20240614;
    bopt.threads = 1;
    CHECK(onc_ps_bootstrap_run(x, N, 6, arm, k, time, status, &dopt, &oopt, &bopt,
                               &one, &err) == ONC_OK);
    bopt.threads = 2;
    CHECK(onc_ps_bootstrap_run(x, N, 6, arm, k, time, status, &dopt, &oopt, &bopt,
                               &two, &err) == ONC_OK);
    bopt.threads = 5;
    CHECK(onc_ps_bootstrap_run(x, N, 6, arm, k, time, status, &dopt, &oopt, &bopt,
                               &three, &err) == ONC_OK);
    bopt.threads = 0;
    bopt.seed = 20240615;
    CHECK(onc_ps_bootstrap_run(x, N, 6, arm, k, time, status, &dopt, &oopt, &bopt,
                               &other, &err) == ONC_OK);
    if (one == NULL || two == NULL || three == NULL || other == NULL) {
        fprintf(stderr, "%s: %s\n", name, err.message);
        goto done;
    }
    CHECK(one->threads == 1 && two->threads == 2 && three->threads == 5);
    CHECK(one->replicates == B && one->n_coef == k - 1 && one->n_times == nt);
    /* Thread count does not matter; the seed does. */
    {
        size_t differ = 0;

        for (i = 0; i < B * (k - 1); i++) {
            CHECK(same(one->log_hr[i], two->log_hr[i]));
            CHECK(same(one->log_hr[i], three->log_hr[i]));
            differ += !same(one->log_hr[i], other->log_hr[i]);
        }
        CHECK(differ > B / 2);
        for (i = 0; i < B * k * nt; i++) {
            CHECK(same(one->surv[i], two->surv[i]));
            CHECK(same(one->surv[i], three->surv[i]));
        }
    }
    CHECK(one->n_failed == two->n_failed);
    for (i = 0; i < B; i += 7)
        check_replicate(one, i, arm, k, time, status, &dopt, &oopt);
    for (c = 0; c + 1 < k; c++)
        check_summary(one->log_hr + c, k - 1, B, oopt.conf_level, one->log_hr_n[c],
                      one->log_hr_se[c], one->hr_lower[c], one->hr_upper[c], 1);
    for (cell = 0; cell < k * nt; cell++)
        check_summary(one->surv + cell, k * nt, B, oopt.conf_level, one->surv_n[cell],
                      one->surv_se[cell], one->surv_lower[cell],
                      one->surv_upper[cell], 0);
done:
    onc_ps_bootstrap_free(one);
    onc_ps_bootstrap_free(two);
    onc_ps_bootstrap_free(three);
    onc_ps_bootstrap_free(other);
}

static void test_errors(golden *g)
{
    size_t n = 0;
    const double *time = golden_get(g, "time", &n), *status = golden_get(g, "status", &n);
    double bad_time[N];
    onc_ps_bootstrap_options bopt;
    onc_ps_bootstrap *boot = NULL;
    onc_error err;

    if (time == NULL || status == NULL)
        return;
    onc_ps_bootstrap_options_init(&bopt);
    CHECK(bopt.replicates == 1000 && bopt.seed == 1 && bopt.threads == 0);
    bopt.replicates = 0;
    CHECK(onc_ps_bootstrap_run(x, N, 6, arm2, 2, time, status, NULL, NULL, &bopt,
                               &boot, &err) == ONC_ERR_USAGE);
    bopt.replicates = 3;
    memcpy(bad_time, time, sizeof bad_time);
    bad_time[17] = NAN;
    CHECK(onc_ps_bootstrap_run(x, N, 6, arm2, 2, bad_time, status, NULL, NULL,
                               &bopt, &boot, &err) == ONC_ERR_DATA);
    CHECK(err.row == 18 && boot == NULL);
    onc_ps_bootstrap_free(NULL);
}

int main(void)
{
    golden *c = golden_load(COHORT);
    golden *g = golden_load(GOLDEN);

    harness_set_name("test_ps_bootstrap");
    test_sampler();
    if (load(c) == 0) {
        run(g, "iptw", arm2, 2, "time", "status", ONC_PS_METHOD_IPTW);
        run(g, "match", arm2, 2, "time", "status", ONC_PS_METHOD_MATCH);
        run(g, "iptw3", arm3, 3, "time3", "status3", ONC_PS_METHOD_IPTW);
        test_errors(g);
    } else {
        CHECK(!"cohort loaded");
    }
    golden_free(g);
    golden_free(c);
    return harness_finish();
}
