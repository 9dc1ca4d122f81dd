/*
** test_tvsplit.c -- time-varying treatment split, landmark selection and
** immortal-time summary.
**
** Reference: tests/golden/data/tvsplit.txt, written by tvsplit.R with R
** survival 3.5-3: tmerge(..., death = event(time, status),
** treated = tdc(ttx)) for ten edge cases and a 400-patient cohort, the
** landmark subset at 6 months, and the immortal time from its definition.
** Invalid inputs: the rule of each error, from tvsplit.h.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "oncostat/tvsplit.h"

#define GOLDEN "tests/golden/data/tvsplit.txt"

/* Compare a split with the tmerge rows under the given key prefix. */
static void check_split(golden *g, const char *prefix, const char *death_key)
{
    char key[64];
    size_t n = 0, ns, k, i;
    const double *time, *status, *ttx, *start, *stop, *death, *treated, *source;
    onc_tv_data *d = NULL;
    onc_error err;

    snprintf(key, sizeof key, "%stime", prefix);
    time = golden_get(g, key, &n);
    snprintf(key, sizeof key, "%sstatus", prefix);
    status = golden_get(g, key, &k);
    snprintf(key, sizeof key, "%sttx", prefix);
    ttx = golden_get(g, key, &k);
    snprintf(key, sizeof key, "%sstart", death_key);
    start = golden_get(g, key, &ns);
    snprintf(key, sizeof key, "%sstop", death_key);
    stop = golden_get(g, key, &k);
    snprintf(key, sizeof key, "%sdeath", death_key);
    death = golden_get(g, key, &k);
    snprintf(key, sizeof key, "%streated", death_key);
    treated = golden_get(g, key, &k);
    snprintf(key, sizeof key, "%ssource", death_key);
    source = golden_get(g, key, &k);
    if (time == NULL || status == NULL || ttx == NULL || start == NULL ||
        stop == NULL || death == NULL || treated == NULL || source == NULL)
        return;
    CHECK(onc_tvsplit(n, time, status, ttx, &d, &err) == ONC_OK);
    if (d == NULL)
        return;
    CHECK(d->n == ns);
    CHECK(d->n_patients == n);
    CHECK(d->n_split == ns - n);
    for (i = 0; i < d->n && i < ns; i++) {
        /* Split points are the treatment times themselves: exact. */
        CHECK(d->start[i] == start[i]);
        CHECK(d->stop[i] == stop[i]);
        CHECK(d->status[i] == death[i]);
        CHECK(d->treated[i] == treated[i]);
        CHECK((double)d->source[i] == source[i]);
    }
    onc_tv_data_free(d);
}

static void test_landmark(golden *g)
{
    size_t n = 0, nk = 0, k, i;
    const double *time = golden_get(g, "time", &n), *status = golden_get(g, "status", &k);
    const double *ttx = golden_get(g, "ttx", &k), *L = golden_get(g, "landmark", &k);
    const double *src = golden_get(g, "landmark_source", &nk);
    const double *lt = golden_get(g, "landmark_time", &k);
    const double *tr = golden_get(g, "landmark_treated", &k);
    const double *later = golden_get(g, "landmark_treated_later", &k);
    onc_landmark_data *d = NULL;
    onc_error err;
    size_t treated = 0;

    if (time == NULL || status == NULL || ttx == NULL || L == NULL ||
        src == NULL || lt == NULL || tr == NULL || later == NULL)
        return;
    CHECK(onc_landmark_select(n, time, status, ttx, L[0], &d, &err) == ONC_OK);
    if (d == NULL)
        return;
    CHECK(d->n == nk);
    CHECK(d->n_ended == n - nk);
    CHECK((double)d->n_treated_later == later[0]);
    for (i = 0; i < d->n && i < nk; i++) {
        CHECK((double)d->source[i] == src[i]);
        /* time - L in one subtraction, as R: exact. */
        CHECK(d->time[i] == lt[i]);
        CHECK(d->treated[i] == tr[i]);
        CHECK(d->status[i] == status[d->source[i]]);
        treated += d->treated[i] == 1.0;
    }
    CHECK(d->n_treated == treated);
    onc_landmark_data_free(d);
}

static void test_summary(golden *g)
{
    size_t n = 0, k;
    const double *time = golden_get(g, "time", &n), *ttx = golden_get(g, "ttx", &k);
    const double *v;
    onc_immortal_summary s;
    onc_error err;

    if (time == NULL || ttx == NULL)
        return;
    CHECK(onc_immortal_summarize(n, time, ttx, &s, &err) == ONC_OK);
    CHECK(s.n == n);
    if ((v = golden_get(g, "n_treated", &k)) != NULL)
        CHECK((double)s.n_treated == v[0]);
    if ((v = golden_get(g, "n_treated_at_zero", &k)) != NULL)
        CHECK((double)s.n_treated_at_zero == v[0]);
    if ((v = golden_get(g, "n_treated_later", &k)) != NULL)
        CHECK((double)s.n_treated_later == v[0]);
    if ((v = golden_get(g, "n_treated_after_end", &k)) != NULL)
        CHECK((double)s.n_treated_after_end == v[0]);
    /* Sums of a few hundred two-decimal numbers in data order, as R. */
    if ((v = golden_get(g, "immortal_time", &k)) != NULL)
        CHECK_REL(s.immortal_time, v[0], 1e-13);
    if ((v = golden_get(g, "treated_time", &k)) != NULL) {
        CHECK_REL(s.treated_time, v[0], 1e-13);
        CHECK_REL(s.immortal_share, s.immortal_time / v[0], 1e-13);
    }
    if ((v = golden_get(g, "total_time", &k)) != NULL)
        CHECK_REL(s.total_time, v[0], 1e-13);
    if ((v = golden_get(g, "delay", &k)) != NULL && k == 3) {
        CHECK(s.delay_median == v[0]);
        CHECK(s.delay_min == v[1]);
        CHECK(s.delay_max == v[2]);
    }
}

/* Nobody treated (treat_time NULL or all NaN): one untreated row each,
** no immortal time. */
static void test_untreated(void)
{
    const double time[] = {4, 2, 9}, status[] = {1, 0, 1};
    const double never[] = {NAN, NAN, NAN};
    onc_tv_data *d = NULL;
    onc_landmark_data *l = NULL;
    onc_immortal_summary s;
    size_t i;

    CHECK(onc_tvsplit(3, time, status, NULL, &d, NULL) == ONC_OK);
    if (d != NULL) {
        CHECK(d->n == 3 && d->n_split == 0);
        for (i = 0; i < 3; i++)
            CHECK(d->treated[i] == 0.0 && d->stop[i] == time[i]);
    }
    onc_tv_data_free(d);
    CHECK(onc_immortal_summarize(3, time, never, &s, NULL) == ONC_OK);
    CHECK(s.n_treated == 0 && s.immortal_time == 0.0);
    CHECK(isnan(s.immortal_share) && isnan(s.delay_median));
    /* Landmark 2: the patient leaving at 2 is not kept. */
    CHECK(onc_landmark_select(3, time, status, never, 2.0, &l, NULL) == ONC_OK);
    if (l != NULL) {
        CHECK(l->n == 2 && l->n_ended == 1 && l->n_treated == 0);
        CHECK(l->time[0] == 2.0 && l->time[1] == 7.0);
    }
    onc_landmark_data_free(l);
}

struct bad_case {
    double time, status, ttx;
    const char *column;
};

static const struct bad_case bad_cases[] = {
    {NAN, 1, 2, "time"},
    {0.0, 1, NAN, "time"},          /* tmerge: "ending time of 0" */
    {-3, 0, NAN, "time"},
    {INFINITY, 1, 2, "time"},
    {5, 2, 2, "status"},
    {5, NAN, 2, "status"},
    {5, 1, INFINITY, "treatment time"},
};

static void test_errors(void)
{
    size_t c;

    for (c = 0; c < sizeof bad_cases / sizeof bad_cases[0]; c++) {
        /* The bad patient is the third: err->row names it. */
        double time[3] = {4, 6, bad_cases[c].time};
        double status[3] = {1, 0, bad_cases[c].status};
        double ttx[3] = {1, NAN, bad_cases[c].ttx};
        onc_tv_data *d = NULL;
        onc_landmark_data *l = NULL;
        onc_error err;

        CHECK(onc_tvsplit(3, time, status, ttx, &d, &err) == ONC_ERR_DATA);
        CHECK(d == NULL && err.row == 3);
        CHECK_STR(err.column, bad_cases[c].column);
        CHECK(onc_landmark_select(3, time, status, ttx, 1, &l, &err) == ONC_ERR_DATA);
        CHECK(l == NULL && err.row == 3);
    }
    {
        const double time[] = {1}, status[] = {1};
        onc_landmark_data *l = NULL;

        CHECK(onc_landmark_select(1, time, status, NULL, NAN, &l, NULL) == ONC_ERR_USAGE);
        CHECK(onc_landmark_select(1, time, status, NULL, -1, &l, NULL) == ONC_ERR_USAGE);
        CHECK(onc_tvsplit(1, NULL, status, NULL, NULL, NULL) == ONC_ERR_USAGE);
    }
    onc_tv_data_free(NULL);
    onc_landmark_data_free(NULL);
}

int main(void)
{
    golden *g = golden_load(GOLDEN);

    harness_set_name("test_tvsplit");
    check_split(g, "edge_", "edge_");
    check_split(g, "", "split_");
    test_landmark(g);
    test_summary(g);
    test_untreated();
    test_errors();
    golden_free(g);
    return harness_finish();
}
