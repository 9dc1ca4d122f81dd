/*
** test_km_render.c -- Kaplan-Meier and log-rank results as text, JSON and
** CSV.
**
** The numbers are hand calculations on tiny data, shown beside each case;
** the point is what the renderers write for them: keys, null for "not
** reached", "NR" in text, exact round-trip numbers in JSON and CSV, and
** refusal of inconsistent reports.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/km_render.h"

/* Render into memory and return the text (caller frees). */
static char *render_km(const onc_km_report *r, onc_output_mode mode,
                       onc_status *rc)
{
    FILE *fp = tmpfile();
    char *buf;
    long len;

    if (fp == NULL)
        return NULL;
    *rc = onc_km_render(r, mode, fp);
    len = ftell(fp);
    buf = calloc((size_t)len + 1, 1);
    rewind(fp);
    if (buf != NULL && fread(buf, 1, (size_t)len, fp) != (size_t)len)
        buf[0] = '\0';
    fclose(fp);
    return buf;
}

static char *render_logrank(const onc_logrank_report *r, onc_output_mode mode,
                            onc_status *rc)
{
    FILE *fp = tmpfile();
    char *buf;
    long len;

    if (fp == NULL)
        return NULL;
    *rc = onc_logrank_render(r, mode, fp);
    len = ftell(fp);
    buf = calloc((size_t)len + 1, 1);
    rewind(fp);
    if (buf != NULL && fread(buf, 1, (size_t)len, fp) != (size_t)len)
        buf[0] = '\0';
    fclose(fp);
    return buf;
}

/* Does `text` contain `needle` once whitespace is squeezed out of both? */
static int has(const char *text, const char *needle)
{
    char *a = malloc(strlen(text) + 1), *b = malloc(strlen(needle) + 1);
    const char *p;
    char *q;
    int found;

    for (p = text, q = a; *p; p++)
        if (*p != ' ' && *p != '\n')
            *q++ = *p;
    *q = '\0';
    for (p = needle, q = b; *p; p++)
        if (*p != ' ' && *p != '\n')
            *q++ = *p;
    *q = '\0';
    found = strstr(a, b) != NULL;
    free(a);
    free(b);
    return found;
}

/*
** Group A: deaths at 1, 2, 3, 4: S = 3/4, 1/2, 1/4, 0; S = 1/2 on [2, 3)
** so the median is the midpoint 2.5 (R quantile.survfit).
** Group B: 1 death at 2 among 4, the rest censored at 5, 6, 7: S never
** reaches 1/2, the median is not reached.
*/
static const double time_[] = {1, 2, 3, 4, 2, 5, 6, 7};
static const double status_[] = {1, 1, 1, 1, 1, 0, 0, 0};
static const int32_t group_[] = {0, 0, 0, 0, 1, 1, 1, 1};
static const char *const labels[] = {"arm=A", "arm=B"};
static const char *const vars[] = {"arm"};
static const char *const values_a[] = {"A"};
static const char *const values_b[] = {"B"};
static const char *const *const values[] = {values_a, values_b};

static void km_cases(void)
{
    static const double times[] = {3};
    onc_km_options opt;
    onc_km_fit *fit = NULL;
    onc_km_report rep;
    onc_km_difference diff;
    onc_rmst_comparison rmst[2];
    onc_exclusions ex;
    onc_error err;
    onc_status rc;
    char *out;

    onc_km_options_init(&opt);
    opt.times = times;
    opt.n_times = 1;
    CHECK(onc_km_fit_groups(8, time_, NULL, status_, NULL, group_, 2, &opt,
                            &fit, &err) == ONC_OK);
    if (fit == NULL)
        return;
    CHECK(onc_km_compare_at(&fit->curves[1], &fit->curves[0], 0, 0.95, &diff,
                            &err) == ONC_OK);
    CHECK(onc_rmst_compare(&fit->curves[1].rmst, &fit->curves[0].rmst, 0.95,
                           &rmst[1], &err) == ONC_OK);
    onc_exclusions_init(&ex, 9);
    CHECK(onc_exclusions_add(&ex, "missing value in 'arm'", 9) == ONC_OK);

    onc_km_report_init(&rep);
    CHECK(isnan(rep.landmark));
    rep.fit = fit;
    rep.groups.n_groups = 2;
    rep.groups.labels = labels;
    rep.groups.n_vars = 1;
    rep.groups.vars = vars;
    rep.groups.values = values;
    rep.formula = "Surv(time, status) ~ arm";
    rep.has_difference = 1;
    rep.difference_group = 1;
    rep.difference_reference = 0;
    rep.differences = &diff;
    rep.rmst_reference = 0;
    rep.rmst_comparisons = rmst;
    rep.excluded = &ex;
    rep.show_rmst = 1;

    out = render_km(&rep, ONC_OUTPUT_JSON, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        CHECK(has(out, "\"label\": \"arm=A\", \"strata\": {\"arm\": \"A\"}"));
        CHECK(has(out, "\"median\": {\"estimate\": 2.5, \"lower\": 1, \"upper\": null}"));
        CHECK(has(out, "\"label\": \"arm=B\""));
        /* Group B never reaches 1/2; its lower band (0.426 from t = 2)
        ** does. */
        CHECK(has(out, "\"events\": 1, \"median\": {\"estimate\": null, \"lower\": 2, \"upper\": null}"));
        /* S_B = 3/4 from 2 to its end at 7: the 25% quantile is the
        ** midpoint 4.5 (R's end-of-curve rule). */
        CHECK(has(out, "{\"p\": 0.25, \"estimate\": 4.5, \"lower\": 2, \"upper\": null}"));
        /* S_A(3) = 1/4, S_B(3) = 3/4: the difference 1/2 exactly. */
        CHECK(has(out, "\"time\": 3, \"difference\": 0.5"));
        CHECK(has(out, "\"group\": \"arm=B\", \"reference\": \"arm=A\""));
        /* RMST up to min(4, 7) = 4: A 1 + 3/4 + 1/2 + 1/4 = 2.5, B 1 + 1
        ** + 3/4 + 3/4 = 3.5. */
        CHECK(has(out, "\"rmst_tau\": 4"));
        CHECK(has(out, "\"tau\": 4, \"estimate\": 2.5"));
        CHECK(has(out, "\"tau\": 4, \"estimate\": 3.5"));
        CHECK(has(out, "\"tau\": 4, \"difference\": 1,"));
        CHECK(has(out, "\"ratio\": 1.4"));
        CHECK(has(out, "\"time\": 1, \"n_risk\": 4, \"n_event\": 1, \"n_censor\": 0, \"surv\": 0.75"));
        CHECK(has(out, "\"n_total\": 9, \"n_used\": 8, \"n_excluded\": 1"));
        CHECK(has(out, "\"rows\": [9]"));
        CHECK(has(out, "\"conf_type\": \"log\", \"conf_level\": 0.95"));
        CHECK(has(out, "\"landmark\": null"));
    }
    free(out);

    out = render_km(&rep, ONC_OUTPUT_TEXT, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        CHECK(strstr(out, "2.5 (1–NR)") != NULL);
        CHECK(strstr(out, "NR (2–NR)") != NULL);
        CHECK(strstr(out, "arm=B minus arm=A") != NULL);
        CHECK(strstr(out, "0.500 (") != NULL);
        CHECK(strstr(out, "Restricted mean survival time up to 4") != NULL);
        CHECK(strstr(out, "missing value in 'arm': 1 row (9)") != NULL);
    }
    free(out);

    out = render_km(&rep, ONC_OUTPUT_CSV, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        CHECK(strncmp(out, "group,n,events,median,median_lower,median_upper,", 48) == 0);
        CHECK(strstr(out, "\narm=A,4,4,2.5,1,NA,") != NULL);
        CHECK(strstr(out, "\narm=B,4,1,NA,2,NA,") != NULL);
    }
    free(out);

    rep.show_table = 1;
    out = render_km(&rep, ONC_OUTPUT_CSV, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        CHECK(strstr(out, "arm=A,2,3,1,0,0.5,") != NULL);
        CHECK(strstr(out, "arm=B,7,1,0,1,0.75,") != NULL);
    }
    free(out);

    /* Inconsistent reports are refused before anything is written. */
    rep.groups.n_groups = 3;
    out = render_km(&rep, ONC_OUTPUT_JSON, &rc);
    CHECK(rc == ONC_ERR_USAGE);
    CHECK(out != NULL && out[0] == '\0');
    free(out);
    rep.groups.n_groups = 2;
    rep.difference_group = 5;
    out = render_km(&rep, ONC_OUTPUT_TEXT, &rc);
    CHECK(rc == ONC_ERR_USAGE);
    free(out);

    onc_exclusions_clear(&ex);
    onc_km_fit_free(fit);
}

static void logrank_cases(void)
{
    onc_logrank_options opt;
    onc_logrank_result *res = NULL;
    onc_logrank_report rep;
    onc_error err;
    onc_status rc;
    char *out;

    onc_logrank_options_init(&opt);
    opt.pairwise = 1;
    CHECK(onc_logrank_test(8, time_, status_, NULL, group_, 2, NULL, 0, &opt,
                           &res, &err) == ONC_OK);
    if (res == NULL)
        return;
    onc_logrank_report_init(&rep);
    CHECK(rep.adjust == ONC_P_ADJUST_HOLM);
    rep.result = res;
    rep.groups.n_groups = 2;
    rep.groups.labels = labels;
    rep.groups.n_vars = 1;
    rep.groups.vars = vars;
    rep.groups.values = values;
    rep.show_trend = 1;

    /* Observed A = 4.  At t=1: 8 at risk, E_A = 4/8; t=2: 7 at risk, 2
    ** deaths, 3 of A: E_A = 6/7; t=3: 5 at risk, 2 of A: 2/5; t=4: 4 at
    ** risk, 1 of A: 1/4.  E_A = 1/2 + 6/7 + 2/5 + 1/4 = 2.00714... */
    out = render_logrank(&rep, ONC_OUTPUT_JSON, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        CHECK(has(out, "\"test\": \"logrank\""));
        CHECK(has(out, "\"observed\": 4, \"expected\": 2.00714285714285"));
        CHECK(has(out, "\"var\": [["));
        CHECK(has(out, "\"trend\": {\"scores\": [1, 2]"));
        CHECK(has(out, "\"pairwise\": [{\"group1\": \"arm=A\", \"group2\": \"arm=B\""));
        CHECK(has(out, "\"p_adjust\": \"holm\""));
        CHECK(has(out, "\"n_used\": 8"));
    }
    free(out);
    out = render_logrank(&rep, ONC_OUTPUT_TEXT, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        CHECK(strstr(out, "Log-rank test") != NULL);
        CHECK(strstr(out, "on 1 df") != NULL);
        CHECK(strstr(out, "Pairwise comparisons (P adjusted: Holm)") != NULL);
    }
    free(out);
    rep.groups.n_groups = 1;
    out = render_logrank(&rep, ONC_OUTPUT_TEXT, &rc);
    CHECK(rc == ONC_ERR_USAGE);
    free(out);
    onc_logrank_free(res);
}

static void test_names(void)
{
    onc_logrank_result r;
    char buf[64];

    memset(&r, 0, sizeof r);
    r.weight = ONC_LOGRANK_WEIGHT_LOGRANK;
    onc_logrank_test_name(&r, buf, sizeof buf);
    CHECK_STR(buf, "Log-rank");
    r.weight = ONC_LOGRANK_WEIGHT_FLEMING_HARRINGTON;
    r.rho = 1;
    onc_logrank_test_name(&r, buf, sizeof buf);
    CHECK_STR(buf, "Peto-Peto");
    r.gamma = 0.5;
    onc_logrank_test_name(&r, buf, sizeof buf);
    CHECK_STR(buf, "Fleming-Harrington G(1, 0.5)");
    r.weight = ONC_LOGRANK_WEIGHT_TARONE_WARE;
    onc_logrank_test_name(&r, buf, sizeof buf);
    CHECK_STR(buf, "Tarone-Ware");
    r.weight = ONC_LOGRANK_WEIGHT_GEHAN_BRESLOW;
    onc_logrank_test_name(&r, buf, sizeof buf);
    CHECK_STR(buf, "Gehan-Breslow");
}

int main(void)
{
    harness_set_name("test_km_render");
    km_cases();
    logrank_cases();
    test_names();
    return harness_finish();
}
