/*
** test_immortal_render.c -- the report of the immortal-time analysis.
**
** The 400 patients of tests/golden/data/tvsplit.R (their models are
** checked against R in tests/stats/test_immortal.c) are analysed and
** rendered; the tests check the JSON round trip, the warning and its
** numbers in the text, one CSV row per analysis, the message when nobody
** is treated late, and the refusal of an inconsistent report.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/immortal_render.h"

#define COHORT "tests/golden/data/tvsplit.txt"

static char *render(const onc_immortal_report *r, onc_output_mode mode, onc_status *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    if (fp == NULL) {
        *rc = ONC_ERR_IO;
        return NULL;
    }
    *rc = onc_immortal_render(r, mode, fp);
    fclose(fp);
    return buf;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

int main(void)
{
    golden *c = golden_load(COHORT);
    size_t n = 0, k, i;
    const double *time = golden_get(c, "time", &n), *status = golden_get(c, "status", &k);
    const double *ttx = golden_get(c, "ttx", &k), *age = golden_get(c, "age", &k);
    const char *const covs[] = {"age"};
    onc_immortal_options opt;
    onc_immortal_result *res = NULL, *flat = NULL;
    onc_immortal_report rep;
    onc_status rc;
    char *out;

    harness_set_name("test_immortal_render");
    if (time == NULL || status == NULL || ttx == NULL || age == NULL) {
        CHECK(!"golden data");
        goto done;
    }
    onc_immortal_options_init(&opt);
    opt.landmark = 6;
    if (onc_immortal_analyze(n, time, status, ttx, age, 1, &opt, &res, NULL) != ONC_OK) {
        CHECK(!"analysis");
        goto done;
    }
    onc_immortal_report_init(&rep);
    rep.result = res;
    rep.time = "time";
    rep.event = "status";
    rep.treatment_time = "ttx";
    rep.covariates = covs;

    out = render(&rep, ONC_OUTPUT_JSON, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        const char *p = strstr(out, "\"analysis\": \"time_varying\"");
        const char *q = p != NULL ? strstr(p, "\"coef\": ") : NULL;

        CHECK(q != NULL && strtod(q + 8, NULL) == res->time_varying.fit->coef[0]);
        p = strstr(out, "\"immortal_time\": ");
        CHECK(p != NULL && strtod(p + 17, NULL) == res->summary.immortal_time);
        CHECK(strstr(out, "\"term\": \"age\"") != NULL);
        CHECK(strstr(out, "\"n_treated_later\": 26") != NULL);   /* landmark */
    }
    free(out);

    out = render(&rep, ONC_OUTPUT_TEXT, &rc);
    CHECK(rc == ONC_OK && out != NULL);
    if (out != NULL) {
        char want[96];

        snprintf(want, sizeof want, "%zu of %zu patients started treatment after",
                 res->summary.n_treated_later, n);
        CHECK(strstr(out, "WARNING: immortal time.") != NULL);
        CHECK(strstr(out, want) != NULL);
        CHECK(strstr(out, "adjusted for age") != NULL);
        CHECK(strstr(out, "Landmark at 6: treated by 6") != NULL);
    }
    free(out);

    out = render(&rep, ONC_OUTPUT_CSV, &rc);
    CHECK(rc == ONC_OK && out != NULL && count_lines(out) == 4);
    free(out);

    /* Nobody treated after time zero: no warning, and the naive model is
    ** the time-varying one. */
    {
        double *zero = malloc(n * sizeof *zero);

        if (zero != NULL) {
            for (i = 0; i < n; i++)
                zero[i] = isnan(ttx[i]) ? NAN : 0.0;
            CHECK(onc_immortal_analyze(n, time, status, zero, NULL, 0, NULL, &flat, NULL) ==
                  ONC_OK);
            free(zero);
        }
        if (flat != NULL) {
            onc_immortal_report r2 = rep;

            r2.result = flat;
            r2.covariates = NULL;
            out = render(&r2, ONC_OUTPUT_TEXT, &rc);
            CHECK(rc == ONC_OK && out != NULL &&
                  strstr(out, "No patient started treatment after time zero") != NULL &&
                  strstr(out, "WARNING") == NULL);
            free(out);
            CHECK(flat->naive.fit->coef[0] == flat->time_varying.fit->coef[0]);
            out = render(&r2, ONC_OUTPUT_CSV, &rc);
            CHECK(rc == ONC_OK && out != NULL && count_lines(out) == 3);
            free(out);
        }
    }

    {
        onc_immortal_report bad = rep;

        bad.covariates = NULL;
        CHECK(onc_immortal_render(&bad, ONC_OUTPUT_TEXT, stdout) == ONC_ERR_USAGE);
        bad = rep;
        bad.result = NULL;
        CHECK(onc_immortal_render(&bad, ONC_OUTPUT_JSON, stdout) == ONC_ERR_USAGE);
        CHECK(onc_immortal_render(NULL, ONC_OUTPUT_JSON, stdout) == ONC_ERR_USAGE);
    }
done:
    onc_immortal_free(res);
    onc_immortal_free(flat);
    golden_free(c);
    return harness_finish();
}
